// Auto-TLS while the Kubernetes API goes away: runServer with an AutoCertificateSource against the
// fake API server. The API drops connections, then answers 500s, while someone empties every
// caBundle; clients keep sending reviews the whole time. The server must keep serving with zero
// failures, and once the API is back the caBundle must converge to the CA it serves from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AutoCertificateSource } from '../../certs/auto-source.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { createLogger } from '../../webhook/logger.js';
import { runServer } from '../../webhook/run-server.js';
import { DEFAULT_SERVER_CONFIG } from '../../webhook/server-config.js';
import {
  bundlesInFake,
  captureLogger,
  emptyBundles,
  MWC_NAME,
  seedWebhookConfig,
  waitFor,
  type LogLine,
} from '../certs/support.js';
import { FakeKubeApi } from '../fakes/kube-api.js';
import { collectingSink } from '../helpers/log-sink.js';
import { clientLoop, tally } from './support.js';

let api: FakeKubeApi;

beforeAll(async () => {
  api = new FakeKubeApi();
  await api.start();
});
afterAll(async () => {
  await api.close();
});

describe('Kubernetes API outage during auto-TLS', () => {
  it('keeps serving through down and error phases; caBundle converges when the API returns', async () => {
    seedWebhookConfig(api, 2);
    const certLogs: LogLine[] = [];
    const source = new AutoCertificateSource({
      kubeConfig: api.kubeConfig(),
      webhookConfigName: MWC_NAME,
      hosts: ['127.0.0.1', 'localhost'],
      logger: captureLogger(certLogs),
      timing: { reconcileIntervalMs: 300, backoffInitialMs: 100, backoffMaxMs: 400 },
    });
    const srv = await runServer({
      injector: DEFAULT_INJECTOR_CONFIG,
      server: { ...DEFAULT_SERVER_CONFIG, listen: '127.0.0.1:0' },
      logger: createLogger({ level: 'warn', format: 'json', sink: collectingSink() }),
      certificateSource: source,
    });
    const want = bundlesInFake(api)[0]!;
    expect(want).toContain('BEGIN CERTIFICATE');
    const t = tally();
    let done = false;
    // Clients trust what the API server had cached before the outage.
    const opts = { url: () => srv.url, ca: () => want, until: () => done, servername: 'localhost' };
    const clients = [
      clientLoop({ ...opts, keepAlive: true }, t),
      clientLoop({ ...opts, keepAlive: false }, t),
    ];
    const failedRounds = (): number =>
      certLogs.filter(
        (l) =>
          l.msg === 'Kubernetes API call failed; retrying' &&
          (l.obj as { what: string }).what === 'certificate round',
      ).length;
    /** Resolves once the clients have had `n` more reviews answered. */
    const served = async (n: number, what: string): Promise<void> => {
      const target = t.ok + n;
      await waitFor(() => t.ok >= target, 10_000, what);
    };
    try {
      await served(10, 'reviews before the outage');
      api.setMode('down');
      emptyBundles(api, { notify: false });
      await waitFor(() => failedRounds() >= 2, 5000, 'failed rounds while the API is down');
      await served(20, 'reviews while the API is down');
      api.setMode('error');
      const before = failedRounds();
      await waitFor(() => failedRounds() > before + 1, 5000, 'failed rounds while the API errors');
      expect(bundlesInFake(api).every((b) => b === '')).toBe(true);
      const okDuringOutage = t.ok;
      api.setMode('up');
      const took = await waitFor(
        () => bundlesInFake(api).every((b) => b === want),
        10_000,
        'caBundle repaired after the outage',
      );
      await served(10, 'reviews after the caBundle converged');
      console.log(
        `API outage: ${t.ok} reviews (${okDuringOutage} before recovery), ${failedRounds()} failed auto-TLS rounds, caBundle converged ${took.toFixed(0)} ms after the API returned`,
      );
    } finally {
      done = true;
      await Promise.all(clients);
      await srv.stop();
    }
    expect({ bad: t.bad, errors: t.errors }).toEqual({ bad: {}, errors: {} });
    expect(t.ok).toBeGreaterThan(50);
    // The same certificate throughout: an outage is no reason to rotate.
    expect(t.fingerprints.size).toBe(1);
  }, 30_000);
});
