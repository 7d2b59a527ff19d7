// vault-k8s's "leader for life" lock: ConfigMap `vault-k8s-leader`, owned by the leader's Pod. While
// that Pod runs, vault-k8s rewrites webhooks[0].clientConfig.caBundle to its own CA on every event
// of the webhook configuration, so during an in-place migration our replicas must not lead: they
// serve the pair it stores in the Secret and write nothing. Both reads are in vault-helm's and
// openbao-helm's Role (configmaps get, pods get).
import type { CoreV1Api, V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { apiStatus, isNotFound } from './kube-client.js';

/** The lock name vault-k8s uses, also under openbao-helm (whose injector image is vault-k8s). */
export const VAULT_K8S_LOCK_NAME = 'vault-k8s-leader';

export type ForeignLeaderCheck =
  /** No lock: nobody else leads. */
  | { readonly kind: 'none' }
  /** A lock whose owner no longer runs (deleted, replaced, terminating, finished). */
  | { readonly kind: 'gone'; readonly pod: string; readonly why: string }
  /** The owner Pod runs: it leads. */
  | { readonly kind: 'alive'; readonly pod: string; readonly why?: string }
  /** The lock could not be read (403): treated as no lock, with a warning. */
  | { readonly kind: 'unreadable'; readonly why: string };

function ownerPod(cm: V1ConfigMap): { name: string; uid: string } | undefined {
  const ref = cm.metadata?.ownerReferences?.find((r) => r.kind === 'Pod');
  return ref ? { name: ref.name, uid: ref.uid } : undefined;
}

/** Why a Pod no longer runs the leader, or undefined while it does. */
export function whyNotRunning(pod: V1Pod, uid: string): string | undefined {
  if (uid !== '' && pod.metadata?.uid !== undefined && pod.metadata.uid !== uid) {
    return 'owner Pod was replaced (different uid)';
  }
  if (pod.metadata?.deletionTimestamp) return 'owner Pod is terminating';
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return `owner Pod phase is ${phase}`;
  return undefined;
}

/**
 * What the lock says now. API errors other than 404 and 403 are thrown (the election round is
 * retried). A 403 on the Pod keeps the lock's word: its owner is taken to be alive, since the
 * garbage collector deletes the ConfigMap once the Pod is gone.
 */
export async function checkForeignLeader(
  core: CoreV1Api,
  namespace: string,
  lockName: string = VAULT_K8S_LOCK_NAME,
): Promise<ForeignLeaderCheck> {
  let cm: V1ConfigMap;
  try {
    cm = await core.readNamespacedConfigMap({ name: lockName, namespace });
  } catch (err) {
    if (isNotFound(err)) return { kind: 'none' };
    if (apiStatus(err) === 403) {
      return { kind: 'unreadable', why: `configmaps get of ${lockName} is forbidden` };
    }
    throw err;
  }
  const owner = ownerPod(cm);
  if (!owner) return { kind: 'gone', pod: '', why: 'lock has no owner Pod' };
  try {
    const pod = await core.readNamespacedPod({ name: owner.name, namespace });
    const why = whyNotRunning(pod, owner.uid);
    return why ? { kind: 'gone', pod: owner.name, why } : { kind: 'alive', pod: owner.name };
  } catch (err) {
    if (isNotFound(err)) return { kind: 'gone', pod: owner.name, why: 'owner Pod not found' };
    if (apiStatus(err) === 403) {
      return { kind: 'alive', pod: owner.name, why: 'pods get is forbidden' };
    }
    throw err;
  }
}
