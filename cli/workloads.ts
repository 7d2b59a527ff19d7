// Gives a manifest object the injection the webhook would give its pods: a Pod directly, a workload
// through its pod template. The template is injected as the pod the controller would create from
// it, and the result's metadata and spec are written back, so re-running is a no-op.
import { isRecord } from '../patches/is-record.js';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { InjectorConfig } from '../patches/injector-config.js';
import { inject } from '../patches/inject.js';
import type { Finding, InjectionOutcome } from '../patches/outcome.js';
import { misplacedAnnotations, stringAnnotations } from './misplaced-annotations.js';
import { objectName } from './object-name.js';
import { addServiceAccountToken, removeServiceAccountToken } from './service-account-admission.js';

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

export type ObjectResult =
  | {
      readonly status: 'unchanged';
      /** Absent for documents that are not objects. */
      readonly identity?: ObjectIdentity;
      readonly object: unknown;
      readonly warnings: readonly Finding[];
    }
  | {
      readonly status: 'injected';
      readonly identity: ObjectIdentity;
      readonly object: Record<string, unknown>;
      /** RFC 6902 operations turning the input object into the printed one. */
      readonly patch: readonly Operation[];
      readonly warnings: readonly Finding[];
    }
  | {
      readonly status: 'denied';
      readonly identity: ObjectIdentity;
      /** Every reason the webhook would deny it. */
      readonly problems: readonly Finding[];
      readonly warnings: readonly Finding[];
    };

export interface MutateOptions {
  /** Overrides every object's own namespace (as `kubectl apply -n` would place it). */
  readonly namespace: string | undefined;
  readonly config: InjectorConfig;
}

type Obj = Record<string, unknown>;

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

/** Takes out the owner reference podFromTemplate added: templates never carry one. */
function dropAddedOwner(result: { metadata?: Obj }, template: Obj): void {
  const had = isRecord(template.metadata) && template.metadata.ownerReferences !== undefined;
  if (had || result.metadata === undefined) return;
  const { ownerReferences: _added, ...rest } = result.metadata;
  result.metadata = rest;
}

/** Copies the engine's pod back, keeping managedFields, which the engine drops before diffing. */
function writeBack(target: Obj, pod: { metadata?: unknown; spec?: unknown }): void {
  const before = target.metadata;
  if (pod.metadata !== undefined) {
    const managed = isRecord(before) ? before.managedFields : undefined;
    target.metadata =
      managed === undefined ? pod.metadata : { ...pod.metadata, managedFields: managed };
  }
  if (pod.spec !== undefined) target.spec = pod.spec;
}

function settle(
  object: Obj,
  copy: Obj,
  outcome: InjectionOutcome,
  id: ObjectIdentity,
): ObjectResult {
  const { warnings } = outcome;
  if (outcome.decision === 'deny') {
    return { status: 'denied', identity: id, problems: outcome.problems, warnings };
  }
  // Diffed against the manifest rather than taken from the engine: for a workload the change is
  // at its template, and the simulated token mount must not show up in it.
  const patch = outcome.decision === 'inject' ? jsonpatch.compare(object, copy) : [];
  if (patch.length === 0) return { status: 'unchanged', identity: id, object, warnings };
  return { status: 'injected', identity: id, object: copy, patch, warnings };
}

/**
 * The pod the webhook would be asked about for a Pod or a pod template: a fresh copy, with the
 * token mount the API server's ServiceAccount admission adds (`simulated` when one was added).
 */
export function podAsAdmitted(
  podOrTemplate: Obj,
  identity: ObjectIdentity,
): { pod: Obj; simulated: boolean } {
  const pod = structuredClone(
    identity.kind === 'Pod' ? podOrTemplate : podFromTemplate(podOrTemplate, identity),
  );
  const simulated = addServiceAccountToken(pod.spec);
  return { pod, simulated };
}

/** Never throws; objects that have no pods to inject come back unchanged. */
export function mutateObject(object: unknown, opts: MutateOptions): ObjectResult {
  if (!isRecord(object)) return { status: 'unchanged', object, warnings: [] };
  const identity = identify(object, opts.namespace);
  const copy = structuredClone(object);
  const isPod = identity.kind === 'Pod';
  const target = isPod ? copy : templateOf(copy);
  // Said before any injection, as `lint` says it: these annotations never reach a pod.
  const misplaced = isPod
    ? []
    : misplacedAnnotations(
        object,
        objectName(identity.kind, identity.namespace, identity.name),
        stringAnnotations(target),
      );
  if (target === undefined) return { status: 'unchanged', identity, object, warnings: misplaced };
  const { pod, simulated } = podAsAdmitted(target, identity);
  const outcome = inject(pod, { namespace: identity.namespace, kind: 'Pod', config: opts.config });
  if (outcome.decision === 'inject') {
    const result = structuredClone(outcome.pod);
    if (simulated) removeServiceAccountToken(result.spec, target.spec);
    if (!isPod) dropAddedOwner(result, target);
    writeBack(target, result);
  }
  return settle(
    object,
    copy,
    { ...outcome, warnings: [...misplaced, ...outcome.warnings] },
    identity,
  );
}
