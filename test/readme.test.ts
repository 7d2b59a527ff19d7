// Keeps the README true: every flag and environment variable of the shared configuration, and
// every command, is documented.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { configOptions } from '../cli/config-options.js';
import { buildCli, runCli } from './cli/built-cli.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts set-up with make run and make test', () => {
    const setup = readme.slice(readme.indexOf('## Set-up'));
    expect(setup.indexOf('make run')).toBeGreaterThan(0);
    expect(setup.indexOf('make test')).toBeGreaterThan(setup.indexOf('make run'));
  });

  it.each(configOptions().map((o) => [o.flag ?? o.env[0] ?? '', o] as const))(
    'documents %s',
    (_name, o) => {
      if (o.flag) expect(readme).toContain(`\`--${o.flag}\``);
      for (const env of o.env) expect(readme).toContain(`\`${env}\``);
    },
  );

  it.each(['serve', 'review', 'mutate', 'lint', 'policy', 'doctor', 'certs generate'])(
    'documents the %s command',
    (cmd) => {
      expect(readme).toContain(`### \`${cmd}`);
    },
  );
});

/** The lines of the README's code block that starts with `$ <command>`. */
function sample(command: string): string[] {
  const start = readme.indexOf(`$ ${command}\n`);
  expect(start, `README sample "$ ${command}"`).toBeGreaterThan(0);
  const body = readme.slice(start + command.length + 3);
  return body.slice(0, body.indexOf('```')).trimEnd().split('\n');
}

describe('README samples are what the built CLI prints', () => {
  beforeAll(buildCli, 180_000);

  it('policy: the whole script, every path included', async () => {
    const run = await runCli(['policy', '-f', 'test/fixtures/policy/two-workloads.yaml']);
    expect(run.code).toBe(0);
    const shown = sample(
      'vault-injector policy -f test/fixtures/policy/two-workloads.yaml 2>/dev/null',
    );
    expect(shown).toEqual(run.stdout.trimEnd().split('\n'));
  });

  it('lint: the report and its count; a line ending "(...)" is shortened', async () => {
    const run = await runCli(['lint', '-f', 'test/fixtures/lint/errors.yaml']);
    const printed = `${run.stdout}${run.stderr}`.trimEnd().split('\n');
    const shown = sample('vault-injector lint -f test/fixtures/lint/errors.yaml');
    expect(shown).toHaveLength(printed.length);
    shown.forEach((line, i) => {
      if (line.endsWith(' (...)')) expect(printed[i]?.startsWith(line.slice(0, -6))).toBe(true);
      else expect(line).toBe(printed[i]);
    });
  });
});
