// Accepted-but-likely-wrong settings found while parsing, reported as admission warnings (kubectl
// prints them) rather than denials, because vault-k8s accepts them.
import {
  ANNOTATION_AGENT_INJECT_CONTAINERS,
  ANNOTATION_AGENT_PRE_POPULATE,
  PREFIX_FILE,
  PREFIX_PRESERVE_SECRET_CASE,
} from './annotations.js';
import type { AgentSpec } from './agent-spec.js';
import { parseGoBool } from './go-values.js';
import type { Pod } from './k8s-types.js';

export function specWarnings(spec: Omit<AgentSpec, 'serviceAccount'>, pod: Pod): string[] {
  const annotations = pod.metadata?.annotations ?? {};
  const warnings: string[] = [];
  const names = new Set((pod.spec?.containers ?? []).map((c) => c.name));
  if (annotations[ANNOTATION_AGENT_INJECT_CONTAINERS] !== undefined) {
    for (const n of spec.injectContainers) {
      if (!names.has(n)) {
        warnings.push(
          `${ANNOTATION_AGENT_INJECT_CONTAINERS}: no container named ${JSON.stringify(n)} (names are not trimmed)`,
        );
      }
    }
  }
  for (const s of spec.secrets) {
    const root = s.mountPath.endsWith('/') ? s.mountPath : `${s.mountPath}/`;
    if (!s.destination.startsWith(root)) {
      warnings.push(
        `${PREFIX_FILE}${s.rawName}: renders to ${s.destination}, outside the secrets volume ${s.mountPath}`,
      );
    }
    const own = annotations[`${PREFIX_PRESERVE_SECRET_CASE}${s.rawName}`];
    if (own !== undefined && !parseGoBool(own).ok) {
      warnings.push(
        `${PREFIX_PRESERVE_SECRET_CASE}${s.rawName}: ${JSON.stringify(own)} is not a boolean; treated as false`,
      );
    }
  }
  if (!spec.layout.init && spec.layout.sidecar === 'none') {
    warnings.push(
      `${ANNOTATION_AGENT_PRE_POPULATE}: false with pre-populate-only: true injects no agent container; nothing renders the secrets`,
    );
  }
  if (spec.layout.sidecar === 'native' && spec.configMap !== '' && spec.secrets.length === 0) {
    warnings.push(
      'native sidecar with agent-configmap and no agent-inject-secret-* annotations: no startup probe, so the app may start before its secrets render',
    );
  }
  return warnings;
}
