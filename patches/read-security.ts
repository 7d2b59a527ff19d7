// The agent containers' user, group and whether they get a security context at all.
import { ANNOTATIONS as T } from './annotation-table.js';
import * as A from './annotations.js';
import type { AnnotationReader } from './annotation-reader.js';
import type { AgentSpec } from './agent-spec.js';
import type { InjectorConfig } from './injector-config.js';
import type { Pod } from './k8s-types.js';

type Security = Pick<AgentSpec, 'setSecurityContext' | 'runAsUser' | 'runAsGroup'>;

/** The setting's default is text (as in vault-k8s), checked here with the annotation's grammar. */
function readUserId(
  r: AnnotationReader,
  row: typeof T.agentRunAsUser | typeof T.agentRunAsGroup,
  configValue: string,
): number {
  if (r.has(row.key)) return r.read(row, 0);
  const parsed = row.grammar.parse(configValue);
  if (parsed.ok) return parsed.value;
  r.problemWithDefault(row.key, row.setting, configValue, `expected ${parsed.accepted}`);
  return 0;
}

/** Why the first app container's user cannot be taken, or undefined when it can. */
function sameUserObstacle(pod: Pod): string | undefined {
  const first = pod.spec?.containers[0];
  const uid = first?.securityContext?.runAsUser;
  if (first === undefined) return 'the pod has no containers to take the user from';
  if (typeof uid !== 'number')
    return `container "${first.name}" has no securityContext.runAsUser to run the agent as`;
  if (uid === 0)
    return `container "${first.name}" runs as root (uid 0); the agent is not allowed to run as root`;
  return undefined;
}

/** run-as-same-user: the agent takes the uid of the first app container. */
function sameUserId(r: AnnotationReader, pod: Pod): number | undefined {
  const obstacle = sameUserObstacle(pod);
  if (obstacle === undefined) return pod.spec?.containers[0]?.securityContext?.runAsUser;
  // Name the setting when it came from the injector, not from the pod.
  r.problemWithDefault(A.ANNOTATION_AGENT_RUN_AS_SAME_USER, 'runAsSameUser', 'true', obstacle);
  return undefined;
}

/** Asking for a user or group turns the security context on, as vault-k8s does. */
function flipsSecurityContext(r: AnnotationReader, cfg: InjectorConfig): boolean {
  if (cfg.setSecurityContext || r.has(A.ANNOTATION_AGENT_SET_SECURITY_CONTEXT)) return false;
  return [
    A.ANNOTATION_AGENT_RUN_AS_USER,
    A.ANNOTATION_AGENT_RUN_AS_SAME_USER,
    A.ANNOTATION_AGENT_RUN_AS_GROUP,
  ].some((k) => r.has(k));
}

export function readSecurity(r: AnnotationReader, pod: Pod, cfg: InjectorConfig): Security {
  const setSecurityContext = r.read(
    T.agentSetSecurityContext,
    cfg.setSecurityContext || flipsSecurityContext(r, cfg),
  );
  let runAsUser = readUserId(r, T.agentRunAsUser, cfg.runAsUser || '100');
  const runAsGroup = readUserId(r, T.agentRunAsGroup, cfg.runAsGroup || '1000');
  if (r.read(T.agentRunAsSameUser, cfg.runAsSameUser)) {
    runAsUser = sameUserId(r, pod) ?? runAsUser;
  }
  return { setSecurityContext, runAsUser, runAsGroup };
}
