// Coexistence with vault-k8s, in process against the fake API (vault-helm RBAC): the lock check,
// deferring to a live vault-k8s leader, inheriting its CAs at takeover and dropping them once its
// leaf has expired (with a stepped clock), and the back-off from a writer that keeps rewriting the
// caBundle. The process-level rollout under traffic is test/migration/.
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AutoCertificateSource, type AutoSourceTiming } from '../../certs/auto-source.js';
import { splitPemCertificates } from '../../certs/bundle.js';
import { BundleContest } from '../../certs/bundle-contest.js';
import type { Clock } from '../../certs/cert-logger.js';
import { DEFAULT_CERT_SECRET_NAME, materialFromSecretData } from '../../certs/cert-store.js';
import { checkForeignLeader } from '../../certs/foreign-leader.js';
import { generateCA, generateServingCert, type PemPair } from '../../certs/generate.js';
import { inheritFrom, inheritedExpired, withInherited } from '../../certs/inherited-cas.js';
import { createKubeClients } from '../../certs/kube-client.js';
import type { CertMaterial } from '../../certs/rotation.js';
import { FakeKubeApi } from '../fakes/kube-api.js';
import {
  bundlesInFake,
  captureLogger,
  HOSTS,
  MWC_NAME,
  seedWebhookConfig,
  waitFor,
} from './support.js';

const NS = 'vault';
const TIMING: Partial<AutoSourceTiming> = {
  leaseDurationMs: 2000,
  retryPeriodMs: 200,
  followerPollMs: 200,
  followerWaitPollMs: 100,
  reconcileIntervalMs: 500,
  backoffInitialMs: 100,
  backoffMaxMs: 500,
};
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
/** PEM as the bundle code writes it (LF line ends); forge writes CRLF. */
const lf = (pem: string | undefined): string => splitPemCertificates(pem ?? '').join('');
const DAY_MS = 24 * 60 * 60 * 1000;

let api: FakeKubeApi;
let sources: AutoCertificateSource[] = [];
let vaultK8sCa: PemPair;

beforeAll(async () => {
  api = new FakeKubeApi();
  await api.start();
  api.rbac = 'vault-helm';
  api.rbacNamespace = NS;
  vaultK8sCa = generateCA({ commonName: 'Agent Inject CA' });
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await Promise.all(sources.map((s) => s.stop()));
  sources = [];
  for (const name of [DEFAULT_CERT_SECRET_NAME, 'vault-k8s-leader', 'vault-injector-leader']) {
    api.delete('secrets', NS, name);
    api.delete('configmaps', NS, name);
  }
});

function pod(name: string, extra: Record<string, unknown> = {}): void {
  api.put('pods', NS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...extra },
    status: { phase: 'Running' },
  });
}

/** What a vault-k8s leader leaves: its lock owned by its Pod, cert/key in the Secret, its bundle. */
function vaultK8sState(leafValidityDays = 1): PemPair {
  pod('vault-k8s-0');
  const uid = String(api.get('pods', NS, 'vault-k8s-0')?.metadata?.uid);
  api.put('configmaps', NS, {
    metadata: {
      name: 'vault-k8s-leader',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'vault-k8s-0', uid }],
    },
  });
  const leaf = generateServingCert(vaultK8sCa, { hosts: HOSTS, validityDays: leafValidityDays });
  api.put('secrets', NS, {
    metadata: { name: DEFAULT_CERT_SECRET_NAME },
    data: { cert: b64(leaf.certPem), key: b64(leaf.keyPem) },
  });
  seedWebhookConfig(api, 1);
  const mwc = api.get('mutatingwebhookconfigurations', '', MWC_NAME) as {
    webhooks: { clientConfig: { caBundle: string } }[];
  };
  mwc.webhooks[0]!.clientConfig.caBundle = b64(vaultK8sCa.certPem);
  api.put('mutatingwebhookconfigurations', '', mwc);
  return leaf;
}

