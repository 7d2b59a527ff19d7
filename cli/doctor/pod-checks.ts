// Live pods: ones that asked for an agent (Vault's or OpenBao's) and run without it, and Job pods
// that cannot finish because their classic agent sidecar outlives the app.
import {
  ANNOTATION_AGENT_INJECT,
  ANNOTATION_AGENT_INJECT_STATUS,
} from '../../patches/annotations.js';
import { annotationView } from '../../patches/flavour-annotations.js';
import { chooseFlavour, FLAVOURS, type Flavour } from '../../patches/flavours.js';
import { parseGoBool } from '../../patches/go-values.js';
import { finding, objectName, type DoctorFinding } from './findings.js';
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

const FLAVOUR_NAMES = FLAVOURS.map((f) => f.names);
const AGENT_NAMES: ReadonlySet<string> = new Set(
  FLAVOUR_NAMES.flatMap((n) => [n.initContainer, n.sidecarContainer]),
);
const SIDECAR_NAMES: ReadonlySet<string> = new Set(FLAVOUR_NAMES.map((n) => n.sidecarContainer));

/**
 * The pod's flavour, from its annotations alone: a pod stored by rewrite mode carries its
 * openbao.org keys already, and one still waiting for it reads the same either way.
 */
function flavourOf(pod: Obj): { flavour: Flavour; view: Readonly<Record<string, string>> } {
  const annotations = annotationsOf(pod);
  const flavour = chooseFlavour(annotations, { rewriteVaultAnnotations: false });
  return { flavour, view: annotationView(annotations, flavour) };
}

function containerNames(pod: Obj): string[] {
  const spec = field(pod, 'spec');
  return [...list(spec, 'initContainers'), ...list(spec, 'containers')].map((c) => text(c, 'name'));
}

/** Not finished, asked for injection in Go's bool grammar, and carries no sign of it. */
export function isMissingAgent(pod: Obj): boolean {
  if (!['Pending', 'Running'].includes(phaseOf(pod))) return false;
  const { view } = flavourOf(pod);
  const asked = parseGoBool(view[ANNOTATION_AGENT_INJECT] ?? '');
  if (!asked.ok || !asked.value) return false;
  if (view[ANNOTATION_AGENT_INJECT_STATUS] === 'injected') return false;
  return !containerNames(pod).some((n) => AGENT_NAMES.has(n));
}

function podObject(pod: Obj): string {
  return objectName('Pod', namespaceOf(pod), nameOf(pod));
}

export function checkNotInjected(pod: Obj, ctx: CauseContext, owners: OwnerIndex): DoctorFinding[] {
  if (!isMissingAgent(pod)) return [];
  const why = explainNotInjected(pod, ctx);
  const { prefix, names } = flavourOf(pod).flavour;
  return [
    finding('not-injected', {
      object: podObject(pod),
      message: `The pod has ${prefix}agent-inject: "true" but runs without ${names.product} Agent: ${why.reason}.`,
      cause: why.cause,
      owner: topOwner(pod, owners),
      hint: why.hint,
    }),
  ];
}

function stateOf(statuses: Obj[], name: string): Obj {
  return field(statuses.find((s) => text(s, 'name') === name) ?? {}, 'state');
}

/** The classic agent sidecar (a regular container) of a running Job pod, if it has one. */
function jobSidecar(pod: Obj): string | undefined {
  if (controllerOf(pod)?.kind !== 'Job' || phaseOf(pod) !== 'Running') return undefined;
  const names = list(field(pod, 'spec'), 'containers').map((c) => text(c, 'name'));
  return names.find((n) => SIDECAR_NAMES.has(n));
}

/** All app containers terminated while the classic sidecar (a regular container) still runs. */
export function isSidecarStuck(pod: Obj): boolean {
  const sidecar = jobSidecar(pod);
  if (sidecar === undefined) return false;
  const names = list(field(pod, 'spec'), 'containers').map((c) => text(c, 'name'));
  const statuses = list(field(pod, 'status'), 'containerStatuses');
  const apps = names.filter((n) => n !== sidecar);
  const appsDone = apps.length > 0 && apps.every((n) => 'terminated' in stateOf(statuses, n));
  return appsDone && 'running' in stateOf(statuses, sidecar);
}

export function checkJobSidecar(pod: Obj, owners: OwnerIndex): DoctorFinding[] {
  if (!isSidecarStuck(pod)) return [];
  const sidecar = jobSidecar(pod) ?? '';
  // The sidecar's name tells which agent, and so which prefix, the pod template uses.
  const prefix = FLAVOURS.find((f) => f.names.sidecarContainer === sidecar)?.prefix ?? '';
  return [
    finding('job-sidecar-stuck', {
      object: podObject(pod),
      message: `Every app container has finished but the ${sidecar} sidecar still runs, so the Job never completes.`,
      owner: topOwner(pod, owners),
      hint: `set ${prefix}agent-native-sidecar: "true" (Kubernetes 1.29+) or ${prefix}agent-pre-populate-only: "true" on the pod template`,
    }),
  ];
}
