// Two AutoCertificateSource replicas with --use-leader-elector racing against one fake API server:
// one leader, one shared certificate, and a handover once the lease runs out after the leader dies.
// Leases are judged on a monotonic clock the test holds still and moves by hand: a lease runs out
// exactly when the test says, not after seconds of real waiting, and never early on a slow machine.
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
/** The replicas' monotonic clock: still unless the test moves it (never backwards). */
let monoMs = 0;
const monotonicNow = (): number => monoMs;

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
    monotonicNow,
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

function lockRecord(namespace: string): ReturnType<typeof parseLeaderRecord> {
  return parseLeaderRecord(api.get('configmaps', namespace, DEFAULT_LOCK_NAME) as never);
}

function holder(namespace: string): string | undefined {
  return lockRecord(namespace)?.holderIdentity;
}

/** Election rounds that have read the lock in `namespace` so far. */
function lockReads(namespace: string): number {
  return api.count('GET', `/namespaces/${namespace}/configmaps/${DEFAULT_LOCK_NAME}`);
}

/** The most leaders seen at once while the holder renews the lock `renewals` times. */
async function maxLeadersOver(namespace: string, renewals: number): Promise<number> {
  let max = 0;
  let seen = 0;
  let last = lockRecord(namespace)?.renewTime;
  await waitFor(
    () => {
      max = Math.max(max, leaders().length);
      const now = lockRecord(namespace)?.renewTime;
      if (now !== last) [seen, last] = [seen + 1, now];
      return seen >= renewals;
    },
    5000,
    `${renewals} renewals of the lock`,
  );
  return max;
}

/** Resolves once `n` more election rounds have read the lock (answered and judged). */
async function electionRounds(namespace: string, n: number): Promise<void> {
  const target = lockReads(namespace) + n + 1;
  await waitFor(() => lockReads(namespace) >= target, 5000, `${n} election rounds`);
}

describe('leader election across two replicas', () => {
  it('elects one leader, both serve the Secret certificate, a dead leader is replaced within the lease', async () => {
    const ns = 'race';
    seedWebhookConfig(api, 2);
    const logs: LogLine[] = [];
    const a = replica('pod-a', ns, logs);
    const b = replica('pod-b', ns, logs);
    await Promise.all([a.started, b.started]);

    expect(await maxLeadersOver(ns, 3)).toBe(1);
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

    // Crash: no release, no more renewals. The follower waits out the whole lease, counted from
    // when it first saw the last renewal, then takes over at its next round.
    await leader!.source.stop({ releaseLock: false });
    await electionRounds(ns, 2);
    monoMs += LEASE_MS - 1;
    await electionRounds(ns, 3);
    expect(follower.source.isLeader).toBe(false);
    expect(holder(ns)).toBe(leader!.name);
    monoMs += 1;
    const handover = await waitFor(() => follower.source.isLeader, 5000, 'handover');
    expect(holder(ns)).toBe(follower.name);
    console.log(
      `handover after leader crash: not within ${LEASE_MS - 1} ms of lease time, at ${LEASE_MS} ms (${handover.toFixed(0)} ms of real time for the round)`,
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
    // The clock stands still: only the release can hand the lock over.
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
    await waitFor(
      () =>
        logs.some((l) => l.msg === '[pod-b] waiting for caBundle to trust the stored certificate'),
      5000,
      'pod-b to find the stored certificate untrusted',
    );
    await electionRounds(ns, 2);
    expect(b.certs).toHaveLength(0);
    expect(b.source.isLeader).toBe(false);
    // Once b's lease wait is over it leads, patches the bundle, and only then serves.
    monoMs += LEASE_MS;
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
      monotonicNow,
      generator: {
        generateCA: (opts) => {
          // The first CA takes longer than the renew deadline (a starved CPU, a long GC pause):
          // the elector cannot renew meanwhile, so this replica may no longer be the leader.
          if (generated.length === 0) monoMs += 2000;
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
