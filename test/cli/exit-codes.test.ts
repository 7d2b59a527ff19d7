// Exit status of the built binary for a usage error, the same in every command: 2 with one line on
// stderr (unknown flag, bad --output, missing argument, unknown command), so that 1 keeps meaning
// "found errors" / "would be denied" to lint, mutate, policy and doctor.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from './built-cli.js';

beforeAll(buildCli, 180_000);

const FILE = 'test/fixtures/cli-pod.yaml';

describe.concurrent('usage errors exit 2', { timeout: 120_000 }, () => {
  it.each([
    [['lint', '-f', FILE, '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['mutate', '-f', FILE, '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['policy', '-f', FILE, '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['review', '-f', FILE, '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['doctor', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['serve', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [
      ['certs', 'generate', '--hosts', 'a', '--out', 'x', '--no-such-flag'],
      /unknown option '--no-such-flag'/,
    ],
    [['lint', '-f', FILE, '-o', 'xml'], /argument 'xml' is invalid/],
    [['mutate', '-f', FILE, '--output', 'xml'], /argument 'xml' is invalid/],
    [['policy', '-f', FILE, '-o', 'yaml'], /argument 'yaml' is invalid/],
    [['doctor', '-o', 'yaml'], /argument 'yaml' is invalid/],
    [['lint', '-f'], /option '-f, --file <path>' argument missing/],
    [['lint'], /required option '-f, --file <path>' not specified/],
    [['policy'], /required option '-f, --file <path>' not specified/],
    [['mutate', '-f', FILE, '-n'], /option '-n, --namespace <ns>' argument missing/],
    [['certs', 'generate', '--out', 'x'], /required option '--hosts <list>' not specified/],
    [['certs', 'generate', '--hosts', 'a', '--out', 'x', '--days', '0'], /--days/],
    [['policy', '-f', FILE, '--token-ttl', 'soon'], /invalid value "soon" for --token-ttl/],
    [['lint', '-f', FILE, '--sa-token-expiration-seconds=10'], /--sa-token-expiration-seconds/],
    [['nosuch'], /unknown command 'nosuch'/],
  ])('%j', async (args, message) => {
    const run = await runCli(args);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });

  it('keeps 0 for --help and --version', async () => {
    const [help, version] = await Promise.all([runCli(['lint', '--help']), runCli(['--version'])]);
    expect([help.code, version.code]).toEqual([0, 0]);
  });

  it('keeps 1 for "would be denied" and "found errors"', async () => {
    const [mutate, lint] = await Promise.all([
      runCli(['mutate', '-f', 'test/fixtures/cli-denied.yaml']),
      runCli(['lint', '-f', 'test/fixtures/lint/errors.yaml']),
    ]);
    expect([mutate.code, lint.code]).toEqual([1, 1]);
  });
});
