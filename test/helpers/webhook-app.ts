// A webhook app for inject() tests: real routes, private metrics, logs captured as JSON.
import { secureContextOptions, resolveTlsSettings } from '../../certs/tls-options.js';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../patches/injector-config.js';
import { buildApp } from '../../webhook/app.js';
import type { App } from '../../webhook/app-types.js';
import { createLogger, type Logger } from '../../webhook/logger.js';
import { createMetrics, type InjectorMetrics } from '../../webhook/metrics.js';
import { Readiness } from '../../webhook/readiness.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../../webhook/server-config.js';
import { collectingSink, type CollectingSink } from './log-sink.js';
import { testPki } from './tls.js';
import { settingName } from '../../cli/setting-names.js';

export interface TestApp {
  readonly app: App;
  readonly metrics: InjectorMetrics;
  readonly readiness: Readiness;
  readonly logs: CollectingSink;
  readonly logger: Logger;
}

export interface TestAppOptions {
  readonly server?: Partial<ServerConfig>;
  readonly injector?: InjectorConfig;
  /** Mark the certificate loaded and the server serving (as runServer does after listen). */
  readonly ready?: boolean;
  readonly metrics?: InjectorMetrics;
}

export async function testApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const server = { ...DEFAULT_SERVER_CONFIG, logLevel: 'debug' as const, ...opts.server };
  const logs = collectingSink();
  const logger = createLogger({ level: server.logLevel, format: 'json', sink: logs });
  const metrics = opts.metrics ?? createMetrics({ defaultMetrics: true });
  const readiness = new Readiness();
  const { serving } = testPki();
  const app = buildApp({
    injector: opts.injector ?? DEFAULT_INJECTOR_CONFIG,
    settingName,
    server,
    logger,
    metrics,
    readiness,
    https: secureContextOptions({ ...serving, caPem: '' }, resolveTlsSettings('tls12', '')),
  });
  await app.ready();
  if (opts.ready !== false) {
    readiness.markCertificateLoaded();
    readiness.markServing();
  }
  return { app, metrics, readiness, logs, logger };
}
