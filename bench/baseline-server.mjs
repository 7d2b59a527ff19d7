// The same-run baseline for `make bench`: a bare Fastify HTTPS server with the same certificate
// that parses the request body with Fastify's default JSON parser and answers every POST with a
// fixed AdmissionReview of the same size as the injector's answer. No logging, no schema.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const response = JSON.parse(readFileSync(process.env.RESPONSE, 'utf8'));
const app = Fastify({
  https: { cert: readFileSync(process.env.CERT), key: readFileSync(process.env.KEY) },
  bodyLimit: 10 * 1024 * 1024,
});
app.post('/mutate', async (req) => {
  // Touch the parsed body as a handler would, then answer with the fixed review.
  if (typeof req.body?.request?.uid !== 'string') throw new Error('no uid');
  return response;
});
app.get('/health', async () => 'ok');
process.once('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
