// Runs the webhook: first certificate → HTTPS listener → hot certificate swaps → graceful stop.
import type { AddressInfo } from 'node:net';
import {
  resolveTlsSettings,
  secureContextOptions,
  type TlsSettings,
} from '../certs/tls-options.js';
import type { CertificateSource, ServingCertificate } from '../certs/source.js';
import type { SettingNamer } from '../admission/format-finding.js';
import type { InjectorConfig } from '../patches/injector-config.js';
import { buildApp } from './app.js';
import type { App } from './app-types.js';
import { allInterfacesHost, parseListenAddress } from './listen-address.js';
import type { Logger } from './logger.js';
import { createMetrics, type InjectorMetrics } from './metrics.js';
import { Readiness } from './readiness.js';
import type { ServerConfig } from './server-config.js';
import { toError } from '../patches/to-error.js';

export interface RunServerOptions {
  readonly injector: InjectorConfig;
  /** How denials and warnings name an injector setting (serve passes the flag names). */
  readonly settingName?: SettingNamer;
  readonly server: ServerConfig;
  readonly logger: Logger;
  readonly certificateSource: CertificateSource;
  /** Defaults to a fresh private registry with default metrics. */
  readonly metrics?: InjectorMetrics;
  /** Aborts startup (e.g. SIGTERM while a generating source has no certificate yet). */
  readonly signal?: AbortSignal;
}

/** runServer was aborted through its signal before it started serving. */
export class StartAbortedError extends Error {
  constructor() {
    super('stopped before the first certificate was available');
    this.name = 'StartAbortedError';
  }
}

export interface StopResult {
  /** false when the grace period ran out and open connections were cut. */
  readonly drained: boolean;
}

export interface RunningServer {
  readonly app: App;
  readonly readiness: Readiness;
  readonly metrics: InjectorMetrics;
  /** The bound address (the real port when --listen asked for port 0). */
  readonly host: string;
  readonly port: number;
  /** https://host:port, IPv6 in brackets. */
  readonly url: string;
  /** Readiness 503, stop accepting, finish in-flight requests within shutdownGraceMs. Idempotent. */
  stop(): Promise<StopResult>;
}

interface CertificateFeed {
  readonly first: Promise<ServingCertificate>;
  /** Once the app exists, later certificates are swapped into it. */
  attach(apply: (cert: ServingCertificate) => void): void;
}

function startCertificates(
  source: CertificateSource,
  logger: Logger,
): { feed: CertificateFeed; started: Promise<void> } {
  let resolveFirst: (c: ServingCertificate) => void = () => undefined;
  const first = new Promise<ServingCertificate>((r) => (resolveFirst = r));
  let delivered: ServingCertificate | undefined;
  let latest: ServingCertificate | undefined;
  let apply: ((c: ServingCertificate) => void) | undefined;
  const started = source.start(
    (cert) => {
      latest = cert;
      if (apply !== undefined) apply(cert);
      else if (delivered === undefined) {
        delivered = cert;
        resolveFirst(cert);
      }
    },
    // The source retries on its own; its reason is enough, a stack trace would only repeat. Before
    // the first certificate there is nothing being kept, so the line says what it waits for.
    (err) =>
      logger.error(
        { reason: err.message },
        delivered === undefined
          ? 'certificate source failed; waiting for a usable certificate'
          : 'certificate source failed; keeping the current certificate',
      ),
  );
  return {
    started,
    feed: {
      first,
      attach(fn): void {
        apply = fn;
        // A newer certificate may have arrived while the app was being built.
        if (latest !== undefined && latest !== delivered) fn(latest);
      },
    },
  };
}

function swapCertificate(
  app: App,
  tls: TlsSettings,
  logger: Logger,
): (c: ServingCertificate) => void {
  return (cert) => {
    try {
      // New handshakes get the new pair; established connections keep theirs.
      app.server.setSecureContext(secureContextOptions(cert, tls));
      logger.info('serving certificate updated');
    } catch (err) {
      logger.error(
        { reason: toError(err).message },
        'new certificate rejected by TLS; keeping the current certificate',
      );
    }
  };
}

function urlOf(host: string, port: number): string {
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal === undefined) return;
    if (signal.aborted) reject(new StartAbortedError());
    signal.addEventListener('abort', () => reject(new StartAbortedError()), { once: true });
  });
}

async function firstCertificate(
  source: CertificateSource,
  logger: Logger,
  signal: AbortSignal | undefined,
): Promise<{ cert: ServingCertificate; feed: CertificateFeed }> {
  const { feed, started } = startCertificates(source, logger.child({ component: 'certs' }));
  try {
    // start() rejects for unusable files; a generating source may resolve before its first cert.
    const cert = await Promise.race([started.then(() => feed.first), aborted(signal)]);
    return { cert, feed };
  } catch (err) {
    if (err instanceof StartAbortedError) await source.stop();
    throw err;
  }
}

export async function runServer(opts: RunServerOptions): Promise<RunningServer> {
  const { server, logger } = opts;
  // Validate everything cheap before touching certificates or sockets.
  const tls = resolveTlsSettings(server.tlsMinVersion, server.tlsCipherSuites);
  const listen = parseListenAddress(server.listen);
  const metrics = opts.metrics ?? createMetrics();
  const readiness = new Readiness();
  const { cert, feed } = await firstCertificate(opts.certificateSource, logger, opts.signal);
  let app: App;
  try {
    app = buildApp({
      injector: opts.injector,
      settingName: opts.settingName,
      server,
      logger,
      metrics,
      readiness,
      https: secureContextOptions(cert, tls),
    });
    readiness.markCertificateLoaded();
    feed.attach(swapCertificate(app, tls, logger.child({ component: 'certs' })));
    await app.listen({ host: listen.host ?? allInterfacesHost(), port: listen.port });
  } catch (err) {
    await opts.certificateSource.stop();
    throw err;
  }
  readiness.markServing();
  const addr = app.server.address() as AddressInfo;
  let stopping: Promise<StopResult> | undefined;
  const stop = (): Promise<StopResult> =>
    (stopping ??= gracefulStop({ app, readiness, source: opts.certificateSource }, server, logger));
  return {
    app,
    readiness,
    metrics,
    host: addr.address,
    port: addr.port,
    url: urlOf(addr.address, addr.port),
    stop,
  };
}

/** What a graceful stop closes: the app, its readiness, and the certificate source feeding it. */
interface Stoppable {
  readonly app: App;
  readonly readiness: Readiness;
  readonly source: CertificateSource;
}

async function gracefulStop(
  { app, readiness, source }: Stoppable,
  server: ServerConfig,
  logger: Logger,
): Promise<StopResult> {
  readiness.markShuttingDown();
  logger.info({ grace_ms: server.shutdownGraceMs }, 'shutting down: finishing in-flight requests');
  let drained = true;
  const deadline = setTimeout(() => {
    drained = false;
    logger.warn('shutdown grace period over; closing remaining connections');
    app.server.closeAllConnections();
  }, server.shutdownGraceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
    await source.stop();
  }
  logger.info({ drained }, 'stopped');
  return { drained };
}