function source(name: string, clock?: Clock): { source: AutoCertificateSource; served: string[] } {
  const served: string[] = [];
  const s = new AutoCertificateSource({
    kubeConfig: api.kubeConfig(name),
    webhookConfigName: MWC_NAME,
    hosts: HOSTS,
    logger: captureLogger([], `[${name}] `),
    useLeaderElector: true,
    namespace: NS,
    podName: name,
    timing: TIMING,
    ...(clock ? { clock } : {}),
  });
  sources.push(s);
  void s.start(
    (c) => served.push(c.certPem),
    () => undefined,
  );
  return { source: s, served };
}

function writesBy(who: string, from: number): string[] {
  return api.requests
    .slice(from)
    .filter((r) => r.who === who && r.method !== 'GET' && r.status < 300)
    .map((r) => `${r.method} ${r.path}`);
}

describe('checkForeignLeader', () => {
  it('tells a running owner from a gone, terminating, replaced or finished one', async () => {
    const { core } = createKubeClients(api.kubeConfig('probe'));
    expect(await checkForeignLeader(core, NS)).toEqual({ kind: 'none' });
    vaultK8sState();
    expect(await checkForeignLeader(core, NS)).toEqual({ kind: 'alive', pod: 'vault-k8s-0' });
    pod('vault-k8s-0', { deletionTimestamp: new Date().toISOString() });
    expect(await checkForeignLeader(core, NS)).toMatchObject({
      kind: 'gone',
      why: 'owner Pod is terminating',
    });
    api.delete('pods', NS, 'vault-k8s-0');
    pod('vault-k8s-0');
    expect(await checkForeignLeader(core, NS)).toMatchObject({
      kind: 'gone',
      why: 'owner Pod was replaced (different uid)',
    });
    api.delete('pods', NS, 'vault-k8s-0');
    expect(await checkForeignLeader(core, NS)).toMatchObject({
      kind: 'gone',
      why: 'owner Pod not found',
    });
    api.rbac = 'webhook-only';
    try {
      expect(await checkForeignLeader(core, NS)).toMatchObject({ kind: 'unreadable' });
    } finally {
      api.rbac = 'vault-helm';
    }
  });
});

describe('replicas beside a vault-k8s leader', () => {
  it('follow it (serve its pair, write nothing), then take over keeping its CA until its leaf expires', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => new Date(now) };
    const leaf = vaultK8sState(1);
    const from = api.requests.length;
    const a = source('ours-a', clock);
    const b = source('ours-b', clock);
    await waitFor(() => a.served.length > 0 && b.served.length > 0, 10_000, 'both serving');
    expect([a.served[0], b.served[0]]).toEqual([leaf.certPem, leaf.certPem]);
    // A few election rounds beside the live leader: nothing written, nobody leads.
    await waitFor(
      () => api.requests.slice(from).filter((r) => r.path.includes('vault-k8s-leader')).length > 10,
      10_000,
      'rounds',
    );
    expect([...writesBy('ours-a', from), ...writesBy('ours-b', from)]).toEqual([]);
    expect([a.source.isLeader, b.source.isLeader]).toEqual([false, false]);

    // The leader Pod goes (the garbage collector takes its lock): one of ours takes over.
    api.delete('pods', NS, 'vault-k8s-0');
    api.delete('configmaps', NS, 'vault-k8s-leader');
    await waitFor(() => a.source.isLeader || b.source.isLeader, 10_000, 'a leader');
    await waitFor(
      () => splitPemCertificates(bundlesInFake(api)[0]!).length === 2,
      10_000,
      'bundle with both CAs',
    );
    const storedNow = (): CertMaterial | undefined =>
      materialFromSecretData(
        (api.get('secrets', NS, DEFAULT_CERT_SECRET_NAME) as { data: Record<string, string> }).data,
      );
    // The bundle is patched first, the Secret written after it.
    await waitFor(() => storedNow() !== undefined, 10_000, 'our material in the Secret');
    const stored = storedNow();
    expect(stored?.inherited?.casPem).toBe(splitPemCertificates(vaultK8sCa.certPem)[0]);
    expect(stored?.inherited?.until).toBe(
      new Date(new X509Certificate(leaf.certPem).validTo).toISOString(),
    );
    expect(bundlesInFake(api)[0]).toBe(stored?.caBundlePem);
    await waitFor(
      () => [a, b].every((r) => r.served.at(-1) === stored?.certPem),
      10_000,
      'both on our leaf',
    );

    // Past the vault-k8s leaf's notAfter: its CA leaves the bundle, ours stays alone.
    now += DAY_MS + 60_000;
    await waitFor(
      () => bundlesInFake(api)[0] === lf(stored?.caCertPem),
      10_000,
      'vault-k8s CA dropped',
    );
    // The Secret follows the bundle.
    await waitFor(
      () => storedNow()?.inherited === undefined,
      10_000,
      'Secret without inherited CAs',
    );
    const after = storedNow();
    expect(after?.certPem).toBe(stored?.certPem);
  }, 40_000);
});

