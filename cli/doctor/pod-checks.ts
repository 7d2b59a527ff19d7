// Live pods: ones that asked for Vault Agent and run without it, and Job pods that cannot finish
// because their classic vault-agent sidecar outlives the app.
import { VAULT_NAMES } from '../../patches/injector-names.js';
import {
  ANNOTATION_AGENT_INJECT,
  ANNOTATION_AGENT_INJECT_STATUS,
  ANNOTATION_AGENT_NATIVE_SIDECAR,
  ANNOTATION_AGENT_PRE_POPULATE_ONLY,
} from '../../patches/annotations.js';
import { parseGoBool } from '../../patches/go-values.js';
import { finding, objectName, type Finding } from './findings.js';
import { explainNotInjected, phaseOf, type CauseContext } from './injection-cause.js';
import {
  annotationsOf,
  controllerOf,
  field,
  list,
  nameOf,
  namespaceOf,
  text,
  type Obj,
} from './k8s-objects.js';
import { topOwner, type OwnerIndex } from './owners.js';

const { initContainer: INIT_CONTAINER_NAME, sidecarContainer: SIDECAR_CONTAINER_NAME } =
  VAULT_NAMES;
const AGENT_NAMES: ReadonlySet<string> = new Set([INIT_CONTAINER_NAME, SIDECAR_CONTAINER_NAME]);

function containerNames(pod: Obj): string[] {
  const spec = field(pod, 'spec');
  return [...list(spec, 'initContainers'), ...list(spec, 'containers')].map((c) => text(c, 'name'));
}

/** Not finished, asked for injection in Go's bool grammar, and carries no sign of it. */
export function isMissingAgent(pod: Obj): boolean {
  if (!['Pending', 'Running'].includes(phaseOf(pod))) return false;
  const annotations = annotationsOf(pod);
  const asked = parseGoBool(annotations[ANNOTATION_AGENT_INJECT] ?? '');
  if (!asked.ok || !asked.value) return false;
  if (annotations[ANNOTATION_AGENT_INJECT_STATUS] === 'injected') return false;
  return !containerNames(pod).some((n) => AGENT_NAMES.has(n));
}

function podObject(pod: Obj): string {
  return objectName('Pod', namespaceOf(pod), nameOf(pod));
}

export function checkNotInjected(pod: Obj, ctx: CauseContext, owners: OwnerIndex): Finding[] {
  if (!isMissingAgent(pod)) return [];
  const why = explainNotInjected(pod, ctx);
  return [
    finding('not-injected', {
      object: podObject(pod),
      message: `The pod has ${ANNOTATION_AGENT_INJECT}: "true" but runs without Vault Agent: ${why.reason}.`,
      cause: why.cause,
      owner: topOwner(pod, owners),
      hint: why.hint,
    }),
  ];
}

function stateOf(statuses: Obj[], name: string): Obj {
  return field(statuses.find((s) => text(s, 'name') === name) ?? {}, 'state');
}

/** All app containers terminated while the classic sidecar (a regular container) still runs. */
export function isSidecarStuck(pod: Obj): boolean {
  if (controllerOf(pod)?.kind !== 'Job' || phaseOf(pod) !== 'Running') return false;
  const names = list(field(pod, 'spec'), 'containers').map((c) => text(c, 'name'));
  if (!names.includes(SIDECAR_CONTAINER_NAME)) return false;
  const statuses = list(field(pod, 'status'), 'containerStatuses');
  const apps = names.filter((n) => n !== SIDECAR_CONTAINER_NAME);
  const appsDone = apps.length > 0 && apps.every((n) => 'terminated' in stateOf(statuses, n));
  return appsDone && 'running' in stateOf(statuses, SIDECAR_CONTAINER_NAME);
}

export function checkJobSidecar(pod: Obj, owners: OwnerIndex): Finding[] {
  if (!isSidecarStuck(pod)) return [];
  return [
    finding('job-sidecar-stuck', {
      object: podObject(pod),
      message: `Every app container has finished but the ${SIDECAR_CONTAINER_NAME} sidecar still runs, so the Job never completes.`,
      owner: topOwner(pod, owners),
      hint: `set ${ANNOTATION_AGENT_NATIVE_SIDECAR}: "true" (Kubernetes 1.29+) or ${ANNOTATION_AGENT_PRE_POPULATE_ONLY}: "true" on the pod template`,
    }),
  ];
}
