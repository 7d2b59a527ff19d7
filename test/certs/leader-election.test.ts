// Two AutoCertificateSource replicas with --use-leader-elector racing against one fake API server:
// one leader, one shared certificate, and a handover within the lease after the leader dies.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AutoCertificateSource, type AutoSourceTiming } from '../../certs/auto-source.js';
import { bundleTrusts } from '../../certs/bundle.js';
import { DEFAULT_CERT_SECRET_NAME, materialFromSecretData } from '../../certs/cert-store.js';
import { generateCA, generateServingCert } from '../../certs/generate.js';
import { DEFAULT_LOCK_NAME, parseLeaderRecord } from '../../certs/leader-lock.js';
import type { ServingCertificate } from '../../certs/source.js';
import { FakeKubeApi } from '../fakes/kube-api.js';
import {
  bundlesInFake,
  captureLogger,
  emptyBundles,
  handshake,
  HOSTS,
  MWC_NAME,
  seedWebhookConfig,
  waitFor,
  type LogLine,
} from './support.js';

const LEASE_MS = 2000;
const TIMING: Partial<AutoSourceTiming> = {
  leaseDurationMs: LEASE_MS,
  retryPeriodMs: 200,
  followerPollMs: 200,
  reconcileIntervalMs: 1000,
  backoffInitialMs: 100,
  backoffMaxMs: 500,
};

let api: FakeKubeApi;
let replicas: Replica[] = [];

beforeAll(async () => {
  api = new FakeKubeApi();
  await api.start();
});
afterAll(async () => {
  await api.close();
});
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.source.stop()));
  replicas = [];
});

interface Replica {
  readonly name: string;
  readonly source: AutoCertificateSource;
  readonly certs: ServingCertificate[];
  readonly trusted: boolean[];
  readonly started: Promise<void>;
}

function replica(name: string, namespace: string, logs: LogLine[]): Replica {
  const source = new AutoCertificateSource({
    kubeConfig: api.kubeConfig(),
    webhookConfigName: MWC_NAME,
    hosts: HOSTS,
    logger: captureLogger(logs, `[${name}] `),
    useLeaderElector: true,
    namespace,
    podName: name,
    timing: TIMING,
  });
  const certs: ServingCertificate[] = [];
  const trusted: boolean[] = [];
  const started = source.start(
    (c) => {
      certs.push(c);
      trusted.push(bundlesInFake(api).every((b) => bundleTrusts(b, c.certPem)));
    },
    () => undefined,
  );
  const r = { name, source, certs, trusted, started };
  replicas.push(r);
  return r;
}

function leaders(): Replica[] {
  return replicas.filter((r) => r.source.isLeader);
}

async function countLeadersFor(ms: number): Promise<number> {
  let max = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    max = Math.max(max, leaders().length);
    await new Promise((r) => setTimeout(r, 20));
  }
  return max;
}

function holder(namespace: string): string | undefined {
  return parseLeaderRecord(api.get('configmaps', namespace, DEFAULT_LOCK_NAME) as never)
    ?.holderIdentity;
}

