// A cluster in the middle of the switch from vault-k8s, seeded into the HTTPS fake: the healthy
// cluster plus, in the injector namespace, an old vault-k8s pod holding its "leader for life"
// ConfigMap next to our new replica, and caBundle writes recorded in managedFields as the API
// server records them (the fake itself keeps no managedFields).
import type { FakeKubeCluster } from '../fakes/kube-cluster.js';
import { MWC, seedHealthy } from './scenarios.js';

type Obj = Record<string, unknown>;

export const DEPLOYMENT = 'vault-agent-injector';
export const OLD_POD = 'vault-agent-injector-6f7b9-old01';
export const NEW_POD = 'vault-agent-injector-8c4d2-new01';
export const OLD_IMAGE = 'hashicorp/vault-k8s:1.7.2';
export const OUR_IMAGE = 'registry.example.com/vault-injector:0.1.0';

/** metav1.Time: RFC 3339 with whole seconds, as managedFields carry it. */
export function apiTime(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const key = (webhook: string): string => `k:${JSON.stringify({ name: webhook })}`;

/** An Update entry owning these webhooks' caBundle, as a JSON patch of caBundle leaves it. */
export function caBundleEntry(manager: string, webhooks: readonly string[], at: Date): Obj {
  const items = Object.fromEntries(
    webhooks.map((w) => [key(w), { 'f:clientConfig': { 'f:caBundle': {} } }]),
  );
  return {
    manager,
    operation: 'Update',
    apiVersion: 'admissionregistration.k8s.io/v1',
    time: apiTime(at),
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:webhooks': items },
  };
}

/** What `helm install` owns: the webhook's shape, not the caBundle the injector fills in. */
function helmEntry(webhooks: readonly string[]): Obj {
  const items = Object.fromEntries(
    webhooks.map((w) => [
      key(w),
      { '.': {}, 'f:name': {}, 'f:failurePolicy': {}, 'f:clientConfig': { 'f:service': {} } },
    ]),
  );
  return {
    manager: 'helm',
    operation: 'Update',
    apiVersion: 'admissionregistration.k8s.io/v1',
    time: '2025-06-01T00:00:00Z',
    fieldsType: 'FieldsV1',
    fieldsV1: { 'f:metadata': { 'f:labels': {} }, 'f:webhooks': items },
  };
}

interface Mwc extends Obj {
  metadata: Obj & { managedFields?: Obj[] };
  webhooks: Array<Obj & { name: string; clientConfig: Obj }>;
}

function readMwc(api: FakeKubeCluster): Mwc {
  return api.get('mutatingwebhookconfigurations', '', MWC) as Mwc;
}

/** The first webhook's caBundle as seeded (the CA that signed the Secret's certificate). */
export function currentCaBundle(api: FakeKubeCluster): string {
  return String(readMwc(api).webhooks[0]?.clientConfig.caBundle ?? '');
}

/** Sets managedFields outright: helm's entry and the given caBundle entries. */
export function setManagedFields(api: FakeKubeCluster, entries: readonly Obj[]): void {
  const mwc = readMwc(api);
  mwc.metadata.managedFields = [helmEntry(mwc.webhooks.map((w) => w.name)), ...entries];
  api.put('mutatingwebhookconfigurations', '', mwc);
}

/**
 * One writer patching every webhook's caBundle, with the API server's bookkeeping: the field moves
 * to the writer's entry (time of this write), and an entry left owning nothing is dropped.
 */
export function writeCaBundle(api: FakeKubeCluster, manager: string, caBundle: string): void {
  const mwc = readMwc(api);
  const names = mwc.webhooks.map((w) => w.name);
  for (const w of mwc.webhooks) w.clientConfig.caBundle = caBundle;
  const others = (mwc.metadata.managedFields ?? []).filter(
    (e) => e.manager === 'helm' || (e.manager !== manager && !ownsCaBundle(e)),
  );
  mwc.metadata.managedFields = [...others, caBundleEntry(manager, names, new Date())];
  api.put('mutatingwebhookconfigurations', '', mwc);
}

function ownsCaBundle(entry: Obj): boolean {
  return JSON.stringify(entry.fieldsV1 ?? {}).includes('f:caBundle');
}

/**
 * Two writers answering each other every `everyMs`, as an old vault-k8s leader and our leader do
 * when each re-patches caBundle on the other's change. Returns the stop function.
 */
export function startFight(
  api: FakeKubeCluster,
  bundles: [string, string],
  everyMs = 150,
): () => void {
  let turn = 0;
  const writers = ['vault-k8s', 'vault-injector'] as const;
  const timer = setInterval(() => {
    writeCaBundle(api, writers[turn % 2]!, bundles[turn % 2]!);
    turn += 1;
  }, everyMs);
  return () => clearInterval(timer);
}

function replicaSet(name: string, image: string): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: 'vault',
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: DEPLOYMENT,
          uid: 'uid-d',
          controller: true,
        },
      ],
    },
    spec: { template: { spec: { containers: [{ name: 'sidecar-injector', image }] } } },
  };
}

