// Shared test helpers for certs/: a capturing logger, webhook fixtures, polling waits.
import { connect } from 'node:tls';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CertLogger } from '../../certs/cert-logger.js';
import type { ServingCertificate } from '../../certs/source.js';
import type { FakeKubeApi } from '../fakes/kube-api.js';

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly obj: object;
}

export function captureLogger(
  lines: LogLine[] = [],
  prefix = '',
): CertLogger & { lines: LogLine[] } {
  const push =
    (level: LogLine['level']) =>
    (obj: object, msg: string): void => {
      lines.push({ level, msg: prefix + msg, obj });
      if (process.env.CERTS_TEST_LOG) console.log(level, prefix + msg, JSON.stringify(obj));
    };
  return {
    lines,
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
  };
}

export const MWC_NAME = 'vault-agent-injector-cfg';
export const NAMESPACE = 'vault';
export const HOSTS = [
  'vault-agent-injector-svc',
  'vault-agent-injector-svc.vault',
  'vault-agent-injector-svc.vault.svc',
  '127.0.0.1',
];

/** A MutatingWebhookConfiguration with `n` webhooks and empty caBundles, as the manifests ship it. */
export function seedWebhookConfig(api: FakeKubeApi, n = 2): void {
  api.put('mutatingwebhookconfigurations', '', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: MWC_NAME },
    webhooks: Array.from({ length: n }, (_, i) => ({
      name: `hook-${i}.vault.hashicorp.com`,
      admissionReviewVersions: ['v1', 'v1beta1'],
      sideEffects: 'None',
      clientConfig: {
        service: { name: 'vault-agent-injector-svc', namespace: NAMESPACE, path: '/mutate' },
        caBundle: '',
      },
    })),
  });
}

interface Hook {
  clientConfig?: { caBundle?: string };
}

/** Decoded caBundle of each webhook in the fake's copy of the configuration. */
export function bundlesInFake(api: FakeKubeApi): string[] {
  const mwc = api.get('mutatingwebhookconfigurations', '', MWC_NAME) as { webhooks?: Hook[] };
  return (mwc.webhooks ?? []).map((w) =>
    Buffer.from(w.clientConfig?.caBundle ?? '', 'base64').toString('utf8'),
  );
}

/** What `kubectl apply` of the shipped manifest does: every caBundle back to "". */
export function emptyBundles(api: FakeKubeApi, opts: { notify?: boolean } = {}): void {
  const mwc = api.get('mutatingwebhookconfigurations', '', MWC_NAME) as { webhooks?: Hook[] };
  for (const w of mwc.webhooks ?? []) w.clientConfig = { ...w.clientConfig, caBundle: '' };
  api.put('mutatingwebhookconfigurations', '', mwc, opts);
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Serves `cert` over TLS and handshakes as a client trusting only `caBundlePem`. */
export async function handshake(
  cert: ServingCertificate,
  caBundlePem: string,
  servername: string,
): Promise<{ authorized: boolean; error?: string }> {
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca: caBundlePem, servername }, () => {
        resolve({ authorized: socket.authorized });
        socket.end();
      });
      socket.on('error', (err) => resolve({ authorized: false, error: err.message }));
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
