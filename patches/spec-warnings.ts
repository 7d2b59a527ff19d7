// Accepted-but-likely-wrong settings found while parsing, reported as admission warnings (kubectl
// prints them) rather than denials, because vault-k8s accepts them.
import {
  ANNOTATION_AGENT_CONFIGMAP,
  ANNOTATION_AGENT_INJECT_CONTAINERS,
  ANNOTATION_AGENT_PRE_POPULATE,
  PREFIX_FILE,
  PREFIX_PRESERVE_SECRET_CASE,
} from './annotations.js';
import type { AgentSpec } from './agent-spec.js';
import { warning, type Finding } from './finding.js';
import { parseGoBool } from './go-values.js';
import type { Pod } from './k8s-types.js';

type Spec = Omit<AgentSpec, 'serviceAccount'>;

function missingContainers(spec: Spec, pod: Pod): Finding[] {
  if (pod.metadata?.annotations?.[ANNOTATION_AGENT_INJECT_CONTAINERS] === undefined) return [];
  const names = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  return spec.injectContainers
    .filter((n) => !names.has(n))
    .map((n) =>
      warning(
        ANNOTATION_AGENT_INJECT_CONTAINERS,
        `no container named ${JSON.stringify(n)} (names are not trimmed)`,
      ),
    );
}

function secretWarnings(spec: Spec, pod: Pod): Finding[] {
  const annotations = pod.metadata?.annotations ?? {};
  const out: Finding[] = [];
  for (const s of spec.secrets) {
    const root = s.mountPath.endsWith('/') ? s.mountPath : `${s.mountPath}/`;
    if (!s.destination.startsWith(root)) {
      const message = `renders to ${s.destination}, outside the secrets volume ${s.mountPath}`;
      out.push(warning(`${PREFIX_FILE}${s.rawName}`, message));
    }
    const own = annotations[`${PREFIX_PRESERVE_SECRET_CASE}${s.rawName}`];
    if (own !== undefined && !parseGoBool(own).ok) {
      const message = `${JSON.stringify(own)} is not a boolean; treated as false`;
      out.push(warning(`${PREFIX_PRESERVE_SECRET_CASE}${s.rawName}`, message));
    }
  }
  return out;
}

function layoutWarnings(spec: Spec): Finding[] {
  const out: Finding[] = [];
  if (!spec.layout.init && spec.layout.sidecar === 'none' && spec.envSecrets === undefined) {
    const message =
      'false with pre-populate-only: true injects no agent container; nothing renders the secrets';
    out.push(warning(ANNOTATION_AGENT_PRE_POPULATE, message));
  }
  if (spec.layout.sidecar === 'native' && spec.configMap !== '' && spec.secrets.length === 0) {
    const message =
      'a native sidecar with no agent-inject-secret-* annotations has no startup probe, so the app may start before its secrets render';
    out.push(warning(ANNOTATION_AGENT_CONFIGMAP, message));
  }
  return out;
}

export function specWarnings(spec: Spec, pod: Pod): Finding[] {
  return [...missingContainers(spec, pod), ...secretWarnings(spec, pod), ...layoutWarnings(spec)];
}
