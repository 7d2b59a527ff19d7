// Certificate files swapped 20 times, Secret-volume style (a new timestamped directory and one
// rename of `..data`), while clients keep sending reviews over keep-alive and fresh connections:
// zero failed requests, and new handshakes end up on the last certificate written.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCertificateSource } from '../../certs/file-source.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { createLogger } from '../../webhook/logger.js';
import { runServer, type RunningServer } from '../../webhook/run-server.js';
import { DEFAULT_SERVER_CONFIG } from '../../webhook/server-config.js';
import { collectingSink } from '../helpers/log-sink.js';
import { SecretVolume } from '../helpers/secret-volume.js';
import { freshPki, testPki, type TestPki } from '../helpers/tls.js';
import { waitFor } from '../certs/support.js';
import { clientLoop, tally } from './support.js';

const SWAPS = 20;
let dir = '';
let vol: SecretVolume;
let srv: RunningServer;
const logs = collectingSink();
const a = testPki();
const b = freshPki();

function data(p: TestPki): Record<string, string> {
  return { 'tls.crt': p.serving.certPem, 'tls.key': p.serving.keyPem, 'ca.crt': p.ca.certPem };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vi-fault-swap-'));
  vol = new SecretVolume(dir);
  await vol.write(data(a));
  srv = await runServer({
    injector: DEFAULT_INJECTOR_CONFIG,
    server: { ...DEFAULT_SERVER_CONFIG, listen: '127.0.0.1:0' },
    logger: createLogger({ level: 'info', format: 'json', sink: logs }),
    certificateSource: new FileCertificateSource({
      certFile: vol.path('tls.crt'),
      keyFile: vol.path('tls.key'),
      caFile: vol.path('ca.crt'),
      debounceMs: 20,
      pollMs: 1000,
    }),
  });
});
afterAll(async () => {
  await srv?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('certificate swaps under load', () => {
  it(`${SWAPS} Secret-volume swaps while 4 clients send reviews: zero failures`, async () => {
    const t = tally();
    let done = false;
    // The client trusts both CAs, as a caBundle does during a rotation.
    const opts = { url: () => srv.url, ca: () => a.ca.certPem + b.ca.certPem, until: () => done };
    const clients = [
      clientLoop({ ...opts, keepAlive: true }, t),
      clientLoop({ ...opts, keepAlive: true }, t),
      clientLoop({ ...opts, keepAlive: false }, t),
      clientLoop({ ...opts, keepAlive: false }, t),
    ];
    const reloads = (): number =>
      logs.records().filter((r) => r.msg === 'serving certificate updated').length;
    /** Resolves once `n` more reviews have been answered. */
    const served = async (n: number): Promise<void> => {
      const target = t.ok + n;
      await waitFor(() => t.ok >= target, 10_000, `${n} more reviews`);
    };
    try {
      // Each swap lands while reviews are in flight: a few are answered between two swaps, and the
      // next swap comes once this one has been reloaded.
      for (let i = 1; i <= SWAPS; i++) {
        const before = reloads();
        await vol.write(data(i % 2 === 1 ? b : a));
        await waitFor(() => reloads() > before, 5000, `the reload of swap ${i}`);
        await served(5);
      }
      // The last write was `a`: let the clients see it on new handshakes too.
      await served(20);
    } finally {
      done = true;
      await Promise.all(clients);
    }
    expect({ bad: t.bad, errors: t.errors }).toEqual({ bad: {}, errors: {} });
    expect(t.ok).toBeGreaterThan(100);
    const fingerprints = [a, b].map((p) => new X509Certificate(p.serving.certPem).fingerprint256);
    expect([...t.fingerprints].sort()).toEqual(fingerprints.sort());
    const updates = logs.records().filter((r) => r.msg === 'serving certificate updated').length;
    expect(updates).toBeGreaterThanOrEqual(SWAPS / 2);
    console.log(`cert swaps: ${SWAPS} swaps, ${updates} reloads, ${t.ok} reviews, 0 failures`);
  }, 30_000);
});
