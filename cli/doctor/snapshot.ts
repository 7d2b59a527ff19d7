// Everything doctor reads from the cluster, as plain JSON, before any check runs. The checks take
// this and nothing else, so they are pure and tested without a cluster; a read that failed is
// kept as data, so its checks can say they were skipped instead of failing the run.
import type { Obj } from './k8s-objects.js';

/** forbidden: 403; absent: the API does not serve the kind (404 on a list); failed: anything else. */
export interface ReadFailure {
  readonly status: 'forbidden' | 'absent' | 'failed';
  /** What was attempted, e.g. "list pods in all namespaces". */
  readonly what: string;
  /** The object or collection, e.g. "Pod/*" or "Secret/vault/vault-injector-certs". */
  readonly object: string;
  readonly reason: string;
}

export type Read<T> = { readonly status: 'ok'; readonly value: T } | ReadFailure;

export const WORKLOAD_KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'ReplicationController',
] as const;

export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** The webhook's Service and what says whether it has a ready backend. */
export interface ServiceRead {
  readonly namespace: string;
  readonly name: string;
  /** undefined value: the Service does not exist. */
  readonly service: Read<Obj | undefined>;
  readonly endpointSlices: Read<readonly Obj[]>;
  /** Read only when the EndpointSlices could not be; undefined value: no Endpoints object. */
  readonly endpoints?: Read<Obj | undefined>;
}

/** A later read of the webhook configuration, with doctor's clock when it was made. */
export interface TimedConfig {
  /** ISO 8601. */
  readonly at: string;
  readonly config: Obj;
}

/** A leader lock ConfigMap and the Pod it names, as read. */
export interface LockRead {
  readonly name: string;
  /** undefined value: the ConfigMap does not exist. */
  readonly configMap: Read<Obj | undefined>;
  /** The Pod the lock names; read only when the ConfigMap exists and names one. */
  readonly pod?: Read<Obj | undefined>;
}

/** What tells whether the injector replaced vault-k8s's: both injectors' leader locks. */
export interface MigrationRead {
  /** The injector's namespace, where the leader locks live. */
  readonly namespace: string;
  /** vault-k8s's and openbao-k8s's "leader for life" ConfigMaps, each with its owner Pod. */
  readonly oldLeaders: readonly LockRead[];
  /** Our own lock with its holder's Pod; read only when an old leader is alive. */
  readonly ownLock?: LockRead;
}

export interface ClusterSnapshot {
  /** The namespace checked, or undefined for all namespaces. */
  readonly namespace: string | undefined;
  readonly webhookConfigName: string;
  /** undefined value: the MutatingWebhookConfiguration does not exist. */
  readonly webhookConfig: Read<Obj | undefined>;
  readonly certSecretRef: { readonly namespace: string; readonly name: string };
  /** undefined value: the certificate Secret does not exist. */
  readonly certSecret: Read<Obj | undefined>;
  readonly namespaces: Read<readonly Obj[]>;
  readonly pods: Read<readonly Obj[]>;
  readonly workloads: Readonly<Record<WorkloadKind, Read<readonly Obj[]>>>;
  /** One per distinct Service named by a /mutate webhook. */
  readonly services: readonly ServiceRead[];
  /**
   * Further reads of the webhook configuration a moment apart, made only when the first showed a
   * caBundle written in the last minute; empty otherwise.
   */
  readonly webhookRereads: readonly TimedConfig[];
  readonly migration: MigrationRead;
}

export function valueOf<T>(read: Read<T>): T | undefined {
  return read.status === 'ok' ? read.value : undefined;
}
