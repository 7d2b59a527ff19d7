// Every injector setting with a grammar, given a bad value, through the built binary: `serve` exits
// 1 with one line naming the flag and the variable the value came from, and never reports ready
// (its certificate files are valid, so the bad value is the only thing stopping it); `review`,
// `mutate`, `lint` and `policy` refuse the same value with the same line, exit 2 (a usage error).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configOptions } from '../../cli/config-options.js';
import { CLI, REPO_ROOT, buildOnce, cleanEnv, runCliSync } from '../helpers/serve-process.js';

interface BadSetting {
  /** The flag, or undefined for a setting read only from the environment. */
  readonly flag: string | undefined;
  /** The variable to try the value in; undefined when only "" is bad (empty variables are ignored). */
  readonly env: string | undefined;
  readonly value: string;
  /** A piece of what the message says is accepted. */
  readonly accepted: string;
}

const row = (
  flag: string | undefined,
  env: string | undefined,
  value: string,
  accepted: string,
): BadSetting => ({ flag, env, value, accepted });

// Written out by hand, not derived from the table, so a setting that loses its check fails here.
const BAD: readonly BadSetting[] = [
  row('vault-address', 'AGENT_INJECT_VAULT_ADDR', 'vault:8200', 'https:// URL'),
  row('vault-image', 'AGENT_INJECT_VAULT_IMAGE', 'Hashicorp/Vault:1.0', 'image reference'),
  row('vault-auth-type', undefined, '', 'non-empty'),
  row('vault-auth-path', undefined, '', 'non-empty'),
  row('proxy-address', 'AGENT_INJECT_PROXY_ADDR', 'ftp://proxy:21', 'proxy URL'),
  row('revoke-on-shutdown', 'AGENT_INJECT_REVOKE_ON_SHUTDOWN', 'yes', 'true/false'),
  row('run-as-user', 'AGENT_INJECT_RUN_AS_USER', '-5', 'from 0 to 2147483647'),
  row('run-as-group', 'AGENT_INJECT_RUN_AS_GROUP', '99999999999', 'from 0 to 2147483647'),
  row('run-as-same-user', 'AGENT_INJECT_RUN_AS_SAME_USER', 'maybe', 'true/false'),
  row('set-security-context', 'AGENT_INJECT_SET_SECURITY_CONTEXT', 'nope', 'true/false'),
  row('default-template', 'AGENT_INJECT_DEFAULT_TEMPLATE', 'yaml', '"map" or "json"'),
  row('cpu-request', 'AGENT_INJECT_CPU_REQUEST', 'lots', 'Kubernetes quantity'),
  row('cpu-limit', 'AGENT_INJECT_CPU_LIMIT', 'lots', 'Kubernetes quantity'),
  row('memory-request', 'AGENT_INJECT_MEM_REQUEST', '-1Mi', 'not negative'),
  row('memory-limit', 'AGENT_INJECT_MEM_LIMIT', '1Gb', 'Kubernetes quantity'),
  row('ephemeral-storage-request', 'AGENT_INJECT_EPHEMERAL_REQUEST', '1 Gi', 'Kubernetes quantity'),
  row('ephemeral-storage-limit', 'AGENT_INJECT_EPHEMERAL_LIMIT', 'big', 'Kubernetes quantity'),
  row(
    'template-config-exit-on-retry-failure',
    'AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE',
    'on',
    'true/false',
  ),
  row(
    'template-static-secret-render-interval',
    'AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL',
    '10x',
    'Go duration',
  ),
  row(
    'template-max-connections-per-host',
    'AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST',
    '1.5',
    'integer',
  ),
  row(
    'template-lease-renewal-threshold',
    'AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD',
    'NaN',
    'finite decimal number',
  ),
  row('auth-min-backoff', 'AGENT_INJECT_AUTH_MIN_BACKOFF', '5', 'Go duration'),
  row('auth-max-backoff', 'AGENT_INJECT_AUTH_MAX_BACKOFF', 'soon', 'Go duration'),
  row(
    'disable-idle-connections',
    'AGENT_INJECT_DISABLE_IDLE_CONNECTIONS',
    'everything',
    'auto-auth',
  ),
  row('disable-keep-alives', 'AGENT_INJECT_DISABLE_KEEP_ALIVES', 'auto-auth, caching', 'no spaces'),
  row('vault-cacert-bytes', 'AGENT_INJECT_VAULT_CACERT_BYTES', 'not a certificate', 'PEM'),
  row('sa-token-projection', 'AGENT_INJECT_SA_TOKEN_PROJECTION', 'yes', 'true/false'),
  row('sa-token-expiration-seconds', 'AGENT_INJECT_SA_TOKEN_EXPIRATION_SECONDS', '60', 'from 600'),
  row('rewrite-vault-annotations', 'AGENT_INJECT_REWRITE_VAULT_ANNOTATIONS', 'y', 'true/false'),
  row('native-sidecar', 'AGENT_INJECT_NATIVE_SIDECAR', 'si', 'true/false'),
  row('agent-binary-source', 'AGENT_INJECT_AGENT_BINARY_SOURCE', 'download', '"copy"'),
  row('listen', 'AGENT_INJECT_LISTEN', 'nope', ':PORT'),
  row('log-level', 'AGENT_INJECT_LOG_LEVEL', 'loud', 'trace, debug'),
  row('log-format', 'AGENT_INJECT_LOG_FORMAT', 'xml', '"standard" or "json"'),
  row('tls-auto', 'AGENT_INJECT_TLS_AUTO', 'Not_A_Name', 'Kubernetes object name'),
  row('tls-auto-cert-validity', 'AGENT_INJECT_TLS_AUTO_CERT_VALIDITY', '10s', 'at least 30s'),
  row('tls-auto-ca-validity', 'TLS_AUTO_CA_VALIDITY', 'forever', 'at least 30s'),
  row('tls-min-version', 'AGENT_INJECT_TLS_MIN_VERSION', 'tls14', 'tls10, tls11'),
  row('tls-cipher-suites', 'TLS_CIPHER_SUITES', 'NOPE', 'unsupported cipher "NOPE"'),
  row('telemetry-path', 'AGENT_INJECT_TELEMETRY_PATH', 'metrics', 'starting with "/"'),
  row('use-leader-elector', 'AGENT_INJECT_USE_LEADER_ELECTOR', 'maybe', 'true/false'),
  row('body-limit', 'AGENT_INJECT_BODY_LIMIT', '10MB', 'positive whole number'),
  row('shutdown-grace', 'AGENT_INJECT_SHUTDOWN_GRACE', '-1s', 'non-negative Go duration'),
  row(undefined, 'NAMESPACE', 'Not A Namespace', 'namespace name'),
];

