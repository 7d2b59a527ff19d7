// The thin reader: fetches, with get and list only, everything the checks need, and hands it over
// as plain JSON. It decides nothing about health; a failed read is recorded for the checks to
// report as skipped, except an unreachable cluster, which ends the run.
import type { ServiceRef } from './webhooks.js';
import { injectorServices } from './webhooks.js';
import { objectName } from './findings.js';
import type { Obj } from './k8s-objects.js';
import { ClusterUnreachableError, classifyFailure, type DoctorApis } from './kube-access.js';
import { getOptional, toPlain } from './get-optional.js';
import {
  DEFAULT_PROBE,
  probeWebhookConfig,
  readMigration,
  type ProbeSettings,
} from './read-migration.js';
import {
  endpointSliceCollection,
  namespaceCollection,
  podCollection,
  workloadCollections,
  type Collection,
} from './listers.js';
import {
  WORKLOAD_KINDS,
  type ClusterSnapshot,
  type Read,
  type ServiceRead,
  type WorkloadKind,
} from './snapshot.js';

export interface DoctorTarget {
  /** undefined: all namespaces. */
  readonly namespace: string | undefined;
  readonly webhookConfigName: string;
  readonly injectorNamespace: string;
  readonly secretName: string;
}

const PAGE_SIZE = 500;

function scopeText(namespace: string | undefined): string {
  return namespace === undefined ? 'in all namespaces' : `in namespace ${namespace}`;
}

/** Every page of a collection, each item stamped with the kind a list response leaves out. */
export async function listAll(
  c: Collection,
  namespace: string | undefined,
): Promise<Read<readonly Obj[]>> {
  const items: Obj[] = [];
  try {
    let next: string | undefined;
    do {
      const page = await c.list(namespace, { limit: PAGE_SIZE, _continue: next });
      for (const item of page.items) {
        items.push({ apiVersion: c.apiVersion, kind: c.kind, ...toPlain(item) });
      }
      next = page.metadata?._continue || undefined;
    } while (next !== undefined);
    return { status: 'ok', value: items };
  } catch (err) {
    const attempted = c.describe?.(namespace) ?? {
      what: `list ${c.resource} ${scopeText(namespace)}`,
      object: objectName(c.kind, namespace, '*'),
    };
    return classifyFailure(err, attempted.what, attempted.object);
  }
}

async function readService(apis: DoctorApis, ref: ServiceRef): Promise<ServiceRead> {
  const { namespace, name } = ref;
  const [service, endpointSlices] = await Promise.all([
    getOptional(
      `get ${objectName('Service', namespace, name)}`,
      objectName('Service', namespace, name),
      () => apis.core.readNamespacedService({ namespace, name }),
    ),
    listAll(endpointSliceCollection(apis, name), namespace),
  ]);
  if (endpointSlices.status === 'ok') return { namespace, name, service, endpointSlices };
  const endpoints = await getOptional(
    `get ${objectName('Endpoints', namespace, name)}`,
    objectName('Endpoints', namespace, name),
    () => apis.core.readNamespacedEndpoints({ namespace, name }),
  );
  return { namespace, name, service, endpointSlices, endpoints };
}

async function readWorkloads(
  apis: DoctorApis,
  namespace: string | undefined,
): Promise<Record<WorkloadKind, Read<readonly Obj[]>>> {
  const collections = workloadCollections(apis);
  const reads = await Promise.all(WORKLOAD_KINDS.map((k) => listAll(collections[k], namespace)));
  return Object.fromEntries(WORKLOAD_KINDS.map((k, i) => [k, reads[i]])) as Record<
    WorkloadKind,
    Read<readonly Obj[]>
  >;
}

export async function readCluster(
  apis: DoctorApis,
  target: DoctorTarget,
  probe: ProbeSettings = DEFAULT_PROBE,
): Promise<ClusterSnapshot> {
  const name = target.webhookConfigName;
  // Read first and alone: an unreachable cluster then fails once, before anything else is tried.
  const webhookConfig = await getOptional(
    `get MutatingWebhookConfiguration ${name}`,
    objectName('MutatingWebhookConfiguration', undefined, name),
    () => apis.admission.readMutatingWebhookConfiguration({ name }),
  );
  // A server failing its first answer (5xx) cannot be asked anything else either.
  if (webhookConfig.status === 'failed') {
    throw new ClusterUnreachableError(`the API server answered ${webhookConfig.reason}`);
  }
  const refs =
    webhookConfig.status === 'ok' && webhookConfig.value
      ? injectorServices(webhookConfig.value)
      : [];
  const secretRef = { namespace: target.injectorNamespace, name: target.secretName };
  const [certSecret, namespaces, pods, workloads, services] = await Promise.all([
    getOptional(
      `get ${objectName('Secret', secretRef.namespace, secretRef.name)}`,
      objectName('Secret', secretRef.namespace, secretRef.name),
      () => apis.core.readNamespacedSecret(secretRef),
    ),
    listAll(namespaceCollection(apis), target.namespace),
    listAll(podCollection(apis), target.namespace),
    readWorkloads(apis, target.namespace),
    Promise.all(refs.map((r) => readService(apis, r))),
  ]);
  const config = webhookConfig.status === 'ok' ? webhookConfig.value : undefined;
  const [webhookRereads, migration] = await Promise.all([
    config === undefined ? [] : probeWebhookConfig(apis, name, config, probe),
    readMigration(apis, target.injectorNamespace),
  ]);
  return {
    namespace: target.namespace,
    webhookConfigName: name,
    webhookConfig,
    certSecretRef: secretRef,
    certSecret,
    namespaces,
    pods,
    workloads,
    services,
    webhookRereads,
    migration,
  };
}