describe('inherited CAs', () => {
  it('keeps the current CAs until the left leaf expires, then only ours; never inherits our own CA', () => {
    const ours = generateCA({ commonName: 'ours' });
    const oursLeaf = generateServingCert(ours, { hosts: HOSTS });
    const material: CertMaterial = {
      caCertPem: ours.certPem,
      caKeyPem: ours.keyPem,
      caBundlePem: ours.certPem,
      certPem: oursLeaf.certPem,
      keyPem: oursLeaf.keyPem,
    };
    const now = new Date();
    const left = generateServingCert(vaultK8sCa, { hosts: HOSTS, validityDays: 1 });
    const inherited = inheritFrom(vaultK8sCa.certPem, left.certPem, now);
    expect(inherited?.until).toBe(
      new Date(new X509Certificate(left.certPem).validTo).toISOString(),
    );
    const kept = withInherited(material, inherited, now);
    expect(splitPemCertificates(kept.caBundlePem)).toHaveLength(2);
    expect(inheritedExpired(kept, now)).toBe(false);
    const later = new Date(now.getTime() + 2 * DAY_MS);
    expect(inheritedExpired(kept, later)).toBe(true);
    expect(withInherited(kept, undefined, later).caBundlePem).toBe(lf(ours.certPem));
    // Our CA in the bundle we took over from stays when the inherited ones go.
    const both = inheritFrom(vaultK8sCa.certPem + ours.certPem, left.certPem, now);
    expect(withInherited(withInherited(material, both, now), undefined, later).caBundlePem).toBe(
      lf(ours.certPem),
    );
    expect(inheritFrom(vaultK8sCa.certPem, undefined, now)).toBeUndefined();
  });
});

describe('BundleContest', () => {
  const opts = { graceMs: 5000, initialMs: 500, maxMs: 2000, quietMs: 30_000 };

  it('re-patches at once during the grace, then waits doubling to the cap; an own change is never held', () => {
    const c = new BundleContest(opts);
    expect(c.overwritten(0, '1')).toBe(0);
    c.wrote(0, '2');
    expect(c.overwritten(10, '2')).toBe(0);
    expect(c.overwrites).toBe(0);
    let t = 10;
    for (let i = 0; t < 5000; i++, t += 100) {
      expect(c.overwritten(t, `x${i}`)).toBe(0);
      c.wrote(t, `y${i}`);
    }
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      waits.push(c.overwritten(t + 1, `z${i}`));
      t += waits.at(-1)! + 1;
      c.wrote(t, `w${i}`);
    }
    // The first wait counts from our last write, 100 ms before.
    expect(waits).toEqual([399, 999, 1999, 1999]);
  });

  it('an isolated edit long after our write is repaired at once, and the contest ends when quiet', () => {
    const c = new BundleContest(opts);
    c.wrote(0, '1');
    c.intact(40_000);
    expect(c.overwritten(60_000, '5')).toBe(0);
    expect(c.currentDelayMs).toBe(0);
  });
});
