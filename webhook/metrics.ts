// The injector's Prometheus metrics, named as vault-k8s names them so dashboards carry over. On a
// private registry, so two apps in one process (tests) never collide and nothing is registered at
// import time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const DURATION_BUCKETS_MS = [
  5, 10, 25, 50, 75, 100, 250, 500, 1000, 2500, 5000, 7500, 10000,
] as const;

export interface InjectorMetrics {
  readonly registry: Registry;
  readonly queueLength: Gauge;
  readonly processingDuration: Histogram;
  readonly injections: Counter<'namespace' | 'injection_type'>;
  readonly failedInjections: Counter<'namespace'>;
  readonly skippedRequests: Counter<'reason'>;
  /** Requests the injector failed on (a bug): answered InternalError, also failed injections. */
  readonly internalErrors: Counter;
}

export interface MetricsOptions {
  /** Process and Node.js runtime metrics (vault-k8s exposes Go's equivalents). */
  readonly defaultMetrics?: boolean;
}

export function createMetrics(opts: MetricsOptions = {}): InjectorMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    queueLength: new Gauge({
      name: 'vault_agent_injector_request_queue_length',
      help: "Count of webhook requests in the injector's queue",
      registers,
    }),
    processingDuration: new Histogram({
      name: 'vault_agent_injector_request_processing_duration_ms',
      help: 'Histogram of webhook request processing times in milliseconds',
      buckets: [...DURATION_BUCKETS_MS],
      registers,
    }),
    injections: new Counter({
      name: 'vault_agent_injector_injections_by_namespace_total',
      help: 'Total count of Agent Sidecar injections by namespace',
      labelNames: ['namespace', 'injection_type'],
      registers,
    }),
    failedInjections: new Counter({
      name: 'vault_agent_injector_failed_injections_by_namespace_total',
      help: 'Total count of failed Agent Sidecar injections by namespace',
      labelNames: ['namespace'],
      registers,
    }),
    skippedRequests: new Counter({
      name: 'vault_agent_injector_skipped_requests_total',
      help: 'Total count of admission requests let through without injection, by reason',
      labelNames: ['reason'],
      registers,
    }),
    internalErrors: new Counter({
      name: 'vault_agent_injector_internal_errors_total',
      help: 'Total count of admission requests the injector failed on with an internal error',
      registers,
    }),
  };
}
