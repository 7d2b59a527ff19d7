// SIGTERM to the built `serve` while 8 clients load it: every request the server took in (one
// decision log line each) is answered 200, the others fail only at connection level (refused or
// reset before the server read them), and the process exits 0 within the grace period.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeTls, tlsFilesIn } from '../helpers/serve-process.js';
import { testPki } from '../helpers/tls.js';
import { waitFor } from '../certs/support.js';
import { clientLoop, ensureBuilt, tally } from './support.js';

const GRACE_MS = 5000;
/** Failures that mean the request never reached the server (new connection refused, idle socket closed). */
const CONNECTION_LEVEL = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'socket hang up']);
let dir = '';

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(join(tmpdir(), 'vi-fault-term-'));
  const { serving, ca } = testPki();
  await writeFile(join(dir, 'tls.crt'), serving.certPem);
  await writeFile(join(dir, 'tls.key'), serving.keyPem);
  await writeFile(join(dir, 'ca.crt'), ca.certPem);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SIGTERM under load (built serve)', () => {
  it('answers every accepted request and exits 0 within the grace period', async () => {
    const srv = await startServeTls(
      tlsFilesIn(dir),
      ['--log-format', 'json', '--shutdown-grace', `${GRACE_MS}ms`],
      { AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200' },
    );
    const t = tally();
    let done = false;
    const ca = testPki().ca.certPem;
    const opts = { url: () => srv.url, ca: () => ca, until: () => done };
    const clients = Array.from({ length: 8 }, (_, i) =>
      clientLoop({ ...opts, keepAlive: i % 2 === 0 }, t),
    );
    let exitedAfter: number | undefined;
    try {
      await waitFor(() => t.ok > 20, 10_000, 'reviews answered under load');
      const termAt = performance.now();
      srv.child.kill('SIGTERM');
      const { code } = await srv.exited;
      exitedAfter = performance.now() - termAt;
      expect(code).toBe(0);
      // Keep the clients going after exit until new attempts are refused: each must fail cleanly.
      const refusedAtExit = t.errors.ECONNREFUSED ?? 0;
      await waitFor(
        () => (t.errors.ECONNREFUSED ?? 0) >= refusedAtExit + 8,
        5000,
        'refused attempts after exit',
      );
    } finally {
      done = true;
      await Promise.all(clients);
      if (srv.child.exitCode === null) srv.child.kill('SIGKILL');
    }
    const decisions = srv
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { decision?: string })
      .filter((r) => r.decision !== undefined).length;
    console.log(
      `SIGTERM under load: ${t.ok} answered, ${decisions} decisions logged, exit after ${exitedAfter?.toFixed(0)} ms, connection errors ${JSON.stringify(t.errors)}, other answers ${JSON.stringify(t.bad)}`,
    );
    expect(t.bad).toEqual({});
    expect(Object.keys(t.errors).filter((e) => !CONNECTION_LEVEL.has(e))).toEqual([]);
    expect(t.errors.ECONNREFUSED ?? 0).toBeGreaterThan(0);
    // Every request the server processed reached its client.
    expect(decisions).toBe(t.ok);
    expect(exitedAfter ?? Infinity).toBeLessThan(GRACE_MS);
  }, 30_000);
});
