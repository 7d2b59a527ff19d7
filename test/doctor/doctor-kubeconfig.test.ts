// The built doctor choosing its kubeconfig and context as kubectl does, and bounding every API
// request with --request-timeout, against the HTTPS fake: KUBECONFIG lists whose missing files are
// skipped and whose files merge (the first to name a context or set current-context wins), an
// unknown --context answered with the contexts there are, and a server that never answers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, ROOT } from '../cli/built-cli.js';
import type { FakeKubeCluster } from '../fakes/kube-cluster.js';
import { seedBroken, seedHealthy, startCluster } from './scenarios.js';
import { doctorBuilt, hasStack } from './support.js';

let dir: string;
let healthy: FakeKubeCluster;
let broken: FakeKubeCluster;
/** Context "fake" (current) on the healthy cluster. */
let healthyFile: string;
/** Context "broken" (current) on the broken cluster, under names of its own. */
let brokenFile: string;
const missing = (name: string): string => join(dir, `missing-${name}`);

/** The fake's kubeconfig with its cluster, user and context renamed, so two files can merge. */
function renamed(api: FakeKubeCluster, name: string): string {
  const original = api.kubeConfig();
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: original.clusters.map((c) => ({ ...c, name })),
    users: original.users.map((u) => ({ ...u, name })),
    contexts: [{ name, cluster: name, user: name }],
    currentContext: name,
  });
  return kc.exportConfig();
}

beforeAll(async () => {
  buildCli();
  dir = mkdtempSync(join(tmpdir(), 'vi-kubeconfig-'));
  healthy = await startCluster(seedHealthy);
  broken = await startCluster(seedBroken);
  healthyFile = join(dir, 'healthy');
  brokenFile = join(dir, 'broken');
  writeFileSync(healthyFile, healthy.kubeConfig().exportConfig());
  writeFileSync(brokenFile, renamed(broken, 'broken'));
}, 180_000);

afterAll(async () => {
  await Promise.all([healthy.close(), broken.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const list = (...paths: string[]): string => paths.join(delimiter);

describe('doctor and KUBECONFIG (built)', { timeout: 60_000 }, () => {
  it('skips KUBECONFIG files that do not exist, as kubectl does', async () => {
    const run = await doctorBuilt([], {
      KUBECONFIG: list(missing('a'), healthyFile, missing('b')),
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^No problems found/);
    expect(run.code).toBe(0);
  });

  it('exits 2 naming the files when none of them exists', async () => {
    const run = await doctorBuilt([], { KUBECONFIG: list(missing('a'), missing('b')) });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'vault-injector: no kubeconfig found: none of the files KUBECONFIG lists exists ' +
        `(${missing('a')}, ${missing('b')})\n`,
    });
  });

  it('merges the files: the first current-context wins, --context reaches one from a later file', async () => {
    const [first, second, chosen] = await Promise.all([
      doctorBuilt([], { KUBECONFIG: list(healthyFile, brokenFile) }),
      doctorBuilt([], { KUBECONFIG: list(brokenFile, healthyFile) }),
      doctorBuilt(['--context', 'broken'], { KUBECONFIG: list(healthyFile, brokenFile) }),
    ]);
    expect([first.code, second.code, chosen.code]).toEqual([0, 1, 1]);
    expect(chosen.stdout).toMatch(/^ERRORS \(/);
  });

  it('names an unknown --context and lists the contexts there are', async () => {
    const run = await doctorBuilt(['--context', 'prod'], {
      KUBECONFIG: list(healthyFile, brokenFile),
    });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'vault-injector: --context "prod": no such context in the kubeconfig ' +
        '(its contexts: fake, broken)\n',
    });
  });

  it('names a missing --kubeconfig file', async () => {
    const run = await doctorBuilt(['--kubeconfig', missing('c')], {});
    expect(run.stderr).toBe(
      `vault-injector: cannot load the kubeconfig ${missing('c')}: no such file\n`,
    );
    expect(run.code).toBe(2);
  });
});

describe('doctor --request-timeout (built)', { timeout: 60_000 }, () => {
  async function stalled(
    pattern: RegExp,
    args: string[],
  ): Promise<{ run: Awaited<ReturnType<typeof doctorBuilt>>; ms: number }> {
    const api = await startCluster(seedHealthy);
    api.stall = pattern;
    const file = join(dir, `stalled-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, api.kubeConfig().exportConfig());
    try {
      const started = Date.now();
      const run = await doctorBuilt(args, { KUBECONFIG: file });
      return { run, ms: Date.now() - started };
    } finally {
      await api.close();
    }
  }

  it.each([
    [
      /\/mutatingwebhookconfigurations\//,
      ['--request-timeout', '1s'],
      'get MutatingWebhookConfiguration vault-agent-injector-cfg',
      '1s',
    ],
    [/^\/api\/v1\/pods$/, ['--request-timeout=1'], 'list pods in all namespaces', '1'],
  ])(
    'ends a request to %s unanswered after %j with exit 2 and one line',
    async (pattern, args, what, given) => {
      const { run, ms } = await stalled(pattern, args);
      expect(run.stderr).toMatch(
        new RegExp(
          `^vault-injector: cannot reach the Kubernetes API at https://127\\.0\\.0\\.1:\\d+: ${what}: no answer within ${given} \\(--request-timeout\\)\\n$`,
        ),
      );
      expect(hasStack(run.stderr)).toBe(false);
      expect(run.code).toBe(2);
      // Well under doctorBuilt's 30 s kill: the deadline ended it.
      expect(ms).toBeLessThan(15_000);
    },
  );

  it('waits with --request-timeout 0 (no deadline)', async () => {
    const api = await startCluster(seedHealthy);
    api.stall = /^\/api\/v1\/pods$/;
    const file = join(dir, 'no-deadline');
    writeFileSync(file, api.kubeConfig().exportConfig());
    const child = spawn(
      process.execPath,
      [`${ROOT}dist/cli/main.js`, 'doctor', '--request-timeout', '0'],
      {
        env: { PATH: process.env.PATH ?? '', KUBECONFIG: file },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      for (let i = 0; i < 200 && api.count('GET', '/api/v1/pods') === 0; i++) await sleep(100);
      expect(api.count('GET', '/api/v1/pods')).toBe(1);
      await sleep(2500);
      // Still waiting on the stalled list, well past the 1 s the other cases end within.
      expect(child.exitCode).toBe(null);
    } finally {
      child.kill('SIGKILL');
      await exited;
      await api.close();
    }
  });

  it.each([['soon'], ['-5s'], ['1d']])(
    'refuses --request-timeout %s with exit 2',
    async (value) => {
      const run = await doctorBuilt(['--request-timeout', value], { KUBECONFIG: healthyFile });
      expect(run).toEqual({
        code: 2,
        stdout: '',
        stderr:
          `vault-injector: invalid value "${value}" for --request-timeout: expected a whole number ` +
          'of seconds or a duration such as 30s, 1m or 1m30s (0: no timeout)\n',
      });
    },
  );
});