describe('leader election across two replicas', () => {
  it('elects one leader, both serve the Secret certificate, a dead leader is replaced within the lease', async () => {
    const ns = 'race';
    seedWebhookConfig(api, 2);
    const logs: LogLine[] = [];
    const a = replica('pod-a', ns, logs);
    const b = replica('pod-b', ns, logs);
    await Promise.all([a.started, b.started]);

    expect(await countLeadersFor(600)).toBe(1);
    const [leader] = leaders();
    const follower = leader === a ? b : a;
    expect(holder(ns)).toBe(leader!.name);
    expect(a.certs[0]!.certPem).toBe(b.certs[0]!.certPem);
    expect([...a.trusted, ...b.trusted].every(Boolean)).toBe(true);
    expect(
      logs.filter((l) => l.msg.endsWith('generated new CA and serving certificate')),
    ).toHaveLength(1);
    const secret = api.get('secrets', ns, DEFAULT_CERT_SECRET_NAME) as {
      data: Record<string, string>;
    };
    expect(materialFromSecretData(secret.data)?.certPem).toBe(a.certs[0]!.certPem);
    const bundle = bundlesInFake(api)[0]!;
    expect(await handshake(b.certs[0]!, bundle, 'vault-agent-injector-svc')).toEqual({
      authorized: true,
    });

    // Crash: no release, no more renewals. The follower waits out the lease, then takes over.
    const died = performance.now();
    await leader!.source.stop({ releaseLock: false });
    const handover = await waitFor(() => follower.source.isLeader, LEASE_MS * 3, 'handover');
    expect(handover).toBeLessThan(LEASE_MS + 1500);
    expect(holder(ns)).toBe(follower.name);
    console.log(
      `handover after leader crash: ${(performance.now() - died).toFixed(0)} ms (lease ${LEASE_MS} ms)`,
    );

    // The new leader keeps the same certificate (no regeneration) and now repairs the bundle.
    emptyBundles(api);
    await waitFor(
      () => bundlesInFake(api).every((x) => x === bundle),
      5000,
      'repair by new leader',
    );
    expect(follower.certs).toHaveLength(1);
    expect(logs.filter((l) => l.msg.includes('generated new CA'))).toHaveLength(1);
  }, 15_000);

  it('hands over at once when the leader stops gracefully', async () => {
    const ns = 'graceful';
    seedWebhookConfig(api, 1);
    const logs: LogLine[] = [];
    const a = replica('pod-a', ns, logs);
    await a.started;
    const b = replica('pod-b', ns, logs);
    await b.started;
    expect(a.source.isLeader).toBe(true);
    expect(b.source.isLeader).toBe(false);
    expect(b.certs[0]!.certPem).toBe(a.certs[0]!.certPem);
    const stopped = performance.now();
    await a.source.stop();
    const took = await waitFor(() => b.source.isLeader, LEASE_MS, 'handover after release');
    expect(took).toBeLessThan(LEASE_MS / 2);
    console.log(`handover after graceful stop: ${(performance.now() - stopped).toFixed(0)} ms`);
  }, 15_000);

  it('a follower never serves a Secret certificate the caBundle does not trust yet', async () => {
    const ns = 'untrusted';
    seedWebhookConfig(api, 2);
    const logs: LogLine[] = [];
    const a = replica('pod-a', ns, logs);
    await a.started;
    // Simulate a leader that wrote the Secret and died before patching: the bundle is emptied
    // without an event, and the leader is gone.
    await a.source.stop({ releaseLock: false });
    emptyBundles(api, { notify: false });
    const b = replica('pod-b', ns, logs);
    await new Promise((r) => setTimeout(r, 600));
    expect(b.certs).toHaveLength(0);
    expect(
      logs.some((l) => l.msg === '[pod-b] waiting for caBundle to trust the stored certificate'),
    ).toBe(true);
    // Once b's lease wait is over it leads, patches the bundle, and only then serves.
    await b.started;
    expect(b.trusted).toEqual([true]);
    expect(b.certs[0]!.certPem).toBe(a.certs[0]!.certPem);
  }, 15_000);

  it('a leader whose lease lapsed during key generation writes nothing from that round', async () => {
    const ns = 'lapsed';
    seedWebhookConfig(api, 2);
    const generated: string[] = [];
    const source = new AutoCertificateSource({
      kubeConfig: api.kubeConfig(),
      webhookConfigName: MWC_NAME,
      hosts: HOSTS,
      logger: captureLogger(),
      useLeaderElector: true,
      namespace: ns,
      podName: 'pod-slow',
      timing: { ...TIMING, leaseDurationMs: 10_000, renewDeadlineMs: 1500, retryPeriodMs: 100 },
      generator: {
        generateCA: (opts) => {
          // The first CA takes longer than the renew deadline (a starved CPU, a long GC pause):
          // the elector cannot renew meanwhile, so this replica may no longer be the leader.
          if (generated.length === 0) {
            const until = performance.now() + 2000;
            while (performance.now() < until);
          }
          const ca = generateCA(opts);
          generated.push(ca.certPem);
          return ca;
        },
        generateServingCert,
      },
    });
    replicas.push({ name: 'pod-slow', source, certs: [], trusted: [], started: Promise.resolve() });
    await source.start(
      () => undefined,
      () => undefined,
    );
    const secret = api.get('secrets', ns, DEFAULT_CERT_SECRET_NAME) as {
      data: Record<string, string>;
    };
    expect(generated.length).toBeGreaterThanOrEqual(2);
    expect(materialFromSecretData(secret.data)?.caCertPem).not.toBe(generated[0]);
  }, 15_000);
});
