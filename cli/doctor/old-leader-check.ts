// vault-k8s-leader-present: the old injector's leader is still alive after our replicas started.
// vault-k8s (and openbao-k8s, and openbao-helm, whose injector is a vault-k8s image) elects with a
// "leader for life" ConfigMap owned by the leader's Pod; the ConfigMap goes when that Pod goes.
// While it lives, that Pod issues the serving certificate and rewrites caBundle.
import { finding, objectName, type DoctorFinding } from './findings.js';
import { field, list, nameOf, namespaceOf, text, type Obj } from './k8s-objects.js';
import { skippedCheck } from './skipped.js';
import type { LockRead, MigrationRead, ReadFailure } from './snapshot.js';

/** vault-k8s (also what openbao-helm runs), then openbao-k8s. */
export const OLD_LEADER_LOCKS = ['vault-k8s-leader', 'openbao-k8s-leader'] as const;

/** The image repository our release is built as (`make image`, manifests/base). */
export const OUR_IMAGE_NAME = 'vault-injector';

export const CHECK = 'vault-k8s-leader-present';

/** `registry:5000/team/vault-injector:0.1.0@sha256:…` → `vault-injector`. */
export function imageName(image: string): string {
  const noDigest = image.split('@')[0] ?? '';
  const last = noDigest.split('/').at(-1) ?? '';
  return last.split(':')[0] ?? '';
}

function images(pod: Obj): string[] {
  return list(field(pod, 'spec'), 'containers').map((c) => text(c, 'image'));
}

export function runsOurImage(pod: Obj): boolean {
  return images(pod).some((i) => imageName(i) === OUR_IMAGE_NAME);
}

function terminating(pod: Obj): boolean {
  return text(field(pod, 'metadata'), 'deletionTimestamp') !== '';
}

function phase(pod: Obj): string {
  return text(field(pod, 'status'), 'phase');
}

/** The Pod a vault-k8s lock is owned by (its ownerReference), by name and uid. */
export function lockOwner(cm: Obj): { readonly name: string; readonly uid: string } | undefined {
  const ref = list(field(cm, 'metadata'), 'ownerReferences').find((r) => text(r, 'kind') === 'Pod');
  return ref === undefined ? undefined : { name: text(ref, 'name'), uid: text(ref, 'uid') };
}

/**
 * The leader Pod, when it is still leading: it exists as the same Pod (a Pod recreated under the
 * name is another Pod, and garbage collection is about to take the lock), is not being deleted and
 * has not ended.
 */
function livingOwner(cm: Obj, pod: Obj | undefined): Obj | undefined {
  const owner = lockOwner(cm);
  if (pod === undefined || owner === undefined) return undefined;
  const uid = text(field(pod, 'metadata'), 'uid');
  if (owner.uid !== '' && uid !== '' && owner.uid !== uid) return undefined;
  if (terminating(pod) || phase(pod) === 'Succeeded' || phase(pod) === 'Failed') return undefined;
  return pod;
}

function runningOurs(pod: Obj): boolean {
  return phase(pod) === 'Running' && !terminating(pod);
}

export interface OldLeaderInput {
  readonly migration: MigrationRead;
  /** Pods of the injector namespace the snapshot holds (none when it did not list there). */
  readonly pods: readonly Obj[];
  /** Why those pods are missing, when the snapshot's list would have covered that namespace. */
  readonly podsFailure?: ReadFailure;
  /** The old Pod's top controller, e.g. "Deployment/vault/vault-agent-injector". */
  readonly ownerOf: (pod: Obj) => string | undefined;
}

/** Our injector's running pods: by image, or the holder of our own leader lock. */
function ourPods(input: OldLeaderInput, old: Obj): Obj[] {
  const holder = input.migration.ownLock?.pod;
  const candidates = [
    ...input.pods.filter(runsOurImage),
    ...(holder?.status === 'ok' && holder.value !== undefined ? [holder.value] : []),
  ];
  const byName = new Map(candidates.filter(runningOurs).map((p) => [nameOf(p), p]));
  byName.delete(nameOf(old));
  return [...byName.values()].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
}

function rolloutHint(namespace: string, pod: Obj, owner: string | undefined): string {
  const deployment = owner?.startsWith('Deployment/') ? owner.split('/')[2] : undefined;
  const finish =
    deployment === undefined
      ? 'finish the rollout'
      : `finish the rollout (kubectl -n ${namespace} rollout status deployment/${deployment})`;
  return `${finish}, or delete the old pod once ours are ready (kubectl -n ${namespace} delete pod ${nameOf(pod)}); its lock ConfigMap goes with it and our replicas elect their own leader`;
}

function report(input: OldLeaderInput, lock: string, old: Obj, ours: Obj[]): DoctorFinding {
  const ns = input.migration.namespace;
  const owner = input.ownerOf(old);
  const image = images(old)[0] ?? '';
  const names = ours.map((p) => `${namespaceOf(p) || ns}/${nameOf(p)}`).join(', ');
  return finding(CHECK, {
    object: objectName('Pod', ns, nameOf(old)),
    message: `Pod ${ns}/${nameOf(old)}${image === '' ? '' : ` (image ${image})`} still holds the old injector's leader lock ConfigMap ${ns}/${lock} while vault-injector runs (${ours.length === 1 ? 'pod' : 'pods'} ${names}): until it is gone, it keeps issuing the serving certificate and rewriting caBundle.`,
    owner,
    hint: rolloutHint(ns, old, owner),
  });
}

function failureOf(read: LockRead): ReadFailure | undefined {
  if (read.configMap.status !== 'ok') return read.configMap;
  return read.pod !== undefined && read.pod.status !== 'ok' ? read.pod : undefined;
}

/** The lock's Pod when it is an old injector still leading; undefined otherwise. */
function oldLeader(read: LockRead): Obj | undefined {
  const cm = read.configMap.status === 'ok' ? read.configMap.value : undefined;
  const pod = read.pod?.status === 'ok' ? read.pod.value : undefined;
  const old = cm === undefined ? undefined : livingOwner(cm, pod);
  return old === undefined || runsOurImage(old) ? undefined : old;
}

/** A finding, the read that kept us from telling whether ours runs, or nothing to say. */
function judge(input: OldLeaderInput, read: LockRead): DoctorFinding | ReadFailure | undefined {
  const old = oldLeader(read);
  if (old === undefined) return undefined;
  const ours = ourPods(input, old);
  if (ours.length > 0) return report(input, read.name, old, ours);
  const own = input.migration.ownLock;
  return (own === undefined ? undefined : failureOf(own)) ?? input.podsFailure;
}

export function checkOldLeader(input: OldLeaderInput): DoctorFinding[] {
  const failures = input.migration.oldLeaders.flatMap((r) => failureOf(r) ?? []);
  const found: DoctorFinding[] = [];
  for (const read of input.migration.oldLeaders) {
    const verdict = judge(input, read);
    if (verdict === undefined) continue;
    if ('code' in verdict) found.push(verdict);
    else failures.push(verdict);
  }
  // One read refused means the others were too (same verb, kind and namespace): one finding.
  const [first] = failures;
  return first === undefined ? found : [...found, skippedCheck(first, [CHECK])];
}
