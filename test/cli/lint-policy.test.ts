// `vault-injector lint` and `policy` as users run them: the built CLI under plain node, exit codes
// included (0 clean / warnings, 1 errors or --strict, 2 unreadable input).
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, ROOT } from './built-cli.js';

const LINT = 'test/fixtures/lint';
const POLICY = 'test/fixtures/policy';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const MAX_RUNNING = 3;
let running = 0;
const waiting: Array<() => void> = [];

/** A few at a time: overlapping node start-ups saves time, a crowd of them on a busy CI box doesn't. */
async function limited<T>(job: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await job();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function spawnCli(args: readonly string[], input: string | undefined): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli/main.js', ...args], {
      cwd: ROOT,
      // No AGENT_INJECT_* from the developer's shell.
      env: { PATH: process.env.PATH ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

const cli = (args: readonly string[], input?: string): Promise<Run> =>
  limited(() => spawnCli(args, input));

/** Each test waits for its turn among the concurrent ones, so allow more than the default. */
const SLOW = { timeout: 120_000 };

// Builds only when dist/ is stale, so test files sharing dist/ never see it half-written.
beforeAll(buildCli);

describe.concurrent('vault-injector lint', SLOW, () => {
  it('exits 0 and prints nothing for a clean manifest', async () => {
    expect(await cli(['lint', '-f', `${LINT}/clean.yaml`])).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('exits 0 on warnings, printing FILE: KIND/NAME: ANNOTATION: severity: message', async () => {
    const run = await cli(['lint', '-f', `${LINT}/warnings.yaml`]);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      `${LINT}/warnings.yaml: Deployment/web: vault.hashicorp.com/agent-pre-populate-only: warning: ` +
        "ignored on Deployment/web's own metadata: move it to the pod template's annotations",
      `${LINT}/warnings.yaml: Deployment/web: vault.hashicorp.com/agent-inject-token: warning: ` +
        'writes the Vault token into the app-readable secrets volume',
      '',
    ]);
    expect(run.stderr).toBe('0 errors, 2 warnings\n');
  });

  it('exits 1 on warnings with --strict', async () => {
    const [warned, clean] = await Promise.all([
      cli(['lint', '--strict', '-f', `${LINT}/warnings.yaml`]),
      cli(['lint', '--strict', '-f', `${LINT}/clean.yaml`]),
    ]);
    expect([warned.status, clean.status]).toEqual([1, 0]);
  });

  it('exits 1 on errors: typos with suggestions and what the webhook would deny', async () => {
    const run = await cli(['lint', '-f', `${LINT}/errors.yaml`]);
    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      `${LINT}/errors.yaml: Deployment/api: vault.hashicorp.com/agent-inject-secrets-db: error: ` +
        'unknown annotation, ignored (did you mean agent-inject-secret-db?)',
      `${LINT}/errors.yaml: Deployment/api: vault.hashicorp.com/agent-requets-cpu: error: ` +
        'unknown annotation, ignored (did you mean agent-requests-cpu?)',
      expect.stringMatching(
        /^test\/fixtures\/lint\/errors\.yaml: Deployment\/api: vault\.hashicorp\.com\/agent-limits-cpu: error: "lots": expected /,
      ),
      `${LINT}/errors.yaml: Pod/debug: vault.hashicorp.com/agent-inject-perms-conifg: error: ` +
        'secret not declared, ignored (did you mean agent-inject-perms-config?)',
    ]);
    expect(run.stderr).toBe('4 errors, 0 warnings\n');
  });

  it('prints findings as JSON with --output json', async () => {
    const [run, clean] = await Promise.all([
      cli(['lint', '-o', 'json', '-f', `${LINT}/errors.yaml`]),
      cli(['lint', '--output', 'json', '-f', `${LINT}/clean.yaml`]),
    ]);
    expect(run.status).toBe(1);
    const findings = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(findings).toHaveLength(4);
    expect(findings[0]).toEqual({
      file: `${LINT}/errors.yaml`,
      object: 'Deployment/api',
      namespace: 'shop',
      annotation: 'vault.hashicorp.com/agent-inject-secrets-db',
      severity: 'error',
      message: 'unknown annotation, ignored',
      suggestion: 'vault.hashicorp.com/agent-inject-secret-db',
    });
    expect(findings[2]).not.toHaveProperty('suggestion');
    expect(clean).toEqual({ status: 0, stdout: '[]\n', stderr: '' });
  });

  it('reads stdin with -f - and names it <stdin>', async () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      '  annotations:',
      '    vault.hashicorp.com/agent-inject: "true"',
      '    vault.hashicorp.com/role: app',
      '    vault.hashicorp.com/tls-skip-verify: "true"',
      'spec:',
      '  containers: [{name: app, image: app:1}]',
    ].join('\n');
    const run = await cli(['lint', '-f', '-'], text);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      "<stdin>: Pod/p: vault.hashicorp.com/tls-skip-verify: warning: the agent won't verify Vault's TLS certificate\n",
    );
  });

  it.each([
    ['a missing file', `${LINT}/does-not-exist.yaml`, undefined, /cannot read .*: no such file/],
    // Inline: a broken YAML file in the tree would break `prettier --check .`.
    ['invalid YAML', '-', 'kind: Pod\nmetadata: [a, b\n', /^vault-injector: <stdin>:\d+:\d+: /],
  ])('exits 2 for %s', async (_n, file, input, message) => {
    const run = await cli(['lint', '-f', file], input);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });
});

describe.concurrent('vault-injector policy', SLOW, () => {
  it('prints the policies and role commands as a script, warnings on stderr', async () => {
    const run = await cli(['policy', '-f', `${POLICY}/two-workloads.yaml`]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("vault policy write shop-storefront - <<'EOF'\n");
    expect(run.stdout).toContain(
      'vault write auth/kubernetes/role/storefront bound_service_account_names=api,web ' +
        'bound_service_account_namespaces=shop policies=shop-storefront token_ttl=15m\n',
    );
    expect(run.stderr).toBe(
      'Warning: Deployment/api: secret "certs" comes from a custom template: its Vault paths ' +
        'cannot be inferred; add them to this policy by hand\n',
    );
  });

  it('applies --token-ttl, --vault-auth-path, --sa-token-audience and -n', async () => {
    const run = await cli([
      'policy',
      '--token-ttl=1h',
      '--vault-auth-path',
      'auth/east',
      '--sa-token-audience=vault',
      '-n',
      'other',
      '-f',
      `${POLICY}/two-workloads.yaml`,
    ]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'vault write auth/east/role/storefront bound_service_account_names=api,web ' +
        'bound_service_account_namespaces=other policies=other-storefront token_ttl=1h audience=vault\n',
    );
  });

  it('prints the plan as JSON with --output json', async () => {
    const run = await cli(['policy', '-o', 'json', '-f', `${POLICY}/two-workloads.yaml`]);
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout) as { policies: { name: string; paths: string[] }[] };
    expect(plan.policies.map((p) => [p.name, p.paths])).toEqual([
      ['billing-reporter', ['secret/data/billing/report']],
      ['shop-storefront', ['database/creds/web', 'secret/data/shop/api', 'secret/data/shop/web']],
    ]);
  });

  it('rejects a bad --token-ttl with exit 1', async () => {
    const run = await cli(['policy', '--token-ttl', 'soon', '-f', `${POLICY}/two-workloads.yaml`]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/invalid value "soon" for --token-ttl/);
  });

  it('exits 2 when the input cannot be read', async () => {
    expect((await cli(['policy', '-f', `${POLICY}/nope.yaml`])).status).toBe(2);
  });
});
