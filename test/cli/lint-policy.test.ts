// `vault-injector lint` and `policy` as users run them, through the program's entry function, exit
// codes included (0 clean / warnings, 1 errors or --strict, 2 unreadable input).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './in-process.js';

const LINT = 'test/fixtures/lint';
const POLICY = 'test/fixtures/policy';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: readonly string[], input?: string): Promise<Run> {
  const run = await runCli(args, input === undefined ? {} : { input });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

describe('vault-injector lint', () => {
  it('exits 0 for a clean manifest, saying on stderr how many objects it checked', async () => {
    expect(await cli(['lint', '-f', `${LINT}/clean.yaml`])).toEqual({
      status: 0,
      stdout: '',
      stderr: '1 object checked, no findings\n',
    });
  });

  it('exits 0 on warnings, printing FILE: KIND/NAMESPACE/NAME: ANNOTATION: severity: message', async () => {
    const run = await cli(['lint', '-f', `${LINT}/warnings.yaml`]);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      `${LINT}/warnings.yaml: Deployment/shop/web: vault.hashicorp.com/agent-pre-populate-only: warning: ` +
        "ignored on Deployment/shop/web's own metadata: move it to the pod template's annotations",
      `${LINT}/warnings.yaml: Deployment/shop/web: vault.hashicorp.com/agent-inject-token: warning: ` +
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

  it('exits 1 on errors, which are exactly what the webhook would deny; typos are warnings', async () => {
    const run = await cli(['lint', '-f', `${LINT}/errors.yaml`]);
    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      `${LINT}/errors.yaml: Deployment/shop/api: vault.hashicorp.com/agent-inject-secrets-db: warning: ` +
        'unknown annotation, ignored (did you mean agent-inject-secret-db?)',
      `${LINT}/errors.yaml: Deployment/shop/api: vault.hashicorp.com/agent-requets-cpu: warning: ` +
        'unknown annotation, ignored (did you mean agent-requests-cpu?)',
      expect.stringMatching(
        /^test\/fixtures\/lint\/errors\.yaml: Deployment\/shop\/api: vault\.hashicorp\.com\/agent-limits-cpu: error: "lots": expected /,
      ),
      `${LINT}/errors.yaml: Pod/shop/debug: vault.hashicorp.com/agent-inject-perms-conifg: warning: ` +
        'secret not declared, ignored (did you mean agent-inject-perms-config?)',
    ]);
    expect(run.stderr).toBe('1 error, 3 warnings\n');
  });

  it('exits 0 on a typo alone (the webhook admits the pod with a warning), 1 with --strict', async () => {
    // The Pod of errors.yaml: its only finding is a misspelt per-secret annotation.
    const pod = readFileSync(`${LINT}/errors.yaml`, 'utf8').split(/^---$/m)[1];
    const [plain, strict] = await Promise.all([
      cli(['lint', '-f', '-'], pod),
      cli(['lint', '--strict', '-f', '-'], pod),
    ]);
    expect(plain).toEqual({
      status: 0,
      stdout:
        '<stdin>: Pod/shop/debug: vault.hashicorp.com/agent-inject-perms-conifg: warning: ' +
        'secret not declared, ignored (did you mean agent-inject-perms-config?)\n',
      stderr: '0 errors, 1 warning\n',
    });
    expect(strict.status).toBe(1);
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
      "<stdin>: Pod/default/p: vault.hashicorp.com/tls-skip-verify: warning: the agent won't verify Vault's TLS certificate\n",
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

describe('vault-injector policy', () => {
  it('prints the policies and role commands as a script, warnings on stderr', async () => {
    const run = await cli(['policy', '-f', `${POLICY}/two-workloads.yaml`]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("vault policy write shop-storefront - <<'EOF'\n");
    expect(run.stdout).toContain(
      'vault write auth/kubernetes/role/storefront bound_service_account_names=api,web ' +
        'bound_service_account_namespaces=shop policies=shop-storefront token_ttl=15m\n',
    );
    expect(run.stderr).toBe(
      'Warning: Deployment/shop/api: secret "certs" comes from a custom template: its Vault paths ' +
        'cannot be inferred; add them to this policy by hand\n',
    );
  });

  it('applies --token-ttl, --vault-auth-path, --sa-token-audience and -n', async () => {
    // -n places the objects that name no namespace of their own.
    const input = readFileSync(`${POLICY}/two-workloads.yaml`, 'utf8').replace(
      /^ {2}namespace: \w+\n/gm,
      '',
    );
    const run = await cli(
      [
        'policy',
        '--token-ttl=1h',
        '--vault-auth-path',
        'auth/east',
        '--sa-token-audience=vault',
        '-n',
        'other',
        '-f',
        '-',
      ],
      input,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'vault write auth/east/role/storefront bound_service_account_names=api,web ' +
        'bound_service_account_namespaces=other policies=other-storefront token_ttl=1h audience=vault\n',
    );
  });

  it('lints and plans an OpenShift DeploymentConfig like a Deployment', async () => {
    const file = 'test/fixtures/cli-deploymentconfig.yaml';
    const [lint, policy] = await Promise.all([
      cli(['lint', '-f', file]),
      cli(['policy', '-o', 'json', '-f', file]),
    ]);
    expect(lint.stdout).toBe(
      `${file}: DeploymentConfig/shop/api: vault.hashicorp.com/tls-skip-verify: warning: ` +
        "the agent won't verify Vault's TLS certificate\n",
    );
    const plan = JSON.parse(policy.stdout) as {
      policies: { name: string; paths: string[] }[];
    };
    expect(plan.policies.map((p) => [p.name, p.paths])).toEqual([
      ['shop-api', ['database/creds/api']],
    ]);
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

  it('rejects a bad --token-ttl with exit 2, a usage error', async () => {
    const run = await cli(['policy', '--token-ttl', 'soon', '-f', `${POLICY}/two-workloads.yaml`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/invalid value "soon" for --token-ttl/);
  });

  it('exits 2 when the input cannot be read', async () => {
    expect((await cli(['policy', '-f', `${POLICY}/nope.yaml`])).status).toBe(2);
  });
});
