// The built binary: `certs generate`, `serve`/`agent-inject` with vault-helm's environment,
// one-line startup failures, and SIGTERM draining in-flight requests before exit 0.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../helpers/https-client.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { buildOnce, runCliSync, startServe, startServeTls } from '../helpers/serve-process.js';

let dir = '';
let ca = '';
const files = { cert: '', key: '', ca: '' };

beforeAll(async () => {
  buildOnce();
  dir = await mkdtemp(join(tmpdir(), 'vi-serve-'));
  files.cert = join(dir, 'tls.crt');
  files.key = join(dir, 'tls.key');
  files.ca = join(dir, 'ca.crt');
  const res = runCliSync(['certs', 'generate', '--hosts', '127.0.0.1,localhost', '--out', dir]);
  expect(res.stderr).toContain('wrote');
  expect(res.status).toBe(0);
  ca = await readFile(files.ca, 'utf8');
}, 90_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const VAULT_ADDR = { AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200' };

describe('vault-injector certs generate', () => {
  it('writes a verifiable chain with a private key file', async () => {
    expect((await stat(files.key)).mode & 0o777).toBe(0o600);
    const leaf = new X509Certificate(await readFile(files.cert, 'utf8'));
    const caCert = new X509Certificate(ca);
    expect(leaf.verify(caCert.publicKey)).toBe(true);
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    const again = runCliSync(['certs', 'generate', '--hosts', 'x', '--out', dir, '--if-missing']);
    expect(again.status).toBe(0);
    expect(await readFile(files.ca, 'utf8')).toBe(ca);
    const openssl = spawnSync('openssl', ['verify', '-CAfile', files.ca, files.cert], {
      encoding: 'utf8',
    });
    if (openssl.error === undefined) expect(openssl.stdout).toContain(': OK');
  });
});

describe('vault-injector serve (built)', () => {
  it("accepts the environment block of vault-helm's injector Deployment and serves", async () => {
    const env = {
      NAMESPACE: 'vault',
      POD_NAME: 'vault-agent-injector-7c9d8f-abcde',
      AGENT_INJECT_LISTEN: '127.0.0.1:0',
      AGENT_INJECT_LOG_LEVEL: 'info',
      AGENT_INJECT_LOG_FORMAT: 'standard',
      AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
      AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4',
      TLS_CERT_FILE: files.cert,
      AGENT_INJECT_TLS_KEY_FILE: files.key,
      AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
      AGENT_INJECT_DEFAULT_TEMPLATE: 'map',
      AGENT_INJECT_CPU_REQUEST: '250m',
      AGENT_INJECT_MEM_REQUEST: '64Mi',
      AGENT_INJECT_CPU_LIMIT: '500m',
      AGENT_INJECT_MEM_LIMIT: '128Mi',
    };
    // vault-helm's args: ["agent-inject", "2>&1"].
    const srv = await startServe(['agent-inject', '2>&1'], env);
    try {
      expect((await httpsRequest(srv.url, { ca, path: '/health/ready' })).status).toBe(204);
      const pod = makePod({
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'app',
      });
      const res = await httpsRequest(srv.url, {
        ca,
        method: 'POST',
        path: '/mutate',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(makeReview(pod)),
      });
      expect(res.status).toBe(200);
      const response = JSON.parse(res.body).response;
      expect(response.allowed).toBe(true);
      const patch = Buffer.from(response.patch, 'base64').toString('utf8');
      expect(patch).toContain('hashicorp/vault:2.0.4');
      const config = /"name":"VAULT_CONFIG","value":"([^"]+)"/.exec(patch)?.[1] ?? '';
      expect(Buffer.from(config, 'base64').toString('utf8')).toContain(
        'https://vault.vault.svc:8200',
      );
      expect(srv.output()).toMatch(
        /\[INFO\] {2}admission: decision=inject uid=\S+ namespace=app pod=web-7d4b9c- owner=ReplicaSet/,
      );
    } finally {
      srv.child.kill('SIGTERM');
      expect((await srv.exited).code).toBe(0);
    }
  }, 15_000);

  it('JSON logs and SIGINT also stop cleanly', async () => {
    const srv = await startServeTls(files, ['--log-format', 'json'], VAULT_ADDR);
    srv.child.kill('SIGINT');
    expect((await srv.exited).code).toBe(0);
    const lines = srv
      .output()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.msg === 'stop requested' && l.signal === 'SIGINT')).toBe(true);
  }, 15_000);

  it.each([
    [['--tls-min-version', 'tls9'], /^vault-injector: .*tls9/],
    [['--tls-cipher-suites', 'NOPE'], /unsupported cipher "NOPE"/],
    [['--listen', 'nope'], /"nope".*--listen|invalid listen address "nope"/],
    [
      ['--tls-cert-file', '/nonexistent/tls.crt', '--tls-key-file', '/nonexistent/tls.key'],
      /cannot read certificate \/nonexistent\/tls\.crt/,
    ],
    [['--tls-auto', 'vault-agent-injector-cfg'], /tls-auto|tls-cert-file/],
    [[], /tls-cert-file/],
  ])(
    'invalid configuration %j exits 1 with one line, before listening',
    (extra, message) => {
      const usesFiles =
        extra.includes('--tls-cert-file') || extra.includes('--tls-auto') || extra.length === 0;
      const args = [
        'serve',
        '--listen',
        '127.0.0.1:0',
        ...(usesFiles ? [] : ['--tls-cert-file', files.cert, '--tls-key-file', files.key]),
        ...extra,
      ];
      const res = runCliSync(args, VAULT_ADDR);
      expect(res.status).toBe(1);
      const lines = res.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(res.stdout + res.stderr).not.toContain('webhook ready');
    },
    15_000,
  );

  it('SIGTERM: readiness off, listener closed, every in-flight request answered, exit 0', async () => {
    const srv = await startServeTls(files, ['--tls-ca-cert-file', files.ca], VAULT_ADDR);
    const body = JSON.stringify(makeReview(makePod(undefined)));
    const inFlight = 8;
    const writers: ((rest: string) => void)[] = [];
    const answers = Array.from(
      { length: inFlight },
      () =>
        new Promise<number>((resolve, reject) => {
          const req = request(
            new URL('/mutate', srv.url),
            {
              method: 'POST',
              ca,
              agent: false,
              headers: {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(body)),
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            },
          );
          req.on('error', reject);
          req.write(body.slice(0, 20));
          writers.push((rest) => req.end(rest));
        }),
    );
    // Wait until the server counts all of them as in progress.
    const queued = async (): Promise<number> => {
      const m = await httpsRequest(srv.url, { ca, path: '/metrics' });
      return Number(/^vault_agent_injector_request_queue_length (\d+)/m.exec(m.body)?.[1] ?? -1);
    };
    for (let i = 0; i < 100 && (await queued()) !== inFlight; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await queued()).toBe(inFlight);

    srv.child.kill('SIGTERM');
    for (let i = 0; i < 100 && !srv.output().includes('shutting down'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(srv.output()).toContain('shutting down');
    // New connections are refused while the old ones drain.
    await expect(httpsRequest(srv.url, { ca, path: '/health/ready' })).rejects.toThrow(
      /ECONNREFUSED/,
    );

    for (const finish of writers) finish(body.slice(20));
    expect(await Promise.all(answers)).toEqual(Array(inFlight).fill(200));
    const { code } = await srv.exited;
    expect(code).toBe(0);
    expect(srv.output()).toContain('drained=true');
  }, 15_000);
});
