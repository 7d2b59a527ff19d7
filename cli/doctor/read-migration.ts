// The reads behind the migration checks: both injectors' leader locks in the injector namespace
// (named gets of ConfigMaps and Pods, which vault-helm's Role and the built-in view role both
// allow), and, when the webhook configuration's caBundle was written in the last minute, a few
// more reads of that configuration a moment apart to see whether another writer answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LOCK_NAME, LEADER_ANNOTATION } from '../../certs/leader-lock.js';
import { isRecord } from '../../patches/is-record.js';
import { isFlapping, recentlyWritten } from './cabundle-flapping.js';
import { objectName } from './findings.js';
import { getOptional, toPlain } from './get-optional.js';
import { annotationsOf, type Obj } from './k8s-objects.js';
import type { DoctorApis } from './kube-access.js';
import { lockOwner, OLD_LEADER_LOCKS } from './old-leader-check.js';
import type { LockRead, MigrationRead, TimedConfig } from './snapshot.js';

export interface ProbeSettings {
  /** At most this many further reads... */
  readonly reads: number;
  /** ...each this long after the previous one. */
  readonly intervalMs: number;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<unknown>;
}

/**
 * Two seconds at most, and only on a configuration written in the last minute. Two injector
 * leaders fighting answer each other's write within a watch event's delay (well under a second),
 * so a real fight shows within the first reads and the probe stops there.
 */
export const DEFAULT_PROBE: ProbeSettings = {
  reads: 5,
  intervalMs: 400,
  now: () => new Date(),
  sleep: (ms) => sleep(ms),
};

/** Later reads of the configuration (none unless the first looks suspicious), oldest first. */
export async function probeWebhookConfig(
  apis: DoctorApis,
  name: string,
  first: Obj,
  probe: ProbeSettings,
): Promise<TimedConfig[]> {
  const start = probe.now();
  if (!recentlyWritten(first, start)) return [];
  const rereads: TimedConfig[] = [];
  const configs = [first];
  while (rereads.length < probe.reads && !isFlapping(configs, start)) {
    await probe.sleep(probe.intervalMs);
    let config: Obj;
    try {
      config = toPlain(await apis.admission.readMutatingWebhookConfiguration({ name }));
    } catch {
      // The snapshot's read succeeded; a probe read that fails only ends the probe early.
      break;
    }
    rereads.push({ at: probe.now().toISOString(), config });
    configs.push(config);
  }
  return rereads;
}

type PodNameOf = (cm: Obj) => string | undefined;

async function readLock(
  apis: DoctorApis,
  namespace: string,
  name: string,
  podNameOf: PodNameOf,
): Promise<LockRead> {
  const configMap = await getOptional(
    `get ConfigMap ${namespace}/${name}`,
    objectName('ConfigMap', namespace, name),
    () => apis.core.readNamespacedConfigMap({ namespace, name }),
  );
  const podName = configMap.status === 'ok' && configMap.value ? podNameOf(configMap.value) : '';
  if (podName === undefined || podName === '') return { name, configMap };
  const pod = await getOptional(
    `get Pod ${namespace}/${podName}`,
    objectName('Pod', namespace, podName),
    () => apis.core.readNamespacedPod({ namespace, name: podName }),
  );
  return { name, configMap, pod };
}

/** Our lock's holder: holderIdentity of its leader record, which is the holder's POD_NAME. */
function holderOf(cm: Obj): string | undefined {
  try {
    const record: unknown = JSON.parse(annotationsOf(cm)[LEADER_ANNOTATION] ?? '');
    return isRecord(record) && typeof record.holderIdentity === 'string'
      ? record.holderIdentity
      : undefined;
  } catch {
    return undefined;
  }
}

function podRead(read: LockRead): boolean {
  return read.pod?.status === 'ok' && read.pod.value !== undefined;
}

export async function readMigration(apis: DoctorApis, namespace: string): Promise<MigrationRead> {
  const oldLeaders = await Promise.all(
    OLD_LEADER_LOCKS.map((name) => readLock(apis, namespace, name, (cm) => lockOwner(cm)?.name)),
  );
  // Our lock matters only to tell whether our injector runs next to an old leader.
  if (!oldLeaders.some(podRead)) return { namespace, oldLeaders };
  const ownLock = await readLock(apis, namespace, DEFAULT_LOCK_NAME, holderOf);
  return { namespace, oldLeaders, ownLock };
}
