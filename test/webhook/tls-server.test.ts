// A real HTTPS listener on 127.0.0.1:0 through runServer, with the certificate checked by the
// client, hot certificate reload via a Secret-volume swap, keep-alive and TLS settings.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request as httpsRequestRaw } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCertificateSource } from '../../certs/file-source.js';
import { generateCA } from '../../certs/generate.js';
import type { CertificateSource, ServingCertificate } from '../../certs/source.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { createLogger } from '../../webhook/logger.js';
import { runServer, StartAbortedError, type RunningServer } from '../../webhook/run-server.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../../webhook/server-config.js';
import { httpsRequest } from '../helpers/https-client.js';
import { collectingSink } from '../helpers/log-sink.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { SecretVolume } from '../helpers/secret-volume.js';
import { freshPki, testPki, type TestPki } from '../helpers/tls.js';

let dir = '';
let vol: SecretVolume;

function secretData(p: TestPki): Record<string, string> {
  return { 'tls.crt': p.serving.certPem, 'tls.key': p.serving.keyPem, 'ca.crt': p.ca.certPem };
}

async function start(server: Partial<ServerConfig> = {}): Promise<RunningServer> {
  return runServer({
    injector: DEFAULT_INJECTOR_CONFIG,
    server: { ...DEFAULT_SERVER_CONFIG, listen: '127.0.0.1:0', ...server },
    logger: createLogger({ level: 'warn', format: 'json', sink: collectingSink() }),
    certificateSource: new FileCertificateSource({
      certFile: vol.path('tls.crt'),
      keyFile: vol.path('tls.key'),
      caFile: vol.path('ca.crt'),
      debounceMs: 20,
      pollMs: 1000,
    }),
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vi-tls-'));
  vol = new SecretVolume(dir);
  await vol.write(secretData(testPki()));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function waitUntil(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      check().then((ok) => {
        if (ok) resolve();
        else if (Date.now() > until) reject(new Error('timed out'));
        else setTimeout(tick, 25);
      }, reject);
    };
    tick();
  });
}

describe('runServer over real TLS', () => {
  let srv: RunningServer;
  const pki = testPki();
  beforeAll(async () => {
    await vol.write(secretData(pki));
    srv = await start();
  });
  afterAll(async () => {
    await srv.stop();
  });

  it('serves /mutate and /health/ready over verified HTTPS (supertest with the CA)', async () => {
    expect(srv.host).toBe('127.0.0.1');
    expect(srv.port).toBeGreaterThan(0);
    await request(srv.url).get('/health/ready').ca(pki.ca.certPem).expect(204);
    const res = await request(srv.url)
      .post('/mutate')
      .ca(pki.ca.certPem)
      .set('content-type', 'application/json')
      .send(JSON.stringify(makeReview(makePod(undefined))))
      .expect(200);
    expect(res.body.response).toEqual({
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      allowed: true,
    });
  });

  it('rejects clients that do not trust the CA', async () => {
    const otherCa = generateCA().certPem;
    await expect(httpsRequest(srv.url, { ca: otherCa, path: '/health/ready' })).rejects.toThrow();
  });

  it('reuses keep-alive connections', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await httpsRequest(srv.url, {
        ca: pki.ca.certPem,
        path: '/health/ready',
        agent,
      });
      const second = await httpsRequest(srv.url, {
        ca: pki.ca.certPem,
        path: '/health/ready',
        agent,
      });
      expect([first.status, second.status]).toEqual([204, 204]);
      expect(first.reusedSocket).toBe(false);
      expect(second.reusedSocket).toBe(true);
      expect(second.headers['keep-alive']).toMatch(/timeout=\d+/);
    } finally {
      agent.destroy();
    }
  });

  it('keeps idle sockets longer than the API server does, so the client always closes first', async () => {
    // client-go's transport drops idle connections after 90 s. A server that closes first can
    // race a POST the client has just written to that socket; Go does not retry it.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const res = await httpsRequest(srv.url, { ca: pki.ca.certPem, path: '/health/ready', agent });
      const advertised = /timeout=(\d+)/.exec(String(res.headers['keep-alive']))?.[1];
      expect(Number(advertised)).toBeGreaterThan(90);
    } finally {
      agent.destroy();
    }
    expect(srv.app.server.keepAliveTimeout).toBeGreaterThan(90_000);
    // The idle-socket backstop must not cut a keep-alive socket before keepAliveTimeout.
    expect(srv.app.server.timeout).toBeGreaterThan(srv.app.server.keepAliveTimeout);
  });

  it('counts a request in the queue gauge while its body is still arriving', async () => {
    const body = JSON.stringify(makeReview(makePod(undefined)));
    const gauge = async (): Promise<number> =>
      (await srv.metrics.queueLength.get()).values[0]?.value ?? -1;
    const done = new Promise<number>((resolve, reject) => {
      const req = httpsRequestRaw(
        new URL('/mutate', srv.url),
        {
          method: 'POST',
          ca: pki.ca.certPem,
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      waitUntil(async () => (await gauge()) === 1).then(() => req.end(body.slice(10)), reject);
    });
    expect(await done).toBe(200);
    await waitUntil(async () => (await gauge()) === 0);
  });

  it('picks up a swapped Secret volume on the next handshake without dropping connections', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await httpsRequest(srv.url, {
        ca: pki.ca.certPem,
        path: '/health/ready',
        agent,
      });
      const next = freshPki();
      await vol.write(secretData(next));
      const want = new X509Certificate(next.serving.certPem).fingerprint256;
      await waitUntil(async () => {
        const r = await httpsRequest(srv.url, {
          ca: `${pki.ca.certPem}${next.ca.certPem}`,
          path: '/health/ready',
        });
        return r.fingerprint === want;
      });
      // A new handshake verifies against the new CA alone.
      const fresh = await httpsRequest(srv.url, {
        ca: next.ca.certPem,
        path: '/health/ready',
        servername: 'localhost',
      });
      expect(fresh.status).toBe(204);
      expect(fresh.fingerprint).toBe(want);
      // The established keep-alive connection still answers on the old certificate.
      const reused = await httpsRequest(srv.url, {
        ca: pki.ca.certPem,
        path: '/health/ready',
        agent,
      });
      expect(reused.reusedSocket).toBe(true);
      expect(reused.fingerprint).toBe(before.fingerprint);
    } finally {
      agent.destroy();
    }
  });
});

