// The load generator, run as its own process by lib.mjs: reads {url, body, connections, duration,
// amount} on stdin, runs autocannon (keep-alive, HTTPS), prints a JSON summary on stdout.
// autocannon does not verify the server certificate (it forces rejectUnauthorized: false); the
// servers here are local children started with our own test certificate.
import autocannon from 'autocannon';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const opts = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const result = await autocannon({
  url: opts.url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: opts.body,
  connections: opts.connections,
  ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration }),
  timeout: 10,
});

process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    totalRequests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: result.duration,
    bytesPerResponse:
      result.requests.total > 0 ? Math.round(result.throughput.total / result.requests.total) : 0,
  }),
);
