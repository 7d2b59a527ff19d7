// Gives a manifest object the injection the webhook would give its pods: a Pod directly, a workload
// through its pod template. The engine's pod (cli/pipeline.ts) is written back into a copy of the
// object, at its template, so re-running is a no-op.
import type { Operation } from 'fast-json-patch';
import { diffJson } from '../patches/diff.js';
import { isRecord } from '../patches/is-record.js';
import type { Pod } from '../patches/k8s-types.js';
import type { Finding } from '../patches/outcome.js';
import {
  podLikeOf,
  runPipeline,
  type ObjectIdentity,
  type PipelineOptions,
  type PipelineResult,
} from './pipeline.js';
import { removeServiceAccountToken } from './service-account-admission.js';

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

export type MutateOptions = PipelineOptions;

type Obj = Record<string, unknown>;

/** Takes out the owner reference the pipeline added: templates never carry one. */
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

/**
 * A copy of the object holding the injected pod: without the simulated token mount (the API server
 * adds the real one when it creates the pods) and, at a template, without the owner reference.
 */
function withInjectedPod(object: Obj, injected: Pod, simulatedToken: boolean): Obj {
  const copy = structuredClone(object);
  const target = podLikeOf(copy) ?? copy;
  const result = structuredClone(injected);
  if (simulatedToken) removeServiceAccountToken(result.spec, target.spec);
  if (copy.kind !== 'Pod') dropAddedOwner(result, target);
  writeBack(target, result);
  return copy;
}

function settle(object: Obj, piped: PipelineResult): ObjectResult {
  const { identity, misplaced, run } = piped;
  // Said before any injection, as `lint` says it: these annotations never reach a pod.
  const warnings = [...misplaced, ...(run?.outcome.warnings ?? [])];
  const unchanged: ObjectResult = { status: 'unchanged', identity, object, warnings };
  if (run === undefined) return unchanged;
  const { outcome } = run;
  if (outcome.decision === 'deny') {
    return { status: 'denied', identity, problems: outcome.problems, warnings };
  }
  if (outcome.decision === 'skip') return unchanged;
  const printed = withInjectedPod(object, outcome.pod, run.simulatedToken);
  // Diffed against the manifest rather than taken from the engine, with the engine's algorithm:
  // for a workload the change is at its template, and the simulated token mount is not in it.
  const patch = diffJson(object, printed);
  if (patch.length === 0) return unchanged;
  return { status: 'injected', identity, object: printed, patch, warnings };
}

/** Never throws; objects that have no pods to inject come back unchanged. */
export function mutateObject(object: unknown, opts: MutateOptions): ObjectResult {
  if (!isRecord(object)) return { status: 'unchanged', object, warnings: [] };
  return settle(object, runPipeline(object, opts));
}