export interface InjectorPod {
  readonly name: string;
  readonly image: string;
  readonly replicaSet?: string;
  readonly phase?: string;
  readonly deleting?: boolean;
}

export function addInjectorPod(api: FakeKubeCluster, p: InjectorPod): Obj {
  return api.add('pods', {
    metadata: {
      name: p.name,
      namespace: 'vault',
      labels: { 'app.kubernetes.io/name': 'vault-agent-injector' },
      ...(p.deleting ? { deletionTimestamp: '2026-01-01T00:05:00Z' } : {}),
      ...(p.replicaSet
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: p.replicaSet,
                uid: `uid-${p.replicaSet}`,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: { containers: [{ name: 'sidecar-injector', image: p.image }] },
    status: { phase: p.phase ?? 'Running' },
  });
}

/** vault-k8s's lock: a ConfigMap owned by the leader's Pod (operator-framework leader for life). */
export function addOldLeaderLock(
  api: FakeKubeCluster,
  pod: Obj,
  opts: { name?: string; namespace?: string; uid?: string } = {},
): void {
  const meta = pod.metadata as Obj;
  api.put('configmaps', opts.namespace ?? 'vault', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: opts.name ?? 'vault-k8s-leader',
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Pod', name: meta.name, uid: opts.uid ?? meta.uid },
      ],
    },
  });
}

/** Our lock, as certs/leader-lock.ts writes it. */
export function addOwnLock(api: FakeKubeCluster, holder: string): void {
  const record = {
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: '2026-01-01T00:00:00Z',
    renewTime: '2026-01-01T00:00:00Z',
    leaderTransitions: 0,
  };
  api.put('configmaps', 'vault', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'vault-injector-leader',
      annotations: { 'control-plane.alpha.kubernetes.io/leader': JSON.stringify(record) },
    },
  });
}

/**
 * Mid-rollout of one Deployment: the old vault-k8s pod still leads, our replica runs beside it.
 * The caBundle's only recorded writer wrote it long ago, so no probe runs.
 */
export function seedMigrating(api: FakeKubeCluster): void {
  seedHealthy(api);
  api.add('replicasets', replicaSet('vault-agent-injector-6f7b9', OLD_IMAGE));
  api.add('replicasets', replicaSet('vault-agent-injector-8c4d2', OUR_IMAGE));
  const old = addInjectorPod(api, {
    name: OLD_POD,
    image: OLD_IMAGE,
    replicaSet: 'vault-agent-injector-6f7b9',
  });
  addInjectorPod(api, {
    name: NEW_POD,
    image: OUR_IMAGE,
    replicaSet: 'vault-agent-injector-8c4d2',
  });
  addOldLeaderLock(api, old);
  setManagedFields(api, [
    caBundleEntry('vault-k8s', ['vault.hashicorp.com'], new Date('2025-12-01T00:00:00Z')),
  ]);
}
