// One name for an object in every command's output, `Kind/namespace/name` (the namespace it is
// checked in, "default" when it names none), so a line of `lint` can be matched with one of
// `mutate`, `policy` or `doctor`. Through the built binary.
import { beforeAll, describe, expect, it } from 'vitest';
import { deploymentYaml } from '../helpers/pods.js';
import { buildCli, runCli } from './built-cli.js';

beforeAll(buildCli, 180_000);

/** A Deployment whose pods get an admission warning, lint findings and a policy warning. */
function deployment(namespace?: string): string {
  return deploymentYaml(
    [
      'metadata:',
      '  name: web',
      ...(namespace === undefined ? [] : [`  namespace: ${namespace}`]),
      '  annotations:',
      '    vault.hashicorp.com/agent-pre-populate-only: "true"',
    ],
    {
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': 'web',
      'vault.hashicorp.com/tls-skip-verify': 'true',
      'vault.hashicorp.com/agent-inject-template-cfg': '{{ with secret "kv/x" }}{{ end }}',
    },
    ['      containers: [{name: web, image: nginx}]'],
  );
}

describe.concurrent('object names in CLI output', { timeout: 120_000 }, () => {
  it.each([
    [undefined, 'Deployment/default/web'],
    ['shop', 'Deployment/shop/web'],
  ])('namespace %s: mutate, lint and policy all say %s', async (namespace, name) => {
    const input = deployment(namespace);
    const [mutate, lint, policy] = await Promise.all([
      runCli(['mutate', '-f', '-'], { input }),
      runCli(['lint', '-f', '-'], { input }),
      runCli(['policy', '-f', '-'], { input }),
    ]);
    expect(mutate.stderr).toContain(
      `Warning: ${name}: vault.hashicorp.com/tls-skip-verify: the agent won't verify`,
    );
    expect(lint.stdout).toContain(
      `<stdin>: ${name}: vault.hashicorp.com/tls-skip-verify: warning:`,
    );
    expect(lint.stdout).toContain(`ignored on ${name}'s own metadata`);
    expect(mutate.stderr).toContain(`ignored on ${name}'s own metadata`);
    for (const line of lint.stdout.trimEnd().split('\n')) {
      expect(line.startsWith(`<stdin>: ${name}: `)).toBe(true);
    }
    expect(policy.stderr).toContain(`Warning: ${name}: secret "cfg" comes from a custom template`);
    expect(policy.stdout).toContain(`role web: ${name}\n`);
    // The object inside a message is named the same way as at the start of its line.
    expect(lint.stdout).not.toMatch(/Deployment\/web\b/);
    expect(mutate.stderr).not.toMatch(/Deployment\/web\b/);
    expect(`${policy.stdout}${policy.stderr}`).not.toMatch(/Deployment\/web\b/);
  });

  it('names the object in lint --output json the same way', async () => {
    const lint = await runCli(['lint', '-o', 'json', '-f', '-'], { input: deployment('shop') });
    const findings = JSON.parse(lint.stdout) as { object: string; namespace: string }[];
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings)
      expect(f).toMatchObject({ object: 'Deployment/shop/web', namespace: 'shop' });
  });
});
