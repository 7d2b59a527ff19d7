// Probes. /health/ready is the path vault-helm's readiness and liveness probes use; it turns
// 503 during shutdown so the pod leaves the Service before the listener closes.
import type { App } from '../app-types.js';
import type { Readiness } from '../readiness.js';

export function registerHealthRoutes(app: App, readiness: Readiness): void {
  app.get('/health/ready', async (_req, reply) =>
    readiness.isReady() ? reply.code(204).send() : reply.code(503).send(),
  );
  // Liveness: the event loop answers; being unready (starting, draining) is not a reason to restart.
  app.get('/health/live', async (_req, reply) => reply.code(204).send());
}
