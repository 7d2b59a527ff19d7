// Slow and idle clients against the real TLS listener (buildApp + listen on 127.0.0.1:0): a client
// dripping one byte per second, in the headers or in the body, is answered 408 or cut off once its
// timeout passes, and never delays anyone else; hundreds of idle connections change nothing for a
// normal review.
//
// ServerConfig does not expose the HTTP timeouts (webhook/http-timeouts.ts: headers 10 s, request
// 30 s) and Node only checks them every connectionsCheckingInterval (30 s by default), so this test
// shortens them on the app's own http server before it listens. The behaviour tested is the
// server's; only the clock is faster.
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../helpers/https-client.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { testPki } from '../helpers/tls.js';
import { testApp, type TestApp } from '../helpers/webhook-app.js';
import { openTls, postBytes, readUntilClose, type RawResponse } from './raw-client.js';

const HEADERS_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 3000;
const CHECK_INTERVAL_MS = 200;
const ca = testPki().ca.certPem;
const INJECT = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app' };
const BODY = JSON.stringify(makeReview(makePod(INJECT)));

let t: TestApp;
let url = '';
let port = 0;

beforeAll(async () => {
  t = await testApp();
  // Node reads connectionsCheckingInterval at listen time; @types/node lists it only as an option,
  // so it is assigned untyped with the two timeouts.
  Object.assign(t.app.server, {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  });
  url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  port = Number(new URL(url).port);
});
afterAll(async () => {
  await t?.app.close();
});

/** Writes `bytes` one per second (at most `maxBytes`) until the server closes the socket. */
function drip(socket: TLSSocket, bytes: Buffer, maxBytes: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= Math.min(bytes.length, maxBytes)) return clearInterval(timer);
    socket.write(bytes.subarray(i, i + 1));
    i += 1;
  }, 1000);
  socket.once('close', () => clearInterval(timer));
}

/** Normal reviews sent one after another while slow clients are connected; returns latencies. */
async function normalReviews(n: number): Promise<number[]> {
  const took: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await httpsRequest(url, {
      ca,
      method: 'POST',
      path: '/mutate',
      headers: { 'content-type': 'application/json' },
      body: BODY,
    });
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as { response: { allowed: boolean } }).response.allowed).toBe(
      true,
    );
    took.push(performance.now() - started);
  }
  return took;
}

function expectTimedOut(res: RawResponse, limitMs: number): void {
  // Either a 408 and close, or a plain close: never a hang past the limit.
  expect([0, 408]).toContain(res.status);
  expect(res.closedAfterMs).toBeLessThan(limitMs + 1500);
}

describe('slow and idle clients', () => {
  it('one byte per second in the headers: cut off after the headers timeout, others unaffected', async () => {
    const sockets = await Promise.all(Array.from({ length: 5 }, () => openTls({ port, ca })));
    const started = performance.now();
    const results = sockets.map((s) => readUntilClose(s, started, 15_000));
    for (const s of sockets) drip(s, postBytes(BODY), 1000);
    const latencies = await normalReviews(20);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    for (const res of await Promise.all(results)) expectTimedOut(res, HEADERS_TIMEOUT_MS);
  }, 20_000);

  it('one byte per second in the body: cut off after the request timeout, others unaffected', async () => {
    const bytes = postBytes(BODY);
    const headerEnd = bytes.indexOf('\r\n\r\n') + 4;
    const sockets = await Promise.all(Array.from({ length: 5 }, () => openTls({ port, ca })));
    const started = performance.now();
    const results = sockets.map((s) => readUntilClose(s, started, 15_000));
    for (const s of sockets) {
      s.write(bytes.subarray(0, headerEnd));
      drip(s, bytes.subarray(headerEnd), 1000);
    }
    const latencies = await normalReviews(20);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    for (const res of await Promise.all(results)) expectTimedOut(res, REQUEST_TIMEOUT_MS);
  }, 20_000);

  it('300 idle TLS connections and 100 bare TCP connections: normal reviews still answered promptly', async () => {
    const { connect } = await import('node:net');
    const tls = await Promise.all(Array.from({ length: 300 }, () => openTls({ port, ca })));
    const tcp = Array.from({ length: 100 }, () => connect({ host: '127.0.0.1', port }));
    for (const s of tcp) s.on('error', () => undefined);
    try {
      const latencies = await normalReviews(20);
      expect(Math.max(...latencies)).toBeLessThan(1000);
      // Idle TLS connections that never send a request are closed by the headers timeout.
      const closed = await Promise.all(
        tls.map((s) => readUntilClose(s, performance.now(), 10_000)),
      );
      for (const res of closed) expect(res.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 1500);
      expect((await normalReviews(1)).length).toBe(1);
    } finally {
      for (const s of [...tls, ...tcp]) s.destroy();
    }
  }, 20_000);
});
