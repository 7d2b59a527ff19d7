// `certs generate` refusing what it cannot do, through the built binary, before any key is made:
// an --out that is a file (exit 1, naming it), and --hosts entries that are neither a DNS name
// (RFC 1123, a wildcard first label allowed) nor an IP address (exit 2, a usage error).
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from './built-cli.js';

let dir: string;

beforeAll(() => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'vi-certs-'));
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ACCEPTED =
  'expected DNS names (RFC 1123: letters, digits and inner hyphens, e.g. vault-injector.vault.svc), ' +
  'a wildcard as the first label (*.example.com), or IPv4/IPv6 addresses';

describe.concurrent('vault-injector certs generate', { timeout: 120_000 }, () => {
  it('names an --out that is an existing file, exit 1, and leaves it alone', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'keep me');
    const run = await runCli(['certs', 'generate', '--hosts', 'localhost', '--out', file]);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `vault-injector: --out ${file} is an existing file, not a directory: ca.crt, tls.crt and ` +
        `tls.key are written into a directory; remove ${file} or pass another --out\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('names the path when a part of --out is a file', async () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const run = await runCli([
      'certs',
      'generate',
      '--hosts',
      'localhost',
      '--out',
      join(file, 'x'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `vault-injector: cannot write ${join(file, 'x')}: a part of the path is a file\n`,
    );
  });

  it.each([
    ['bad host!', '"bad host!"'],
    ['localhost,-leading.example,trailing-.example', '"-leading.example", "trailing-.example"'],
    ['under_score.svc', '"under_score.svc"'],
    ['*', '"*"'],
    ['a.*.example', '"a.*.example"'],
    [`${'a'.repeat(64)}.example`, `"${'a'.repeat(64)}.example"`],
    ['10.0.0.1:8443', '"10.0.0.1:8443"'],
  ])(
    'rejects --hosts %j with exit 2, naming each bad entry and what is accepted',
    async (hosts, named) => {
      const out = join(dir, `never-${Math.random().toString(36).slice(2)}`);
      const run = await runCli(['certs', 'generate', '--hosts', hosts, '--out', out]);
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr: `vault-injector: invalid value ${named} for --hosts: ${ACCEPTED}\n`,
      });
      expect(existsSync(out)).toBe(false);
    },
  );

  it('accepts DNS names, a wildcard first label, IPv4 and IPv6', async () => {
    const out = join(dir, 'good');
    const hosts = 'vault-injector.vault.svc,*.vault.svc,127.0.0.1,::1,LocalHost';
    const run = await runCli(['certs', 'generate', '--hosts', hosts, '--out', out]);
    expect(run.code).toBe(0);
    const leaf = new X509Certificate(readFileSync(join(out, 'tls.crt'), 'utf8'));
    // checkHost answers with the SAN that matched.
    expect(leaf.checkHost('x.vault.svc')).toBe('*.vault.svc');
    expect(leaf.checkIP('::1')).toBe('::1');
  });
});
