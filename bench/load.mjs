// The load generator, run as its own process by lib.mjs: reads {url, body, connections, duration,
// amount, vary} on stdin, runs autocannon (keep-alive, HTTPS), prints a JSON summary on stdout.
// With `vary`, every request is a different pod: the body's uid and one label carry a counter
// (the cold path, as in a rollout of many workloads, where no answer can be reused).
// autocannon does not verify the server certificate (it forces rejectUnauthorized: false); the
// servers here are local children started with our own test certificate.
import autocannon from 'autocannon';

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const opts = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const UID_MARK = '"uid":"705ab4f5-6393-11e8-b7cc-42010a800002"';
const LABEL_MARK = '"tier":"backend"';

/** Splits the body at the uid and the label so each request is three concatenations. */
function variedBody(body) {
  const u = body.indexOf(UID_MARK);
  const l = body.indexOf(LABEL_MARK);
  if (u < 0 || l < 0 || l < u) throw new Error('body has no uid before the tier label to vary');
  const parts = [
    body.slice(0, u),
    body.slice(u + UID_MARK.length, l),
    body.slice(l + LABEL_MARK.length),
  ];
  // A distinct process prefix keeps the uids of successive runs apart too.
  const run = (process.pid % 0xffff).toString(16).padStart(4, '0');
  let n = 0;
  return (req) => {
    n++;
    const id = n.toString(16).padStart(8, '0');
    req.body = `${parts[0]}"uid":"705ab4f5-6393-11e8-${run}-${id}0000"${parts[1]}"tier":"b${n}"${parts[2]}`;
    return req;
  };
}

const request = { method: 'POST', headers: { 'content-type': 'application/json' } };
const result = await autocannon({
  url: opts.url,
  ...request,
  body: opts.body,
  ...(opts.vary ? { requests: [{ ...request, setupRequest: variedBody(opts.body) }] } : {}),
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
