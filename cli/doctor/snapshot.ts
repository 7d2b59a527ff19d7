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
}

export function valueOf<T>(read: Read<T>): T | undefined {
  return read.status === 'ok' ? read.value : undefined;
}
