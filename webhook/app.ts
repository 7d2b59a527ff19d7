// buildApp: the Fastify instance with its routes, built but never listening, so tests drive it
// with inject() and runServer owns sockets, certificates and signals.
import { ReviewCache } from './review-cache.js';
import type { ServerOptions as HttpsOptions } from 'node:https';
import Fastify, { LogController } from 'fastify';
import type { SettingNamer } from '../admission/format-finding.js';
import type { InjectorConfig } from '../patches/injector-config.js';
import type { App } from './app-types.js';
import { createErrorHandler } from './errors.js';
import { SERVER_TIMEOUTS } from './http-timeouts.js';
import type { Logger } from './logger.js';
import type { InjectorMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { rawBodies } from './raw-body.js';
import { registerMutateRoute } from './routes/mutate.js';
import type { ServerConfig } from './server-config.js';

export interface AppDeps {
  readonly injector: InjectorConfig;
  /** How denials and warnings name an injector setting; by configuration key when not given. */
  readonly settingName?: SettingNamer;
  readonly server: ServerConfig;
  readonly logger: Logger;
  readonly metrics: InjectorMetrics;
  readonly readiness: Readiness;
  /** Certificate, key and TLS settings for https.createServer (see certs/tls-options.ts). */
  readonly https: HttpsOptions;
}

export function buildApp(deps: AppDeps): App {
  const app: App = Fastify({
    https: {
      ...deps.https,
      handshakeTimeout: SERVER_TIMEOUTS.handshakeMs,
      // Node checks headersTimeout/requestTimeout only this often (30 s by default).
      connectionsCheckingInterval: SERVER_TIMEOUTS.checkIntervalMs,
    },
    loggerInstance: deps.logger.child({ component: 'http' }),
    // One decision line per admission is logged by admit(); per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.server.bodyLimit,
    keepAliveTimeout: SERVER_TIMEOUTS.keepAliveMs,
    requestTimeout: SERVER_TIMEOUTS.requestMs,
    connectionTimeout: SERVER_TIMEOUTS.idleSocketMs,
    // On close: drop idle keep-alive sockets at once, let busy ones finish their request.
    forceCloseConnections: 'idle',
    // No 503 while draining: the API server does not retry a 503 without Retry-After, so with
    // failurePolicy Fail a rolling restart would fail pod creations. Requests still arriving on
    // open keep-alive sockets are answered normally, with Connection: close (onSend below).
    return503OnClosing: false,
  });
  app.server.headersTimeout = SERVER_TIMEOUTS.headersMs;
  // JSON only: Fastify's built-in text/plain parser would hand strings to the admission code.
  app.removeAllContentTypeParsers();
  const raw = rawBodies();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    raw.keep(app.getDefaultJsonParser('error', 'error')),
  );
  // While draining, keep-alive clients (the API server) are told to reconnect, so their sockets
  // close after the in-flight response instead of holding shutdown open for keepAliveTimeout.
  // A callback hook, not an async one: no promise and microtask per response.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (deps.readiness.shuttingDown) void reply.header('connection', 'close');
    done(null, payload);
  });
  app.setErrorHandler(
    createErrorHandler(deps.logger.child({ component: 'http' }), deps.server.bodyLimit),
  );
  registerMutateRoute(app, {
    injector: deps.injector,
    settingName: deps.settingName ?? ((key: string): string => key),
    metrics: deps.metrics,
    logger: deps.logger.child({ component: 'admission' }),
    bodyLimit: deps.server.bodyLimit,
    cache: new ReviewCache(),
    rawBody: raw.take,
  });
  registerHealthRoutes(app, deps.readiness);
  if (deps.server.telemetryPath !== '') {
    registerMetricsRoute(app, deps.server.telemetryPath, deps.metrics);
  }
  return app;
}
