// `policy` and Vault Enterprise namespaces, through the built binary: when the injected agent logs
// in to a namespace (the vault.hashicorp.com/namespace annotation, else --vault-namespace /
// AGENT_INJECT_VAULT_NAMESPACE), its policy and role must be written there, so every printed
// command carries -namespace=; workloads in different Vault namespaces never share a policy.
import { beforeAll, describe, expect, it } from 'vitest';
import { deploymentYaml } from '../helpers/pods.js';
import { buildCli, runCli } from './built-cli.js';

beforeAll(buildCli, 180_000);

function deployment(name: string, vaultNamespace?: string): string {
  return deploymentYaml(
    [`metadata: {name: ${name}, namespace: shop}`],
    {
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': 'web',
      'vault.hashicorp.com/agent-inject-secret-db': `secret/data/${name}`,
      ...(vaultNamespace === undefined ? {} : { 'vault.hashicorp.com/namespace': vaultNamespace }),
    },
    [`      serviceAccountName: ${name}`, `      containers: [{name: ${name}, image: nginx}]`],
  );
}

/** The command lines of the script (comments, HCL and here-document ends left out). */
function commands(script: string): string[] {
  return script.split('\n').filter((l) => /^(vault|bao) /.test(l));
}

interface Plan {
  policies: { name: string; vaultNamespace: string; workloads: string[]; roleCommands: string[] }[];
}

describe.concurrent('policy with Vault namespaces', { timeout: 120_000 }, () => {
  it('writes policy and role in the namespace the annotation names', async () => {
    const run = await runCli(['policy', '-f', '-'], { input: deployment('web', 'team-a') });
    expect(run.code).toBe(0);
    expect(commands(run.stdout)).toEqual([
      "vault policy write -namespace=team-a shop-web - <<'EOF'",
      'vault write -namespace=team-a auth/kubernetes/role/web bound_service_account_names=web ' +
        'bound_service_account_namespaces=shop policies=shop-web token_ttl=15m',
    ]);
    expect(run.stdout).toContain('# Namespace shop, role web (Vault namespace team-a): ');
  });

  it.each([
    [['--vault-namespace', 'team-b'], {}],
    [['-vault-namespace=team-b'], {}],
    [[], { AGENT_INJECT_VAULT_NAMESPACE: 'team-b' }],
  ])('takes the injector setting %j %j when the pod names none', async (args, env) => {
    const run = await runCli(['policy', '-f', '-', ...args], { input: deployment('web'), env });
    expect(run.code).toBe(0);
    for (const line of commands(run.stdout))
      expect(line).toMatch(/^vault (policy )?write -namespace=team-b /);
  });

  it('prints no -namespace= for the root namespace', async () => {
    const run = await runCli(['policy', '-f', '-'], { input: deployment('web') });
    expect(run.stdout).not.toContain('-namespace');
  });

  it('keeps workloads of different Vault namespaces apart, and quotes a nested one', async () => {
    const input = [
      deployment('web', 'team-a'),
      deployment('api'),
      deployment('db', 'org/team c'),
    ].join('---\n');
    const run = await runCli(['policy', '-o', 'json', '-f', '-'], { input });
    const plan = JSON.parse(run.stdout) as Plan;
    expect(plan.policies.map((p) => [p.vaultNamespace, p.name, p.workloads])).toEqual([
      ['', 'shop-web', ['Deployment/shop/api']],
      ['org/team c', 'shop-web', ['Deployment/shop/db']],
      ['team-a', 'shop-web', ['Deployment/shop/web']],
    ]);
    expect(plan.policies[1]!.roleCommands[0]).toMatch(
      /^vault write '-namespace=org\/team c' auth\//,
    );
    // The same policy name in three namespaces is not a clash.
    expect(run.stderr).toBe('');
  });
});
