// The one path from a manifest object to the engine's outcome, used by `mutate`, `lint`, `policy` and
// `doctor`: the object → the pod the API server would hand the webhook for it (its namespace, a
// workload's pod template as the controller's pod with its owner reference, the ServiceAccount
// admission's token mount) → the engine (admission/admitted-pod.ts, the step `review` and the
// webhook take too). Each command reads what it needs from the result.
import { engineOutcome, type AdmittedPod } from '../admission/admitted-pod.js';
import type { Finding } from '../patches/finding.js';
import { lintPodAnnotations } from '../patches/flavour-lint.js';
import type { InjectorConfig } from '../patches/injector-config.js';
import { isRecord } from '../patches/is-record.js';
import type { InjectionOutcome } from '../patches/outcome.js';
import { misplacedAnnotations, stringAnnotations } from './misplaced-annotations.js';
import { objectName } from './object-name.js';
import { addServiceAccountToken } from './service-account-admission.js';

type Obj = Record<string, unknown>;

/** Where each workload kind keeps the template of the pods it creates. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  // OpenShift's apps.openshift.io/v1 workload: its pods are created through ReplicationControllers.
  DeploymentConfig: ['spec', 'template'],
};

export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface PipelineOptions {
  /** Overrides every object's own namespace (as `kubectl apply -n` would place it). */
  readonly namespace: string | undefined;
  readonly config: InjectorConfig;
}

/** What the engine made of the pod the object's controller (or the object itself) creates. */
export interface PodRun {
  /** The pod as the API server would admit it: a fresh copy, never part of the object. */
  readonly pod: Obj;
  /** Whether the token mount of the ServiceAccount admission was added to it. */
  readonly simulatedToken: boolean;
  readonly outcome: InjectionOutcome;
}

export interface PipelineResult {
  readonly identity: ObjectIdentity;
  /** The Pod itself or the workload's pod template, inside the object; absent: it makes no pods. */
  readonly podLike: Obj | undefined;
  /** Injector annotations on a workload's own metadata (or jobTemplate), which no pod ever sees. */
  readonly misplaced: readonly Finding[];
  /** The lint rules over the pod's annotations, before the engine (unknown keys, risky values). */
  readonly annotationFindings: readonly Finding[];
  /** Present when the object makes pods. */
  readonly run: PodRun | undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function identify(object: Obj, namespaceOverride: string | undefined): ObjectIdentity {
  const meta = isRecord(object.metadata) ? object.metadata : {};
  return {
    apiVersion: str(object.apiVersion),
    kind: str(object.kind),
    namespace: namespaceOverride || str(meta.namespace) || 'default',
    name: str(meta.name) || str(meta.generateName) || '(unnamed)',
  };
}

/** The pod template of a workload kind listed above, or undefined. */
export function templateOf(object: Obj): Obj | undefined {
  const path = TEMPLATE_PATHS[str(object.kind)];
  if (path === undefined) return undefined;
  let at: unknown = object;
  for (const key of path) at = isRecord(at) ? at[key] : undefined;
  return isRecord(at) ? at : undefined;
}

/** A Pod is its own pod; a workload has its template; anything else makes no pods. */
export function podLikeOf(object: Obj): Obj | undefined {
  return object.kind === 'Pod' ? object : templateOf(object);
}

/**
 * Who owns the pods: a Deployment's are owned by a ReplicaSet, a DeploymentConfig's by a
 * ReplicationController, a CronJob's by a Job.
 */
function podOwner(id: ObjectIdentity): Obj {
  if (id.kind === 'Deployment') return { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: id.name };
  if (id.kind === 'DeploymentConfig') {
    return { apiVersion: 'v1', kind: 'ReplicationController', name: id.name };
  }
  if (id.kind === 'CronJob') return { apiVersion: 'batch/v1', kind: 'Job', name: id.name };
  return { apiVersion: id.apiVersion, kind: id.kind, name: id.name };
}

/**
 * The pod a controller would create from a template. With the workload's identity it includes the
 * owner reference, which the engine reads (a Job's pods get a warning about sidecars that never exit).
 */
export function podFromTemplate(template: Obj, id?: ObjectIdentity): Obj {
  const meta = isRecord(template.metadata) ? template.metadata : undefined;
  const pod: Obj = { apiVersion: 'v1', kind: 'Pod' };
  if (meta !== undefined) pod.metadata = meta;
  if (id !== undefined && meta?.ownerReferences === undefined) {
    pod.metadata = { ...meta, ownerReferences: [{ ...podOwner(id), controller: true }] };
  }
  if (template.spec !== undefined) pod.spec = template.spec;
  return pod;
}

/**
 * The pod the webhook would be asked about for a Pod or a pod template: a fresh copy, with the
 * token mount the API server's ServiceAccount admission adds (`simulated` when one was added).
 */
export function podAsAdmitted(
  podLike: Obj,
  identity: ObjectIdentity,
): { pod: Obj; simulated: boolean } {
  const pod = structuredClone(
    identity.kind === 'Pod' ? podLike : podFromTemplate(podLike, identity),
  );
  const simulated = addServiceAccountToken(pod.spec);
  return { pod, simulated };
}

function runPod(podLike: Obj, identity: ObjectIdentity, config: InjectorConfig): PodRun {
  const { pod, simulated } = podAsAdmitted(podLike, identity);
  // The request the API server would send: a Pod being created in the object's namespace.
  const admitted: AdmittedPod = { object: pod, namespace: identity.namespace, kind: 'Pod' };
  return { pod, simulatedToken: simulated, outcome: engineOutcome(admitted, config) };
}

/** Never throws for any object; the input is never modified. */
export function runPipeline(object: Obj, opts: PipelineOptions): PipelineResult {
  const identity = identify(object, opts.namespace);
  const podLike = podLikeOf(object);
  const annotations = stringAnnotations(podLike);
  const label = objectName(identity.kind, identity.namespace, identity.name);
  const misplaced = identity.kind === 'Pod' ? [] : misplacedAnnotations(object, label, annotations);
  if (podLike === undefined) {
    return { identity, podLike, misplaced, annotationFindings: [], run: undefined };
  }
  return {
    identity,
    podLike,
    misplaced,
    annotationFindings: lintPodAnnotations(annotations, opts.config),
    run: runPod(podLike, identity, opts.config),
  };
}
