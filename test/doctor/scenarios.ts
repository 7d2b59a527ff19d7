// Two clusters an operator could meet, seeded into the HTTPS fake: a healthy one (the shipped
// manifests, working TLS, a ready injector, injected workloads) and a broken one in which every
// doctor finding code has a cause, but the two of a migration from vault-k8s (migration-scenarios.ts).
import { generateCA, generateServingCert, type PemPair } from '../../certs/generate.js';
import { FakeKubeCluster } from '../fakes/kube-cluster.js';

type Obj = Record<string, unknown>;

export const MWC = 'vault-agent-injector-cfg';
export const SERVICE = 'vault-agent-injector-svc';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

function namespace(name: string, labels: Record<string, string> = {}): Obj {
  return { metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

const SELECTORS = {
  namespaceSelector: {
    matchExpressions: [
      {
        key: 'kubernetes.io/metadata.name',
        operator: 'NotIn',
        values: ['kube-system', 'kube-public'],
      },
      { key: 'vault-injection', operator: 'NotIn', values: ['disabled'] },
    ],
  },
  objectSelector: {
    matchExpressions: [{ key: 'vault.hashicorp.com/skip', operator: 'DoesNotExist' }],
  },
};

function webhook(name: string, caBundle: string, failurePolicy: 'Fail' | 'Ignore'): Obj {
  return {
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy,
    clientConfig: {
      service: { name: SERVICE, namespace: 'vault', path: '/mutate', port: 443 },
      ...(caBundle === '' ? {} : { caBundle }),
    },
    rules: [
      {
        operations: ['CREATE'],
        apiGroups: [''],
        apiVersions: ['v1'],
        resources: ['pods'],
      },
    ],
    ...SELECTORS,
  };
}

function owner(kind: string, name: string, apiVersion = 'apps/v1'): Obj {
  return { apiVersion, kind, name, uid: `uid-${name}`, controller: true };
}

const INJECT = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'web',
  'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/web',
};

function template(annotations: Record<string, string>, labels: Record<string, string> = {}): Obj {
  return {
    metadata: { labels: { app: 'x', ...labels }, annotations },
    spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'busybox' }] },
  };
}

function workload(kind: string, ns: string, name: string, tpl: Obj): Obj {
  const jobLike = kind === 'Job' || kind === 'CronJob';
  const spec =
    kind === 'CronJob'
      ? { schedule: '@daily', jobTemplate: { spec: { template: tpl } } }
      : { template: tpl };
  return {
    apiVersion: jobLike ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: { name, namespace: ns },
    spec,
  };
}

interface PodOptions {
  readonly annotations: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly owner?: Obj;
  readonly phase?: string;
  readonly containers?: string[];
  readonly statuses?: Obj[];
}

function pod(ns: string, name: string, o: PodOptions): Obj {
  return {
    metadata: {
      name,
      namespace: ns,
      labels: o.labels ?? { app: 'x' },
      annotations: o.annotations,
      ...(o.owner ? { ownerReferences: [o.owner] } : {}),
    },
    spec: { containers: (o.containers ?? ['app']).map((c) => ({ name: c, image: 'busybox' })) },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.statuses ? { containerStatuses: o.statuses } : {}),
    },
  };
}

const INJECTED = { ...INJECT, 'vault.hashicorp.com/agent-inject-status': 'injected' };

function slice(ready: boolean): Obj {
  return {
    metadata: {
      name: `${SERVICE}-abcde`,
      namespace: 'vault',
      labels: { 'kubernetes.io/service-name': SERVICE },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.7'], conditions: { ready } }],
    ports: [{ name: 'https', port: 8080, protocol: 'TCP' }],
  };
}

function injectorParts(api: FakeKubeCluster, ca: PemPair, ready: boolean): void {
  const leaf = generateServingCert(ca, { hosts: [`${SERVICE}.vault.svc`] });
  api.put('secrets', 'vault', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'vault-injector-certs' },
    data: { cert: b64(leaf.certPem), key: b64(leaf.keyPem) },
  });
  api.add('services', {
    metadata: { name: SERVICE, namespace: 'vault' },
    spec: { ports: [{ port: 443 }] },
  });
  api.add('endpointslices', slice(ready));
  const tpl = template({}, { 'app.kubernetes.io/name': 'vault-injector' });
  api.add('deployments', workload('Deployment', 'vault', 'vault-injector', tpl));
}

/** Every namespace, the web Deployment (RS + injected pod) and a finished Job: what both share. */
function commonWorkloads(api: FakeKubeCluster): void {
  for (const ns of [namespace('vault'), namespace('shop'), namespace('kube-system')])
    api.add('namespaces', ns);
  api.add('deployments', workload('Deployment', 'shop', 'web', template(INJECT)));
  api.add('replicasets', {
    ...workload('ReplicaSet', 'shop', 'web-5d8f', template(INJECT)),
    metadata: {
      name: 'web-5d8f',
      namespace: 'shop',
      ownerReferences: [owner('Deployment', 'web')],
    },
  });
  api.add(
    'pods',
    pod('shop', 'web-5d8f-aaaaa', {
      annotations: INJECTED,
      owner: owner('ReplicaSet', 'web-5d8f'),
      containers: ['app', 'vault-agent'],
    }),
  );
  const native = { ...INJECT, 'vault.hashicorp.com/agent-native-sidecar': 'true' };
  api.add('cronjobs', workload('CronJob', 'shop', 'report', template(native)));
  api.add('statefulsets', workload('StatefulSet', 'shop', 'cache', template({})));
  api.add('daemonsets', workload('DaemonSet', 'shop', 'logs', template({})));
  api.add('replicationcontrollers', {
    ...workload('ReplicaSet', 'shop', 'old', template({})),
    apiVersion: 'v1',
    kind: 'ReplicationController',
  });
}

