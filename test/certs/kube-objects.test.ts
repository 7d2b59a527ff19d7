// WebhookCaBundle, LeaderLock and SecretCertStore against the HTTPS fake through client-node.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mergeCaBundle } from '../../certs/bundle.js';
import { SecretCertStore } from '../../certs/cert-store.js';
import { generateCA, generateServingCert } from '../../certs/generate.js';
import { createKubeClients, type KubeClients } from '../../certs/kube-client.js';
import { LEADER_ANNOTATION, LeaderLock, parseLeaderRecord } from '../../certs/leader-lock.js';
import type { CertMaterial } from '../../certs/rotation.js';
import { WebhookCaBundle } from '../../certs/webhook-ca-bundle.js';
import { FakeKubeApi } from '../fakes/kube-api.js';
import { bundlesInFake, HOSTS, MWC_NAME, NAMESPACE, seedWebhookConfig } from './support.js';

let api: FakeKubeApi;
let clients: KubeClients;
const ca = generateCA();
const leaf = generateServingCert(ca, { hosts: HOSTS });
const bundle = mergeCaBundle('', ca.certPem, new Date());
const material: CertMaterial = {
  caCertPem: ca.certPem,
  caKeyPem: ca.keyPem,
  caBundlePem: bundle,
  certPem: leaf.certPem,
  keyPem: leaf.keyPem,
};

beforeAll(async () => {
  api = new FakeKubeApi();
  await api.start();
  clients = createKubeClients(api.kubeConfig());
});

afterAll(async () => {
  await api.close();
});

describe('WebhookCaBundle', () => {
  beforeEach(() => seedWebhookConfig(api, 3));

  it('patches caBundle of every webhook with one JSON patch, then does nothing', async () => {
    const wb = new WebhookCaBundle(clients.admission, MWC_NAME);
    expect(await wb.trusts(leaf.certPem)).toBe(false);
    const first = await wb.ensure(material.caBundlePem);
    expect(first.patched).toHaveLength(3);
    expect(bundlesInFake(api)).toEqual([bundle, bundle, bundle]);
    const patch = api.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(patch?.contentType).toBe('application/json-patch+json');
    const patches = api.count('PATCH', MWC_NAME);
    expect((await wb.ensure(material.caBundlePem)).patched).toEqual([]);
    expect(api.count('PATCH', MWC_NAME)).toBe(patches);
    expect(await wb.trusts(leaf.certPem)).toBe(true);
    expect(await wb.currentBundle()).toBe(bundle);
  });

  it('repairs only the webhook that lost its bundle', async () => {
    const wb = new WebhookCaBundle(clients.admission, MWC_NAME);
    await wb.ensure(material.caBundlePem);
    const mwc = api.get('mutatingwebhookconfigurations', '', MWC_NAME) as {
      webhooks: { clientConfig: { caBundle?: string } }[];
    };
    delete mwc.webhooks[1]!.clientConfig.caBundle;
    api.put('mutatingwebhookconfigurations', '', mwc);
    expect(await wb.trusts(leaf.certPem)).toBe(false);
    expect((await wb.ensure(material.caBundlePem)).patched).toEqual(['hook-1.vault.hashicorp.com']);
    expect(bundlesInFake(api)).toEqual([bundle, bundle, bundle]);
  });

  it('surfaces a missing configuration as a 404 ApiException', async () => {
    const wb = new WebhookCaBundle(clients.admission, 'no-such-mwc');
    await expect(wb.ensure(material.caBundlePem)).rejects.toMatchObject({ code: 404 });
  });
});

describe('LeaderLock (ConfigMap lease)', () => {
  /** The locks' monotonic clock: still unless a test moves it. */
  let monoMs = 0;
  const lock = (identity: string, leaseDurationMs = 400): LeaderLock =>
    new LeaderLock({
      core: clients.core,
      namespace: NAMESPACE,
      identity,
      leaseDurationMs,
      name: `lock-${leaseDurationMs}`,
      monotonicNow: () => monoMs,
    });

  it('creates, renews, refuses others until expiry, then hands over', async () => {
    const a = lock('pod-a');
    const b = lock('pod-b');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    const rv1 = api.get('configmaps', NAMESPACE, a.name)?.metadata?.resourceVersion;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(api.get('configmaps', NAMESPACE, a.name)?.metadata?.resourceVersion).not.toBe(rv1);
    // b first sees the renewed record now; it must wait a full lease from here.
    expect(await b.tryAcquireOrRenew()).toBe(false);
    monoMs += 399;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    monoMs += 1;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(await a.tryAcquireOrRenew()).toBe(false);
    const rec = parseLeaderRecord(api.get('configmaps', NAMESPACE, a.name) as never);
    expect(rec).toMatchObject({
      holderIdentity: 'pod-b',
      leaseDurationSeconds: 0.4,
      leaderTransitions: 1,
    });
  });

  it('treats a 409 on the optimistic update as not acquired', async () => {
    const a = lock('pod-a', 500);
    const b = lock('pod-b', 500);
    // Both see no ConfigMap; both try to create it: exactly one wins.
    const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(api.count('POST', '/configmaps')).toBeGreaterThanOrEqual(2);
  });

  it('release lets a successor in at once', async () => {
    const a = lock('pod-a', 60_000);
    const b = lock('pod-b', 60_000);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    await a.release();
    expect(await b.tryAcquireOrRenew()).toBe(true);
    const cm = api.get('configmaps', NAMESPACE, a.name);
    expect(
      JSON.parse(String((cm?.metadata?.annotations as Record<string, string>)[LEADER_ANNOTATION]))
        .holderIdentity,
    ).toBe('pod-b');
  });
});

describe('SecretCertStore', () => {
  it('creates, reads back, and rejects a stale write with a conflict', async () => {
    const store = new SecretCertStore(clients.core, NAMESPACE, 'certs-a');
    expect(await store.load()).toEqual({ material: undefined, version: undefined });
    expect(await store.save(material, undefined)).toBe(true);
    const loaded = await store.load();
    expect(loaded.material).toEqual(material);
    const secret = api.get('secrets', NAMESPACE, 'certs-a') as { data: Record<string, string> };
    expect(Object.keys(secret.data).sort()).toEqual([
      'ca-bundle.crt',
      'ca.crt',
      'ca.key',
      'cert',
      'key',
    ]);
    expect(Buffer.from(secret.data.cert!, 'base64').toString()).toBe(leaf.certPem);
    expect(await store.save(material, loaded.version)).toBe(true);
    expect(await store.save(material, loaded.version)).toBe(false);
    expect(await store.save(material, undefined)).toBe(false);
  });

  it('fills a pre-created empty Secret, keeping its labels', async () => {
    api.put('secrets', NAMESPACE, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'certs-b', labels: { app: 'vault-injector' } },
    });
    const store = new SecretCertStore(clients.core, NAMESPACE, 'certs-b');
    const empty = await store.load();
    expect(empty.material).toBeUndefined();
    expect(empty.version).toBeDefined();
    expect(await store.save(material, empty.version)).toBe(true);
    expect(api.get('secrets', NAMESPACE, 'certs-b')?.metadata?.labels).toEqual({
      app: 'vault-injector',
    });
  });
});