describe('TLS settings and startup errors', () => {
  it('--tls-min-version tls13 refuses a TLS 1.2 client', async () => {
    await vol.write(secretData(testPki()));
    const srv = await start({ tlsMinVersion: 'tls13' });
    try {
      const outcome = await new Promise<string>((resolve) => {
        const s = connect({
          host: '127.0.0.1',
          port: srv.port,
          ca: testPki().ca.certPem,
          maxVersion: 'TLSv1.2',
          servername: 'localhost',
        });
        s.on('secureConnect', () => {
          resolve('connected');
          s.destroy();
        });
        s.on('error', (e) => resolve(e.message));
      });
      expect(outcome).not.toBe('connected');
      const ok = await httpsRequest(srv.url, { ca: testPki().ca.certPem, path: '/health/live' });
      expect(ok.status).toBe(204);
    } finally {
      await srv.stop();
    }
  });

  it('Go cipher-suite names are accepted and bad ones rejected with the vault-k8s message', async () => {
    const srv = await start({
      tlsCipherSuites:
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    });
    await srv.stop();
    await expect(start({ tlsCipherSuites: 'TLS_BOGUS' })).rejects.toThrow(
      'failed to parse TLS cipher suites list "TLS_BOGUS": unsupported cipher "TLS_BOGUS"',
    );
    await expect(start({ tlsMinVersion: 'tls9' as never })).rejects.toThrow(
      'Failed to configure TLS: invalid or unsupported TLS version "tls9"',
    );
    await expect(start({ listen: '8080' })).rejects.toThrow(/invalid listen address "8080"/);
  });

  it('waits for a source whose first certificate comes later, and can be aborted meanwhile', async () => {
    let stopped = 0;
    let deliver: ((c: ServingCertificate) => void) | undefined;
    const lateSource: CertificateSource = {
      start: async (onCertificate) => {
        deliver = onCertificate;
      },
      stop: async () => {
        stopped += 1;
      },
    };
    const opts = {
      injector: DEFAULT_INJECTOR_CONFIG,
      server: { ...DEFAULT_SERVER_CONFIG, listen: '127.0.0.1:0' },
      logger: createLogger({ level: 'warn', format: 'json', sink: collectingSink() }),
      certificateSource: lateSource,
    };
    const abort = new AbortController();
    const pending = runServer({ ...opts, signal: abort.signal });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(StartAbortedError);
    expect(stopped).toBe(1);

    const starting = runServer(opts);
    await new Promise((r) => setTimeout(r, 50));
    deliver!({ ...testPki().serving, caPem: '' });
    const srv = await starting;
    try {
      const res = await httpsRequest(srv.url, { ca: testPki().ca.certPem, path: '/health/ready' });
      expect(res.status).toBe(204);
    } finally {
      await srv.stop();
    }
  });

  it('stop() turns readiness off and closes the listener', async () => {
    const srv = await start();
    const res = await httpsRequest(srv.url, { ca: testPki().ca.certPem, path: '/health/ready' });
    expect(res.status).toBe(204);
    const result = await srv.stop();
    expect(result.drained).toBe(true);
    expect(srv.readiness.isReady()).toBe(false);
    await expect(
      httpsRequest(srv.url, { ca: testPki().ca.certPem, path: '/health/ready' }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stop() drains in-flight keep-alive requests without waiting for the grace period', async () => {
    const srv = await start({ shutdownGraceMs: 10_000 });
    const ca = testPki().ca.certPem;
    const agent = new Agent({ keepAlive: true });
    try {
      // A warm keep-alive socket, as the API server keeps, plus two requests still sending.
      expect((await httpsRequest(srv.url, { ca, path: '/health/ready', agent })).status).toBe(204);
      const body = JSON.stringify(makeReview(makePod(undefined)));
      const partial = [0, 1].map(() => {
        let finish = (): void => undefined;
        const done = new Promise<string>((resolve, reject) => {
          const req = httpsRequestRaw(
            new URL('/mutate', srv.url),
            {
              method: 'POST',
              ca,
              agent,
              headers: {
                'content-type': 'application/json',
                'content-length': String(body.length),
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(`${res.statusCode} ${res.headers.connection}`));
            },
          );
          req.on('error', reject);
          req.write(body.slice(0, 5));
          finish = () => req.end(body.slice(5));
        });
        return { done, finish: () => finish() };
      });
      await waitUntil(async () => (await srv.metrics.queueLength.get()).values[0]?.value === 2);
      const started = Date.now();
      const stopping = srv.stop();
      await new Promise((r) => setTimeout(r, 100));
      for (const p of partial) p.finish();
      expect(await Promise.all(partial.map((p) => p.done))).toEqual(['200 close', '200 close']);
      expect(await stopping).toEqual({ drained: true });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      agent.destroy();
    }
  });
});
