// What only a real process shows, through `node dist/cli/main.js` (see built-cli.ts): the exit
// status the shell sees, stdin as a pipe, and every command's imports resolved by plain node (the
// ESM default-import trap). Everything else about the commands is tested in-process.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT, buildCli, runCli } from './built-cli.js';

const FIXTURES = 'test/fixtures';
const EXAMPLE_REVIEW = 'examples/admission-review.json';

// Builds only when dist/ is stale, so test files sharing dist/ never see it half-written.
beforeAll(buildCli, 180_000);

/** Each run waits for its turn among the concurrent ones, so allow more than the default. */
describe.concurrent('node dist/cli/main.js', { timeout: 120_000 }, () => {
  it('prints --help and --version with exit 0', async () => {
    const [help, version] = await Promise.all([runCli(['--help']), runCli(['--version'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: vault-injector');
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('review: answers an AdmissionReview piped on stdin with an injection patch', async () => {
    const input = readFileSync(`${ROOT}${EXAMPLE_REVIEW}`, 'utf8');
    const run = await runCli(['review'], { input });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const response = (JSON.parse(run.stdout) as { response: { allowed: boolean; patch: string } })
      .response;
    expect(response.allowed).toBe(true);
    expect(Buffer.from(response.patch, 'base64').toString()).toContain('vault-agent-init');
  });

  it('mutate: reads YAML on stdin and injects it; its output comes back unchanged', async () => {
    const input = readFileSync(`${ROOT}${FIXTURES}/cli-deployment.yaml`, 'utf8');
    const once = await runCli(['mutate', '-f', '-'], { input });
    expect(once.code).toBe(0);
    const doc = parseAllDocuments(once.stdout)[0]!.toJS() as {
      spec: { template: { spec: { containers: { name: string }[] } } };
    };
    expect(doc.spec.template.spec.containers.map((c) => c.name)).toEqual(['web', 'vault-agent']);
    const twice = await runCli(['mutate', '-f', '-'], { input: once.stdout });
    expect(twice).toEqual({ code: 0, stdout: once.stdout, stderr: '' });
  });

  it('mutate: exits 1 when an object would be denied', async () => {
    const run = await runCli(['mutate', '-f', `${FIXTURES}/cli-denied.yaml`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Error: Deployment\/shop\/broken would be denied: /m);
  });

  it('lint: exits 1 on errors, 0 on warnings', async () => {
    const [errors, warnings] = await Promise.all([
      runCli(['lint', '-f', `${FIXTURES}/lint/errors.yaml`]),
      runCli(['lint', '-f', `${FIXTURES}/lint/warnings.yaml`]),
    ]);
    expect([errors.code, warnings.code]).toEqual([1, 0]);
    expect(errors.stderr).toBe('1 error, 3 warnings\n');
  });

  it('policy: prints the script for a manifest', async () => {
    const run = await runCli(['policy', '-f', `${FIXTURES}/policy/two-workloads.yaml`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("vault policy write shop-storefront - <<'EOF'\n");
  });

  it('exits 2 with one line for unreadable input and for a usage mistake', async () => {
    const [missing, usage] = await Promise.all([
      runCli(['mutate', '-f', 'missing.yaml']),
      runCli(['mutate']),
    ]);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'vault-injector: cannot read missing.yaml: no such file\n',
    });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/required option '-f, --file <path>'/);
  });
});
