// Picks where the serving certificate comes from: files on disk, or certificates generated here
// (auto-TLS, optionally shared through leader election).
import type { CertLogger } from './cert-logger.js';
import { FileCertificateSource } from './file-source.js';
import type { CertificateSource } from './source.js';
import { DAY_MS } from './lifetimes.js';

/** The settings that choose the certificate source; the server's configuration extends them. */
export interface CertificateSettings {
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  readonly tlsCaCertFile: string;
  /** -tls-auto: name of the MutatingWebhookConfiguration whose caBundle we keep. */
  readonly tlsAuto: string;
  readonly tlsAutoHosts: readonly string[];
  /** Lifetime of each generated serving certificate, in ms (short only for tests and emergencies). */
  readonly tlsAutoCertValidityMs: number;
  /** Lifetime of each generated CA, in ms. */
  readonly tlsAutoCaValidityMs: number;
  readonly useLeaderElector: boolean;
  /** NAMESPACE: the injector's own namespace (leader lock, certificate Secret). */
  readonly namespace: string;
  /** POD_NAME: holder identity for leader election. */
  readonly podName: string;
}

export class CertificateConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateConfigError';
  }
}

// Only for callers that pass no logger; serve passes its own so rotations are logged.
const SILENT_LOGGER: CertLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export async function selectCertificateSource(
  server: CertificateSettings,
  logger: CertLogger = SILENT_LOGGER,
): Promise<CertificateSource> {
  if (server.tlsCertFile !== '' || server.tlsKeyFile !== '') {
    if (server.tlsCertFile === '' || server.tlsKeyFile === '') {
      throw new CertificateConfigError(
        '--tls-cert-file and --tls-key-file must be given together (TLS_CERT_FILE/TLS_KEY_FILE)',
      );
    }
    return new FileCertificateSource({
      certFile: server.tlsCertFile,
      keyFile: server.tlsKeyFile,
      caFile: server.tlsCaCertFile,
    });
  }
  if (server.tlsAuto !== '') {
    if (server.tlsAutoHosts.every((h) => h.trim() === '')) {
      throw new CertificateConfigError('--tls-auto needs --tls-auto-hosts (TLS_AUTO_HOSTS)');
    }
    if (server.useLeaderElector && server.podName === '') {
      throw new CertificateConfigError('--use-leader-elector needs POD_NAME (the lock holder)');
    }
    // client-node takes seconds to load on a small node: only auto-TLS pays for it.
    const [{ AutoCertificateSource }, { loadDefaultKubeConfig }] = await Promise.all([
      import('./auto-source.js'),
      import('./kube-client.js'),
    ]);
    return new AutoCertificateSource({
      kubeConfig: loadDefaultKubeConfig(),
      webhookConfigName: server.tlsAuto,
      hosts: server.tlsAutoHosts,
      useLeaderElector: server.useLeaderElector,
      namespace: server.namespace,
      podName: server.podName,
      leafValidityDays: server.tlsAutoCertValidityMs / DAY_MS,
      caValidityDays: server.tlsAutoCaValidityMs / DAY_MS,
      logger,
    });
  }
  throw new CertificateConfigError(
    'no serving certificate configured: give --tls-cert-file and --tls-key-file',
  );
}
