// Keeps the README true: every flag and environment variable of the shared configuration, and
// every command, is documented.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configOptions } from '../cli/config-options.js';

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
