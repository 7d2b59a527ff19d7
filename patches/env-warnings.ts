// What env secrets change for the app that the pod spec does not show: said once per pod, or per
// wrapped container, as admission warnings.
import {
  ANNOTATION_AGENT_ENV_CONTAINERS,
  ANNOTATION_AGENT_ENV_RESTART_SIGNAL,
} from './annotations.js';
import type { EnvSecrets } from './env-spec.js';
import { info, warning, type Finding } from './finding.js';
import type { Container, Pod } from './k8s-types.js';

function shadowWarnings(env: EnvSecrets, c: Container, name: string): Finding[] {
  const own = new Set((c.env ?? []).map((e) => e.name));
  return env.vars
    .filter((v) => own.has(v.name))
    .map((v) =>
      warning(
        v.key,
        `container "${name}" sets ${v.name} in env; the rendered secret replaces that value for the app`,
      ),
    );
}

/**
 * Inherent to env secrets, so nothing in the pod can remove it: naming the containers in
 * agent-env-containers (instead of taking the default, the first one) is the user saying they
 * know where the agent runs, and it is then info.
 */
function memoryWarning(c: Container, name: string, acknowledged: boolean): Finding {
  const limit = c.resources?.limits?.memory;
  const what = limit === undefined ? 'memory' : `memory limit (${limit})`;
  return (acknowledged ? info : warning)(
    ANNOTATION_AGENT_ENV_CONTAINERS,
    `the agent runs inside container "${name}" and counts against its ${what}; allow for it`,
  );
}

function signalWarning(name: string): Finding {
  return warning(
    ANNOTATION_AGENT_ENV_RESTART_SIGNAL,
    `the image STOPSIGNAL of container "${name}" is unknown to the injector (it asks no registry); the agent stops the app with SIGTERM, so set this annotation if the app expects another signal`,
  );
}

/** The agent reads its own settings from variables of its environment with its flavour's prefixes. */
function agentEnvWarning(c: Container, name: string, prefixes: readonly string[]): Finding[] {
  const own = (c.env ?? []).map((e) => e.name).filter((n) => prefixes.some((p) => n.startsWith(p)));
  if (own.length === 0) return [];
  return [
    warning(
      ANNOTATION_AGENT_ENV_CONTAINERS,
      `container "${name}" sets ${own.join(', ')}: the agent running in it reads these too, and they may override its generated config`,
    ),
  ];
}

interface Acknowledged {
  readonly signalSet: boolean;
  readonly containersNamed: boolean;
}

function containerWarnings(
  env: EnvSecrets,
  pod: Pod,
  { signalSet, containersNamed }: Acknowledged,
  envPrefixes: readonly string[],
): Finding[] {
  return env.containers.flatMap((w) => {
    const c = pod.spec?.containers[w.index] ?? { name: w.name };
    return [
      ...shadowWarnings(env, c, w.name),
      ...agentEnvWarning(c, w.name, envPrefixes),
      memoryWarning(c, w.name, containersNamed),
      ...(signalSet ? [] : [signalWarning(w.name)]),
    ];
  });
}

/**
 * Which annotation acknowledges which caveat: agent-env-containers (the containers named, not the
 * default taken) the two that come with env secrets themselves, that exec'd processes do not see
 * them and that the agent shares the container's memory, which become info; agent-env-restart-signal
 * the unknown STOPSIGNAL, which is then not said at all. The others (a shadowed env entry, VAULT_*
 * variables in the container) are fixed in the pod and stay warnings.
 */
export function envWarnings(
  env: EnvSecrets,
  pod: Pod,
  /** The prefixes of the variables the pod's agent reads (its flavour's envPrefixes). */
  envPrefixes: readonly string[],
): Finding[] {
  const annotations = pod.metadata?.annotations ?? {};
  const signalSet = annotations[ANNOTATION_AGENT_ENV_RESTART_SIGNAL] !== undefined;
  const containersNamed = (annotations[ANNOTATION_AGENT_ENV_CONTAINERS] ?? '').trim() !== '';
  const first = env.vars[0];
  return [
    ...(first === undefined
      ? []
      : [
          (containersNamed ? info : warning)(
            first.key,
            'env secrets exist only in the environment of the process the agent starts: kubectl exec, exec probes and lifecycle hooks do not see them',
          ),
        ]),
    ...containerWarnings(env, pod, { signalSet, containersNamed }, envPrefixes),
  ];
}
