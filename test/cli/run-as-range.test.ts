// agent-run-as-user/-group and the --run-as-user/--run-as-group settings accept only what the API
// server accepts in a securityContext (0–2147483647): vault-k8s's int64 lets "-5" through and the
// pod is then rejected after admission. Denied here, naming the range.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { podYaml } from '../helpers/pods.js';
import { runCli } from './built-cli.js';

const RANGE = 'expected a base-10 integer from 0 to 2147483647 (e.g. 1000)';

function pod(extra: Record<string, string> = {}): string {
  const annotations = {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'web',
    'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/web',
    ...extra,
  };
  return podYaml(annotations);
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('user and group IDs out of range', () => {
  it('lint: agent-run-as-user "-5" and agent-run-as-group "99999999999" are errors naming the range', async () => {
    const run = await runCli(['lint', '-f', '-'], {
      input: pod({
        'vault.hashicorp.com/agent-run-as-user': '-5',
        'vault.hashicorp.com/agent-run-as-group': '99999999999',
      }),
    });
    expect(run.code).toBe(1);
    const found = lines(run.stdout);
    expect(found).toHaveLength(2);
    expect(run.stdout).toContain(
      `: vault.hashicorp.com/agent-run-as-user: error: "-5": ${RANGE}\n`,
    );
    expect(run.stdout).toContain(
      `: vault.hashicorp.com/agent-run-as-group: error: "99999999999": ${RANGE}\n`,
    );
  });

  // A setting is checked once, at start, with the annotations' grammar: the command refuses to
  // run (usage error, exit 2) instead of denying every pod later.
  it('mutate: --run-as-user -5 is refused before any input is read, naming the flag', async () => {
    const run = await runCli(
      ['mutate', '-f', '-', '--run-as-user', '-5', '--run-as-group', '99999999999'],
      { input: pod() },
    );
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`vault-injector: invalid value "-5" for --run-as-user: ${RANGE}\n`);
  });

  it('mutate: AGENT_INJECT_RUN_AS_USER=2147483648 is refused too, naming flag and variable', async () => {
    const run = await runCli(['mutate', '-f', '-'], {
      input: pod(),
      env: { AGENT_INJECT_RUN_AS_USER: '2147483648' },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `vault-injector: invalid value "2147483648" for --run-as-user (from AGENT_INJECT_RUN_AS_USER): ${RANGE}\n`,
    );
  });

  it('the bounds themselves are accepted', async () => {
    const run = await runCli(['mutate', '-f', '-'], {
      input: pod({
        'vault.hashicorp.com/agent-run-as-user': '2147483647',
        'vault.hashicorp.com/agent-run-as-group': '0',
      }),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = parseAllDocuments(run.stdout)[0]!.toJS() as {
      spec: { containers: Array<{ name: string; securityContext?: Record<string, unknown> }> };
    };
    const agent = out.spec.containers.find((c) => c.name === 'vault-agent');
    expect(agent?.securityContext).toMatchObject({ runAsUser: 2147483647, runAsGroup: 0 });
  });
});
