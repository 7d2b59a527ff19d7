// AutoCertificateSource without leader election (single instance, in-memory material) against the
// HTTPS fake API server through a real KubeConfig and client-node.
import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AutoCertificateSource, type AutoSourceTiming } from '../../certs/auto-source.js';
import { bundleTrusts, splitPemCertificates } from '../../certs/bundle.js';
import type { Clock } from '../../certs/cert-logger.js';
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

const FAST: Partial<AutoSourceTiming> = {
  reconcileIntervalMs: 30_000,
  backoffInitialMs: 100,
  backoffMaxMs: 400,
};
const DAY = 24 * 3600 * 1000;
/** Each round of a single instance reads the webhook configuration once. */
const MWC_READ = `/mutatingwebhookconfigurations/${MWC_NAME}`;
const reads = (): number => api.count('GET', MWC_READ);

let api: FakeKubeApi;
let sources: AutoCertificateSource[] = [];

beforeAll(async () => {
  api = new FakeKubeApi();
  await api.start();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => {
  api.setMode('up');
  seedWebhookConfig(api, 3);
});
afterEach(async () => {
  await Promise.all(sources.map((s) => s.stop()));
  sources = [];
});

interface Started {
  readonly source: AutoCertificateSource;
  readonly certs: ServingCertificate[];
  readonly errors: Error[];
  readonly logs: LogLine[];
  /** For each handed-out certificate: did every webhook's caBundle trust it at that moment? */
  readonly trustedWhenHandedOut: boolean[];
  readonly started: Promise<void>;
}

function startSource(timing: Partial<AutoSourceTiming> = FAST, clock?: Clock): Started {
  const logs: LogLine[] = [];
  const source = new AutoCertificateSource({
    kubeConfig: api.kubeConfig(),
    webhookConfigName: MWC_NAME,
    hosts: HOSTS,
    logger: captureLogger(logs),
    timing,
    clock,
  });
  sources.push(source);
  const certs: ServingCertificate[] = [];
  const errors: Error[] = [];
  const trustedWhenHandedOut: boolean[] = [];
  const started = source.start(
    (c) => {
      certs.push(c);
      trustedWhenHandedOut.push(bundlesInFake(api).every((b) => bundleTrusts(b, c.certPem)));
    },
    (e) => errors.push(e),
  );
  return { source, certs, errors, logs, trustedWhenHandedOut, started };
}

describe('AutoCertificateSource (single instance)', () => {
  it('sets caBundle in every webhook before handing out a certificate that verifies', async () => {
    const s = startSource();
    await s.started;
    expect(s.certs).toHaveLength(1);
    expect(s.trustedWhenHandedOut).toEqual([true]);
    const bundles = bundlesInFake(api);
    expect(bundles).toHaveLength(3);
    expect(new Set(bundles).size).toBe(1);
    expect(bundles[0]).toBe(s.certs[0]!.caPem);
    const tls = await handshake(s.certs[0]!, bundles[0]!, 'vault-agent-injector-svc.vault.svc');
    expect(tls).toEqual({ authorized: true });
    expect(s.logs.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'generated new CA and serving certificate',
        'updated caBundle',
        'serving certificate updated',
      ]),
    );
    expect(s.source.isLeader).toBe(true);
  });

  it('repairs an emptied caBundle via the watch, and via the timer when the event is lost', async () => {
    const s = startSource({ ...FAST, reconcileIntervalMs: 600 });
    await s.started;
    const want = s.certs[0]!.caPem;
    emptyBundles(api);
    const viaWatch = await waitFor(
      () => bundlesInFake(api).every((b) => b === want),
      5000,
      'watch repair',
    );
    // Let the round triggered by our own PATCH event read the repaired bundle, so only the timer
    // is left to notice the next change.
    const readsAtRepair = reads();
    await waitFor(() => reads() > readsAtRepair, 5000, 'the round after the repair');
    emptyBundles(api, { notify: false });
    const viaTimer = await waitFor(
      () => bundlesInFake(api).every((b) => b === want),
      5000,
      'timer repair',
    );
    expect(s.certs).toHaveLength(1);
    console.log(
      `caBundle repaired after ${viaWatch.toFixed(0)} ms (watch), ${viaTimer.toFixed(0)} ms (600 ms timer)`,
    );
  });

  it('retries while the API is down at start, then converges', async () => {
    api.setMode('down');
    const s = startSource();
    const failedRounds = (): number =>
      s.logs.filter(
        (l) =>
          l.msg === 'Kubernetes API call failed; retrying' &&
          (l.obj as { what: string }).what === 'certificate round',
      ).length;
    await waitFor(() => failedRounds() >= 3, 5000, 'rounds failing while the API is down');
    expect(s.certs).toHaveLength(0);
    api.setMode('error');
    const failedWhileDown = failedRounds();
    await waitFor(
      () => failedRounds() >= failedWhileDown + 2,
      5000,
      'rounds failing while the API answers 500',
    );
    expect(s.certs).toHaveLength(0);
    api.setMode('up');
    await s.started;
    expect(s.trustedWhenHandedOut).toEqual([true]);
    // Every retry is kept at debug with its delay; the outage itself is one warning and one
    // recovery line, and an outage is not a certificate error.
    const retries = s.logs.filter((l) => l.msg === 'Kubernetes API call failed; retrying');
    expect(retries.length).toBeGreaterThan(1);
    expect(retries.every((l) => l.level === 'debug')).toBe(true);
    expect(
      retries.map((l) => (l.obj as { retryInMs: number }).retryInMs).every((d) => d <= 400),
    ).toBe(true);
    expect(s.logs.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringMatching(/^Kubernetes API unavailable/) as string,
      }),
    ]);
    // Recovery is logged once every loop that failed works again, the watch included.
    const recovered = (): number =>
      s.logs.filter((l) => l.msg === 'Kubernetes API reachable again').length;
    await waitFor(() => recovered() > 0, 5000, 'the recovery line');
    expect(recovered()).toBe(1);
    expect(s.errors).toHaveLength(0);
  });

  it('keeps serving through an outage and repairs the bundle when the API returns', async () => {
    const s = startSource({ ...FAST, reconcileIntervalMs: 300 });
    await s.started;
    const want = s.certs[0]!.caPem;
    api.setMode('error');
    emptyBundles(api, { notify: false });
    const failed = (): number =>
      s.logs.filter(
        (l) =>
          l.msg === 'Kubernetes API call failed; retrying' &&
          (l.obj as { what: string }).what === 'certificate round',
      ).length;
    await waitFor(() => failed() >= 2, 5000, 'failed rounds during the outage');
    expect(s.logs.filter((l) => l.msg.startsWith('Kubernetes API unavailable'))).toHaveLength(1);
    expect(s.errors).toHaveLength(0);
    expect(s.certs).toHaveLength(1);
    expect(s.source.current?.certPem).toBe(s.certs[0]!.certPem);
    api.setMode('up');
    await waitFor(() => bundlesInFake(api).every((b) => b === want), 5000, 'repair after outage');
    expect(s.certs).toHaveLength(1);
  });

  it('two replicas without leader election both stay trusted and stop patching', async () => {
    const before = api.count('PATCH', MWC_NAME);
    // Timer rounds every 200 ms besides the watch events: each is one more chance to patch.
    const a = startSource({ ...FAST, reconcileIntervalMs: 200 });
    const b = startSource({ ...FAST, reconcileIntervalMs: 200 });
    await Promise.all([a.started, b.started]);
    const caA = a.certs[0]!.caPem;
    const caB = b.certs[0]!.caPem;
    expect(caA).not.toBe(caB);
    // Each replica adds its own CA to what the webhooks trust instead of replacing the bundle.
    await waitFor(
      () =>
        bundlesInFake(api).every(
          (bundle) =>
            bundleTrusts(bundle, a.certs.at(-1)!.certPem) &&
            bundleTrusts(bundle, b.certs.at(-1)!.certPem),
        ),
      5000,
      'both CAs in every bundle',
    );
    expect(a.trustedWhenHandedOut.every(Boolean)).toBe(true);
    expect(b.trustedWhenHandedOut.every(Boolean)).toBe(true);
    // No patch storm: once both CAs are in, neither the watch events nor several more rounds of
    // each replica write again.
    const patches = api.count('PATCH', MWC_NAME);
    const readsWithBoth = reads();
    await waitFor(() => reads() >= readsWithBoth + 8, 5000, 'four more rounds of each replica');
    expect(api.count('PATCH', MWC_NAME)).toBe(patches);
    expect(patches - before).toBeLessThanOrEqual(4);
  });

  it('keeps the previous CA in the bundle when a restarted instance makes a new CA', async () => {
    const first = startSource();
    await first.started;
    await first.source.stop();
    const second = startSource();
    await second.started;
    const bundle = bundlesInFake(api)[0]!;
    const cas = splitPemCertificates(bundle).map((p) => new X509Certificate(p).fingerprint256);
    expect(cas).toHaveLength(2);
    expect(cas[0]).toBe(new X509Certificate(first.certs[0]!.caPem).fingerprint256);
    const sni = 'vault-agent-injector-svc.vault';
    expect(await handshake(first.certs[0]!, bundle, sni)).toEqual({ authorized: true });
    expect(await handshake(second.certs[0]!, bundle, sni)).toEqual({ authorized: true });
  });

  it('rotates the leaf at two thirds of its life and the CA at two thirds of ten years', async () => {
    let now = Date.now();
    const clock: Clock = { now: () => new Date(now) };
    const s = startSource({ ...FAST, reconcileIntervalMs: 200 }, clock);
    await s.started;
    const patches = api.count('PATCH', MWC_NAME);
    now += 19 * DAY;
    // Two rounds read the configuration after the jump: at least one ran wholly at day 19.
    const readsAtDay19 = reads();
    await waitFor(() => reads() >= readsAtDay19 + 2, 5000, 'two rounds at day 19');
    expect(s.certs).toHaveLength(1);
    now += 2 * DAY;
    await waitFor(() => s.certs.length === 2, 5000, 'leaf rotation');
    expect(s.certs[1]!.caPem).toBe(s.certs[0]!.caPem);
    expect(api.count('PATCH', MWC_NAME)).toBe(patches);
    now += 2440 * DAY;
    await waitFor(() => s.certs.length === 3, 5000, 'CA rotation');
    expect(splitPemCertificates(s.certs[2]!.caPem)).toHaveLength(2);
    expect(bundlesInFake(api)[0]).toBe(s.certs[2]!.caPem);
    expect(s.trustedWhenHandedOut).toEqual([true, true, true]);
    expect(s.logs.filter((l) => l.msg === 'rotated serving certificate')).toHaveLength(1);
  });
});
