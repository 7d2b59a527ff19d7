// One page of each collection doctor lists, across all namespaces or in one. Only list calls live
// here: doctor never writes.
import { isNotFoundError, type DoctorApis } from './kube-access.js';
import { objectName } from '../object-name.js';
import type { WorkloadKind } from './snapshot.js';

export interface Page {
  readonly items: readonly unknown[];
  readonly metadata?: { readonly _continue?: string };
}

/** Large clusters list in pages, as kubectl does. */
export interface PageRequest {
  readonly limit: number;
  readonly _continue?: string;
}

export type Lister = (namespace: string | undefined, page: PageRequest) => Promise<Page>;

export interface Collection {
  /** Plural resource name, for messages ("list deployments in shop"). */
  readonly resource: string;
  readonly kind: string;
  readonly apiVersion: string;
  readonly list: Lister;
  /** What a failure names, when "list <resource> in <scope>" would be wrong. */
  readonly describe?: (namespace: string | undefined) => { what: string; object: string };
}

export function workloadCollections(apis: DoctorApis): Record<WorkloadKind, Collection> {
  const { apps, batch, core } = apis;
  return {
    Deployment: {
      resource: 'deployments',
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      list: (ns, p) =>
        ns
          ? apps.listNamespacedDeployment({ namespace: ns, ...p })
          : apps.listDeploymentForAllNamespaces(p),
    },
    StatefulSet: {
      resource: 'statefulsets',
      kind: 'StatefulSet',
      apiVersion: 'apps/v1',
      list: (ns, p) =>
        ns
          ? apps.listNamespacedStatefulSet({ namespace: ns, ...p })
          : apps.listStatefulSetForAllNamespaces(p),
    },
    DaemonSet: {
      resource: 'daemonsets',
      kind: 'DaemonSet',
      apiVersion: 'apps/v1',
      list: (ns, p) =>
        ns
          ? apps.listNamespacedDaemonSet({ namespace: ns, ...p })
          : apps.listDaemonSetForAllNamespaces(p),
    },
    ReplicaSet: {
      resource: 'replicasets',
      kind: 'ReplicaSet',
      apiVersion: 'apps/v1',
      list: (ns, p) =>
        ns
          ? apps.listNamespacedReplicaSet({ namespace: ns, ...p })
          : apps.listReplicaSetForAllNamespaces(p),
    },
    Job: {
      resource: 'jobs',
      kind: 'Job',
      apiVersion: 'batch/v1',
      list: (ns, p) =>
        ns ? batch.listNamespacedJob({ namespace: ns, ...p }) : batch.listJobForAllNamespaces(p),
    },
    CronJob: {
      resource: 'cronjobs',
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      list: (ns, p) =>
        ns
          ? batch.listNamespacedCronJob({ namespace: ns, ...p })
          : batch.listCronJobForAllNamespaces(p),
    },
    ReplicationController: {
      resource: 'replicationcontrollers',
      kind: 'ReplicationController',
      apiVersion: 'v1',
      list: (ns, p) =>
        ns
          ? core.listNamespacedReplicationController({ namespace: ns, ...p })
          : core.listReplicationControllerForAllNamespaces(p),
    },
  };
}

export function podCollection(apis: DoctorApis): Collection {
  const { core } = apis;
  return {
    resource: 'pods',
    kind: 'Pod',
    apiVersion: 'v1',
    list: (ns, p) =>
      ns ? core.listNamespacedPod({ namespace: ns, ...p }) : core.listPodForAllNamespaces(p),
  };
}

/** A namespace that does not exist has no pods and no labels: an empty list, not a failure. */
async function readOne(core: DoctorApis['core'], name: string): Promise<Page> {
  try {
    return { items: [await core.readNamespace({ name })] };
  } catch (err) {
    if (isNotFoundError(err)) return { items: [] };
    throw err;
  }
}

/** Namespaces are cluster-scoped; with one namespace to check, that one is read instead. */
export function namespaceCollection(apis: DoctorApis): Collection {
  const { core } = apis;
  return {
    resource: 'namespaces',
    kind: 'Namespace',
    apiVersion: 'v1',
    list: (ns, p) => (ns ? readOne(core, ns) : core.listNamespace(p)),
    describe: (ns) =>
      ns
        ? {
            what: `get ${objectName('Namespace', undefined, ns)}`,
            object: objectName('Namespace', undefined, ns),
          }
        : { what: 'list namespaces', object: 'Namespace/*' },
  };
}

/** The slices of one Service (the label the EndpointSlice controller sets). */
export function endpointSliceCollection(apis: DoctorApis, service: string): Collection {
  const { discovery } = apis;
  const labelSelector = `kubernetes.io/service-name=${service}`;
  return {
    resource: 'endpointslices',
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    list: (ns, p) =>
      discovery.listNamespacedEndpointSlice({ namespace: ns ?? '', labelSelector, ...p }),
  };
}
