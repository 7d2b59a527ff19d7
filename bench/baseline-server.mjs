// The same-run baselines for `make bench`: a bare Fastify HTTPS server with the same certificate
// and Fastify's default JSON body parser. No logging, no schema, no metrics.
//   POST /fixed   answers every review with the injector's answer as fixed bytes (warm path);
//   POST /mutate  the least any webhook must do per review (cold path): read the uid, serialise
//                 the same patch (JSON, then base64) and the response envelope around it.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const fixed = readFileSync(process.env.RESPONSE);
const answer = JSON.parse(fixed.toString('utf8'));
const ops = JSON.parse(Buffer.from(answer.response.patch, 'base64').toString('utf8'));
const warnings = answer.response.warnings;

const app = Fastify({
  https: { cert: readFileSync(process.env.CERT), key: readFileSync(process.env.KEY) },
  bodyLimit: 10 * 1024 * 1024,
});

function uidOf(body) {
  const uid = body?.request?.uid;
  if (typeof uid !== 'string') throw new Error('no uid');
  return uid;
}

app.post('/fixed', async (req, reply) => {
  uidOf(req.body);
  return reply.type('application/json').send(fixed);
});
app.post('/mutate', async (req) => ({
  apiVersion: req.body.apiVersion,
  kind: 'AdmissionReview',
  response: {
    uid: uidOf(req.body),
    allowed: true,
    patch: Buffer.from(JSON.stringify(ops)).toString('base64'),
    patchType: 'JSONPatch',
    ...(warnings ? { warnings } : {}),
  },
}));
app.get('/health', async () => 'ok');
process.once('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