/** Settings any string is right for: names, paths and lists whose meaning is the user's. */
const FREE_FORM = [
  'vault-namespace',
  'sa-token-audience',
  'tls-cert-file',
  'tls-key-file',
  'tls-ca-cert-file',
  'tls-auto-hosts',
  'POD_NAME',
];

let dir = '';
let tlsArgs: string[] = [];

beforeAll(async () => {
  buildOnce();
  dir = await mkdtemp(join(tmpdir(), 'vi-bad-settings-'));
  const res = runCliSync(['certs', 'generate', '--hosts', '127.0.0.1', '--out', dir]);
  expect(res.status).toBe(0);
  tlsArgs = ['--tls-cert-file', join(dir, 'tls.crt'), '--tls-key-file', join(dir, 'tls.key')];
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  readonly code: number | null;
  readonly out: string;
  readonly stdout: string;
  readonly ready: boolean;
}

const READY = 'vault-injector webhook ready';
const MAX_RUNNING = 3;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs the CLI until it exits, or, if it reports ready, stops it and says so. */
async function run(args: readonly string[], env: Record<string, string>): Promise<Run> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: cleanEnv(env) });
      let out = '';
      let stdout = '';
      let ready = false;
      const onData = (chunk: Buffer, isStdout: boolean): void => {
        const text = chunk.toString('utf8');
        out += text;
        if (isStdout) stdout += text;
        if (!ready && out.includes(READY)) {
          ready = true;
          child.kill('SIGTERM');
        }
      };
      child.stdout.on('data', (c: Buffer) => onData(c, true));
      child.stderr.on('data', (c: Buffer) => onData(c, false));
      // Neither exited nor ready: stop it, so a hang fails this test rather than the whole file.
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out, stdout, ready });
      });
      child.stdin.end();
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function expectedLine(s: BadSetting, given: 'flag' | 'env'): string {
  const source =
    given === 'flag' ? `--${s.flag}` : s.flag === undefined ? s.env : `--${s.flag} (from ${s.env})`;
  return `vault-injector: invalid value ${JSON.stringify(s.value)} for ${source}: expected `;
}

function expectOneLine(r: Run, start: string, accepted: string): void {
  const lines = r.out.trimEnd().split('\n');
  expect(lines, r.out).toHaveLength(1);
  expect(lines[0]!.startsWith(start), r.out).toBe(true);
  expect(lines[0]).toContain(accepted);
}

