// The manifest input of mutate, lint and policy through the built binary, as kubectl takes it:
// -f repeated (in order), a directory (its .yaml, .yml and .json files; subdirectories with -R),
// "-" for stdin; an input with no object is an error, and -n never overrides an object's own
// namespace.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT, buildCli, runCli } from './built-cli.js';

const LINT = 'test/fixtures/lint';
const FIXTURES = 'test/fixtures';

let dir: string;

function kindsAndNames(yaml: string): string[] {
  return parseAllDocuments(yaml).map((d) => {
    const o = d.toJS() as { kind: string; metadata: { name: string } };
    return `${o.kind}/${o.metadata.name}`;
  });
}

/** The file each line of a text lint report is about. */
const filesOf = (stdout: string): string[] => [
  ...new Set(
    stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.slice(0, l.indexOf(': '))),
  ),
];

beforeAll(() => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'vi-inputs-'));
  // Named so that directory order differs from the order the files were written in.
  copyFileSync(`${ROOT}${LINT}/warnings.yaml`, join(dir, 'b-warnings.yaml'));
  copyFileSync(`${ROOT}${LINT}/errors.yaml`, join(dir, 'a-errors.yml'));
  const pod = parseAllDocuments(readFileSync(`${ROOT}${FIXTURES}/cli-pod.yaml`, 'utf8'))[0];
  writeFileSync(join(dir, 'c-pod.json'), JSON.stringify(pod?.toJS()));
  writeFileSync(join(dir, 'notes.txt'), 'not a manifest: [');
  mkdirSync(join(dir, 'sub'));
  copyFileSync(`${ROOT}${FIXTURES}/cli-job.yaml`, join(dir, 'sub', 'job.yaml'));
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'empty', 'only-comments.yaml'), '# nothing here\n---\n');
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.concurrent('-f, as kubectl takes it', { timeout: 120_000 }, () => {
  it('lint reads every -f, in the order given', async () => {
    const run = await runCli(['lint', '-f', `${LINT}/warnings.yaml`, '-f', `${LINT}/errors.yaml`]);
    expect(filesOf(run.stdout)).toEqual([`${LINT}/warnings.yaml`, `${LINT}/errors.yaml`]);
    expect(run.stderr).toBe('1 error, 5 warnings\n');
    expect(run.code).toBe(1);
  });

  it('mutate prints the objects of every -f, in order, as one stream', async () => {
    const run = await runCli([
      'mutate',
      '-f',
      `${FIXTURES}/cli-configmap.yaml`,
      '-f',
      `${FIXTURES}/cli-pod.yaml`,
      '-f',
      `${FIXTURES}/cli-deployment.yaml`,
    ]);
    expect(run.code).toBe(0);
    expect(kindsAndNames(run.stdout)).toEqual([
      'ConfigMap/settings',
      'Pod/debug',
      'Deployment/web',
    ]);
  });

  it('policy plans the workloads of every -f', async () => {
    const run = await runCli([
      'policy',
      '-o',
      'json',
      '-f',
      `${FIXTURES}/policy/two-workloads.yaml`,
      '-f',
      `${FIXTURES}/cli-deploymentconfig.yaml`,
    ]);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { policies: { name: string }[] };
    expect(plan.policies.map((p) => p.name)).toEqual([
      'billing-reporter',
      'shop-api',
      'shop-storefront',
    ]);
  });

  it('reads stdin for -f - among files', async () => {
    const input = readFileSync(`${ROOT}${LINT}/errors.yaml`, 'utf8');
    const run = await runCli(['lint', '-f', `${LINT}/warnings.yaml`, '-f', '-'], { input });
    expect(filesOf(run.stdout)).toEqual([`${LINT}/warnings.yaml`, '<stdin>']);
  });

  it('refuses -f - twice: stdin can be read once', async () => {
    const run = await runCli(['mutate', '-f', '-', '-f', '-'], { input: 'kind: Pod\n' });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'vault-injector: -f -: stdin can be read only once\n',
    });
  });

  it('reads a directory as its .yaml, .yml and .json files in name order, without subdirectories', async () => {
    const run = await runCli(['lint', '-f', dir]);
    expect(filesOf(run.stdout)).toEqual([join(dir, 'a-errors.yml'), join(dir, 'b-warnings.yaml')]);
    // The clean Pod of c-pod.json is read too: 2 + 1 + 1 objects.
    const mutated = await runCli(['mutate', '-f', dir, '-o', 'patch']);
    expect(mutated.code).toBe(1);
    const patched = (JSON.parse(mutated.stdout) as { kind: string; name: string }[]).map(
      (p) => `${p.kind}/${p.name}`,
    );
    expect(patched).toEqual(['Pod/debug', 'Deployment/web', 'Pod/debug']);
  });

  it('descends into subdirectories with -R / --recursive', async () => {
    for (const flag of ['-R', '--recursive']) {
      const run = await runCli(['mutate', '-f', dir, flag, '-o', 'patch']);
      const patched = (JSON.parse(run.stdout) as { kind: string; name: string }[]).map(
        (p) => `${p.kind}/${p.name}`,
      );
      expect(patched).toEqual(['Pod/debug', 'Deployment/web', 'Pod/debug', 'Job/migrate']);
    }
  });

  it('names a missing -f among several', async () => {
    const run = await runCli(['lint', '-f', `${LINT}/clean.yaml`, '-f', 'no/such.yaml']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'vault-injector: cannot read no/such.yaml: no such file\n',
    });
  });
});

describe.concurrent('input with no object is an error, not a pass', { timeout: 120_000 }, () => {
  it.each([
    ['lint', ''],
    ['mutate', ''],
    ['policy', ''],
    ['lint', '# only a comment\n---\n'],
    ['mutate', 'apiVersion: v1\nkind: List\nitems: []\n'],
  ])('%s -f - with %j exits 2 with one line', async (cmd, input) => {
    const run = await runCli([cmd, '-f', '-'], { input });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'vault-injector: no objects were read from <stdin>\n',
    });
  });

  it('names every source when none held an object', async () => {
    const run = await runCli(['policy', '-f', join(dir, 'empty'), '-f', '-']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `vault-injector: no objects were read from ${join(dir, 'empty')}, <stdin>\n`,
    );
  });

  it('a clean lint says how many objects it checked', async () => {
    const run = await runCli([
      'lint',
      '-f',
      `${LINT}/clean.yaml`,
      '-f',
      `${FIXTURES}/cli-list.json`,
    ]);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '3 objects checked, no findings\n' });
  });
});

describe.concurrent(
  '-n against an object that names its own namespace',
  { timeout: 120_000 },
  () => {
    const MISMATCH =
      `vault-injector: ${FIXTURES}/cli-deployment.yaml: Deployment/shop/web: the namespace from the ` +
      `provided object "shop" does not match the namespace "other". You must pass ` +
      `'--namespace=shop' to perform this operation.\n`;

    it.each(['mutate', 'lint', 'policy'])(
      '%s refuses a different -n, as kubectl does',
      async (cmd) => {
        const run = await runCli([cmd, '-n', 'other', '-f', `${FIXTURES}/cli-deployment.yaml`]);
        expect(run).toEqual({ code: 2, stdout: '', stderr: MISMATCH });
      },
    );

    it.each(['mutate', 'lint', 'policy'])('%s accepts the same namespace', async (cmd) => {
      const run = await runCli([
        cmd,
        '--namespace',
        'shop',
        '-f',
        `${FIXTURES}/cli-deployment.yaml`,
      ]);
      expect(run.code).toBe(0);
    });
  },
);