/** The shipped manifests, working: doctor must find nothing wrong (exit 0). */
export function seedHealthy(api: FakeKubeCluster): void {
  const ca = generateCA({ commonName: 'vault-injector CA' });
  api.put('mutatingwebhookconfigurations', '', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: MWC },
    webhooks: [webhook('vault.hashicorp.com', b64(ca.certPem), 'Fail')],
  });
  injectorParts(api, ca, true);
  commonWorkloads(api);
}

function brokenPods(api: FakeKubeCluster): void {
  // Admitted while the injector was failing, under failurePolicy Ignore: cause unknown.
  api.add(
    'pods',
    pod('shop', 'web-5d8f-bbbbb', { annotations: INJECT, owner: owner('ReplicaSet', 'web-5d8f') }),
  );
  api.add('pods', pod('legacy', 'billing', { annotations: INJECT }));
  api.add(
    'pods',
    pod('shop', 'skipped', { annotations: INJECT, labels: { 'vault.hashicorp.com/skip': 'true' } }),
  );
  api.add('pods', pod('kube-system', 'sysapp', { annotations: INJECT }));
  // Finished pods and pods that did not ask are never reported.
  api.add('pods', pod('shop', 'done', { annotations: INJECT, phase: 'Succeeded' }));
  api.add(
    'pods',
    pod('shop', 'plain', { annotations: { 'vault.hashicorp.com/agent-inject': 'false' } }),
  );
  api.add('jobs', {
    ...workload('Job', 'shop', 'nightly-29000000', template(INJECT)),
    metadata: {
      name: 'nightly-29000000',
      namespace: 'shop',
      ownerReferences: [owner('CronJob', 'nightly', 'batch/v1')],
    },
  });
  api.add('cronjobs', workload('CronJob', 'shop', 'nightly', template(INJECT)));
  api.add(
    'pods',
    pod('shop', 'nightly-29000000-xyz12', {
      annotations: INJECTED,
      owner: owner('Job', 'nightly-29000000', 'batch/v1'),
      containers: ['app', 'vault-agent'],
      statuses: [
        { name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'vault-agent', state: { running: { startedAt: '2026-01-01T00:00:00Z' } } },
      ],
    }),
  );
}

function brokenWorkloads(api: FakeKubeCluster): void {
  api.add(
    'deployments',
    workload(
      'Deployment',
      'shop',
      'api',
      template({ ...INJECT, 'vault.hashicorp.com/agent-limits-cpu': 'lots' }),
    ),
  );
  api.add(
    'statefulsets',
    workload(
      'StatefulSet',
      'shop',
      'db',
      template({ ...INJECT, 'vault.hashicorp.com/agent-inject-secrets-db': 'x' }),
    ),
  );
  api.add('daemonsets', {
    ...workload('DaemonSet', 'shop', 'agent', template({})),
    metadata: { name: 'agent', namespace: 'shop', annotations: INJECT },
  });
  api.add('replicationcontrollers', {
    ...workload(
      'ReplicaSet',
      'shop',
      'ancient',
      template({ 'vault.hashicorp.com/agent-inject': 'maybe' }),
    ),
    apiVersion: 'v1',
    kind: 'ReplicationController',
  });
}

/**
 * Two /mutate webhooks: one under failurePolicy Ignore whose caBundle is another CA's, one with an
 * empty caBundle and no cert-manager annotation; no ready injector; pods admitted without the
 * agent for each cause; a stuck CronJob pod; workloads that would be denied, have typos, or carry
 * annotations on the wrong object.
 */
export function seedBroken(api: FakeKubeCluster): void {
  const ca = generateCA({ commonName: 'vault-injector CA' });
  const other = generateCA({ commonName: 'some other CA' });
  api.put('mutatingwebhookconfigurations', '', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: MWC },
    webhooks: [
      webhook('vault.hashicorp.com', b64(other.certPem), 'Ignore'),
      webhook('vault-2.hashicorp.com', '', 'Fail'),
    ],
  });
  injectorParts(api, ca, false);
  commonWorkloads(api);
  api.add('namespaces', namespace('legacy', { 'vault-injection': 'disabled' }));
  brokenPods(api);
  brokenWorkloads(api);
}

export async function startCluster(seed: (api: FakeKubeCluster) => void): Promise<FakeKubeCluster> {
  const api = new FakeKubeCluster();
  await api.start();
  seed(api);
  return api;
}
