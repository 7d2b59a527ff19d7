import { describe, expect, it } from 'vitest';
import { normaliseGoFlags } from '../../cli/go-flags.js';

const known = {
  bool: new Set(['revoke-on-shutdown', 'native-sidecar']),
  value: new Set(['vault-address', 'log-level']),
};

describe('normaliseGoFlags', () => {
  it.each([
    [['-revoke-on-shutdown'], ['--revoke-on-shutdown=true']],
    [['--revoke-on-shutdown'], ['--revoke-on-shutdown=true']],
    [['-revoke-on-shutdown=false'], ['--revoke-on-shutdown=false']],
    [['--native-sidecar=0'], ['--native-sidecar=0']],
    [['-vault-address=https://v:8200'], ['--vault-address=https://v:8200']],
    [['-vault-address', 'https://v:8200'], ['--vault-address=https://v:8200']],
    [['--vault-address', 'https://v:8200'], ['--vault-address=https://v:8200']],
    [['--log-level', '-weird'], ['--log-level=-weird']],
    [['--log-level'], ['--log-level']],
    [['-vault-address=a=b'], ['--vault-address=a=b']],
  ])('rewrites %j', (argv, expected) => {
    expect(normaliseGoFlags(argv, known)).toEqual(expected);
  });

  it.each([
    [['mutate', '-f', '-', '-o', 'json']],
    [['-n', 'app', '--namespace=app', '--file', 'x.yaml']],
    [['--unknown-flag', 'value', '-x=1']],
    [['--', '-revoke-on-shutdown', '-vault-address=x']],
  ])('leaves %j alone', (argv) => {
    expect(normaliseGoFlags(argv, known)).toEqual(argv);
  });

  it('keeps the subcommand and other arguments in place', () => {
    expect(
      normaliseGoFlags(
        ['review', '-revoke-on-shutdown', '-f', 'r.json', '-log-level', 'debug'],
        known,
      ),
    ).toEqual(['review', '--revoke-on-shutdown=true', '-f', 'r.json', '--log-level=debug']);
  });
});
