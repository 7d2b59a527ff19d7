// POST /mutate: the admission endpoint. Queue-length and duration metrics wrap every call,
// including the ones rejected before the handler runs (415, 413, 400), as vault-k8s counts them.
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { admit, type AdmitDeps } from '../admit.js';
import type { App } from '../app-types.js';
import type { InjectorMetrics } from '../metrics.js';
import type { RawBodies } from '../raw-body.js';

export interface MutateRouteDeps extends AdmitDeps {
  readonly bodyLimit: number;
  /** The body's text as received (keys the answer cache). */
  readonly rawBody?: RawBodies['take'];
}

function trackRequest(
  metrics: InjectorMetrics,
): (req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  return (_req, reply, done) => {
    metrics.queueLength.inc();
    const started = performance.now();
    let ended = false;
    // 'close' also fires for aborted requests, which onResponse would miss.
    const end = (): void => {
      if (ended) return;
      ended = true;
      metrics.queueLength.dec();
      metrics.processingDuration.observe(Math.trunc(performance.now() - started));
    };
    reply.raw.once('finish', end);
    reply.raw.once('close', end);
    done();
  };
}

export function registerMutateRoute(app: App, deps: MutateRouteDeps): void {
  app.post(
    '/mutate',
    { bodyLimit: deps.bodyLimit, onRequest: trackRequest(deps.metrics) },
    async (req, reply) => {
      const result = admit(req.body, deps, deps.rawBody?.(req));
      return reply.code(result.statusCode).type('application/json').send(result.body);
    },
  );
}
