// A pod's top controller, as a person would name the workload: a Deployment's pods are owned by a
// ReplicaSet and a CronJob's by a Job, so one more hop is taken through those two kinds.
import { objectName } from './findings.js';
import { controllerOf, nameOf, namespaceOf, type Obj } from './k8s-objects.js';

/** ReplicaSets and Jobs by "namespace/name", to take the second hop. */
export type OwnerIndex = ReadonlyMap<string, Obj>;

export function buildOwnerIndex(replicaSets: readonly Obj[], jobs: readonly Obj[]): OwnerIndex {
  const index = new Map<string, Obj>();
  for (const [kind, items] of [
    ['ReplicaSet', replicaSets],
    ['Job', jobs],
  ] as const) {
    for (const o of items) index.set(`${kind}/${namespaceOf(o)}/${nameOf(o)}`, o);
  }
  return index;
}

const SECOND_HOP: Readonly<Record<string, string>> = { ReplicaSet: 'Deployment', Job: 'CronJob' };

/** "Deployment/shop/web"; the first owner when its own owner is unknown; undefined for bare pods. */
export function topOwner(pod: Obj, index: OwnerIndex): string | undefined {
  const first = controllerOf(pod);
  if (first === undefined) return undefined;
  const namespace = namespaceOf(pod);
  const firstName = objectName(first.kind, namespace, first.name);
  const expected = SECOND_HOP[first.kind];
  const parent = index.get(firstName);
  const second = parent === undefined ? undefined : controllerOf(parent);
  if (expected === undefined || second?.kind !== expected) return firstName;
  return objectName(second.kind, namespace, second.name);
}