const SERVE = ['serve', '--listen', '127.0.0.1:0'];
const VAULT_ADDR = { AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200' };
const byFlag = BAD.filter((s) => s.flag !== undefined);
const byEnv = BAD.filter((s) => s.env !== undefined);

describe.concurrent(
  'a bad setting stops every command before it starts',
  { timeout: 60_000 },
  () => {
    it('covers every setting of the configuration table', () => {
      const names = configOptions().map((o) => o.flag ?? o.env[0] ?? o.key);
      const covered = new Set([...BAD.map((s) => s.flag ?? s.env), ...FREE_FORM]);
      expect(names.filter((n) => !covered.has(n))).toEqual([]);
    });

    it('serve with valid settings and the same certificate files reports ready', async () => {
      const r = await run([...SERVE, ...tlsArgs], VAULT_ADDR);
      expect(r.ready, r.out).toBe(true);
    });

    it.each(byFlag)('serve --$flag=$value: exit 1, one line, never ready', async (s) => {
      const r = await run([...SERVE, ...tlsArgs, `--${s.flag}=${s.value}`], VAULT_ADDR);
      expect(r.ready, r.out).toBe(false);
      expect(r.code).toBe(1);
      expectOneLine(r, expectedLine(s, 'flag'), s.accepted);
    });

    it.each(byEnv)('serve with $env=$value: exit 1, names the flag and the variable', async (s) => {
      // The listen address by variable too, so a flag does not hide AGENT_INJECT_LISTEN's value.
      const env = { ...VAULT_ADDR, AGENT_INJECT_LISTEN: '127.0.0.1:0', [s.env!]: s.value };
      const r = await run(['serve', ...tlsArgs], env);
      expect(r.ready, r.out).toBe(false);
      expect(r.code).toBe(1);
      expectOneLine(r, expectedLine(s, 'env'), s.accepted);
    });

    const deployment = 'test/fixtures/cli-deployment.yaml';
    const OFFLINE = [
      ['review', '-f', 'examples/admission-review.json'],
      ['mutate', '-f', deployment],
      ['lint', '-f', deployment],
      ['policy', '-f', deployment],
    ];
    // Each setting through one of the offline commands in turn, so all four see a share.
    const offline = byEnv.map((s, i) => ({ ...s, args: OFFLINE[i % OFFLINE.length]! }));

    it.each(offline)('$args.0 with $env=$value: exit 2, the same line, no output', async (s) => {
      const r = await run(s.args, { [s.env!]: s.value });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expectOneLine(r, expectedLine(s, 'env'), s.accepted);
    });

    it.each(OFFLINE)('%s with a bad flag value: exit 2', async (...args) => {
      const r = await run([...args, '--cpu-limit', 'lots'], {});
      expect(r.code).toBe(2);
      expectOneLine(
        r,
        'vault-injector: invalid value "lots" for --cpu-limit: expected ',
        'quantity',
      );
    });
  },
);

describe.concurrent('settings that contradict each other', { timeout: 60_000 }, () => {
  it('a limit below the default request: exit 1 naming both flags', async () => {
    const r = await run([...SERVE, ...tlsArgs], { ...VAULT_ADDR, AGENT_INJECT_CPU_LIMIT: '100m' });
    expect(r.ready, r.out).toBe(false);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      'vault-injector: invalid value "100m" for --cpu-limit (from AGENT_INJECT_CPU_LIMIT): expected at least the CPU request 250m (the default of --cpu-request)\n',
    );
  });

  it('a request above the limit, both given: the request is named, with the limit', async () => {
    const args = [...SERVE, ...tlsArgs, '--memory-request', '1Gi', '--memory-limit', '512Mi'];
    const r = await run(args, VAULT_ADDR);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      'vault-injector: invalid value "1Gi" for --memory-request: expected at most the memory limit 512Mi (--memory-limit)\n',
    );
  });

  it('--tls-auto with certificate files: exit 1 naming both, never ready', async () => {
    const env = { ...VAULT_ADDR, AGENT_INJECT_TLS_AUTO: 'vault-agent-injector-cfg' };
    const r = await run([...SERVE, ...tlsArgs], env);
    expect(r.ready, r.out).toBe(false);
    expect(r.code).toBe(1);
    expect(r.out).toBe(
      'vault-injector: --tls-auto (from AGENT_INJECT_TLS_AUTO) cannot be combined with --tls-cert-file: serve the certificate files, or generate a certificate with --tls-auto, not both\n',
    );
  });

  it('--tls-auto with a key file from the environment names that variable', async () => {
    const env = { ...VAULT_ADDR, TLS_KEY_FILE: join(dir, 'tls.key') };
    const r = await run([...SERVE, '--tls-auto', 'mwc'], env);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^vault-injector: --tls-auto cannot be combined with --tls-key-file \(from TLS_KEY_FILE\): /,
    );
  });
});
