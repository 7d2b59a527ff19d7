// Prometheus exposition of the private registry at --telemetry-path.
import type { App } from '../app-types.js';
import type { InjectorMetrics } from '../metrics.js';

export function registerMetricsRoute(app: App, path: string, metrics: InjectorMetrics): void {
  app.get(path, async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
