// End to end in-process: serve's certificate selection (selectCertificateSource with --tls-auto,
// --tls-auto-hosts, --use-leader-elector) and runServer, against the HTTPS fake API server reached
// through KUBECONFIG as outside a cluster. It must end with caBundle set in every webhook of NAME
// and a TLS handshake verified against that bundle.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCK_NAME, parseLeaderRecord } from '../../certs/leader-lock.js';
import { selectCertificateSource } from '../../certs/select-source.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { createLogger } from '../../webhook/logger.js';
import { runServer } from '../../webhook/run-server.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../../webhook/server-config.js';
import { FakeKubeApi } from '../fakes/kube-api.js';
import { httpsRequest } from '../helpers/https-client.js';
import { collectingSink } from '../helpers/log-sink.js';
import { startServe } from '../helpers/serve-process.js';
import { bundlesInFake, MWC_NAME, NAMESPACE, seedWebhookConfig, waitFor } from './support.js';

let api: FakeKubeApi;
let dir: string;
const savedKubeconfig = process.env.KUBECONFIG;

beforeAll(async () => {
  api = new FakeKubeApi();
  await api.start();
  dir = mkdtempSync(join(tmpdir(), 'vi-kubeconfig-'));
  writeFileSync(join(dir, 'config'), api.kubeConfig().exportConfig());
  // client-node's default loading (what serve uses) reads KUBECONFIG before in-cluster config.
  process.env.KUBECONFIG = join(dir, 'config');
});

afterAll(async () => {
  if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
  else process.env.KUBECONFIG = savedKubeconfig;
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve with --tls-auto --use-leader-elector', () => {
  it('patches every webhook and serves a certificate that verifies against the bundle', async () => {
    seedWebhookConfig(api, 2);
    const server: ServerConfig = {
      ...DEFAULT_SERVER_CONFIG,
      listen: '127.0.0.1:0',
      tlsAuto: MWC_NAME,
      tlsAutoHosts: ['127.0.0.1', 'localhost'],
      useLeaderElector: true,
      namespace: NAMESPACE,
      podName: 'injector-0',
    };
    const sink = collectingSink();
    const logger = createLogger({ level: 'info', format: 'json', sink });
    const running = await runServer({
      injector: DEFAULT_INJECTOR_CONFIG,
      server,
      logger,
      certificateSource: await selectCertificateSource(
        server,
        logger.child({ component: 'certs' }),
      ),
    });
    try {
      const bundles = bundlesInFake(api);
      expect(bundles).toHaveLength(2);
      expect(bundles[0]).toContain('BEGIN CERTIFICATE');
      expect(bundles[1]).toBe(bundles[0]);
      const res = await httpsRequest(running.url, {
        ca: bundles[0]!,
        path: '/health/ready',
        servername: 'localhost',
      });
      expect(res.status).toBeLessThan(300);
      expect(running.readiness.isReady()).toBe(true);
      const secret = api.get('secrets', NAMESPACE, 'vault-injector-certs') as {
        data: Record<string, string>;
      };
      const stored = new X509Certificate(Buffer.from(secret.data.cert!, 'base64'));
      expect(res.fingerprint).toBe(stored.fingerprint256);
    } finally {
      await running.stop();
    }
    // A graceful stop hands the lease back so another replica need not wait it out.
    await waitFor(
      () =>
        parseLeaderRecord(api.get('configmaps', NAMESPACE, DEFAULT_LOCK_NAME) as never)
          ?.holderIdentity === '',
      2000,
      'lease released',
    );
  }, 15_000);

  it('the built binary, run with vault-helm-style variables, ends the same way', async () => {
    seedWebhookConfig(api, 2);
    const serve = await startServe(
      ['agent-inject', '2>&1', '--listen', '127.0.0.1:0'],
      {
        KUBECONFIG: join(dir, 'config'),
        NAMESPACE,
        POD_NAME: 'injector-bin-0',
        AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
        AGENT_INJECT_TLS_AUTO: MWC_NAME,
        AGENT_INJECT_TLS_AUTO_HOSTS: '127.0.0.1,localhost',
        AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
      },
      20_000,
    );
    try {
      const bundles = bundlesInFake(api);
      expect(bundles).toHaveLength(2);
      expect(bundles[1]).toBe(bundles[0]);
      // The handshake is verified against the bundle the webhook configuration now holds.
      const res = await httpsRequest(serve.url, {
        ca: bundles[0]!,
        path: '/health/ready',
        servername: 'localhost',
      });
      expect(res.status).toBe(204);
    } finally {
      serve.child.kill('SIGTERM');
      expect((await serve.exited).code).toBe(0);
    }
  }, 30_000);

  it('rejects --tls-auto without hosts and --use-leader-elector without POD_NAME', async () => {
    const base = { ...DEFAULT_SERVER_CONFIG, tlsAuto: MWC_NAME };
    await expect(selectCertificateSource(base)).rejects.toThrow(/tls-auto-hosts/);
    await expect(
      selectCertificateSource({ ...base, tlsAutoHosts: ['x'], useLeaderElector: true }),
    ).rejects.toThrow(/POD_NAME/);
  });
});
