// The built binary, as an operator runs it: KUBECONFIG pointing at the fake, exit codes 0/1/2,
// text and JSON on stdout, one line on stderr (never a stack trace) when it cannot go on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../cli/built-cli.js';
import type { FakeKubeCluster } from '../fakes/kube-cluster.js';
import { seedBroken, seedHealthy, startCluster } from './scenarios.js';
import { doctorBuilt, hasStack, parseReport, writeKubeconfig } from './support.js';

const clusters: Array<{ api: FakeKubeCluster; remove: () => void }> = [];

async function kubeconfigFor(seed: (a: FakeKubeCluster) => void): Promise<string> {
  const api = await startCluster(seed);
  const kc = writeKubeconfig(api);
  clusters.push({ api, remove: kc.remove });
  return kc.path;
}

let broken: string;
let healthy: string;

beforeAll(async () => {
  buildCli();
  broken = await kubeconfigFor(seedBroken);
  healthy = await kubeconfigFor(seedHealthy);
}, 180_000);

afterAll(async () => {
  for (const c of clusters) {
    c.remove();
    await c.api.close();
  }
});

describe('vault-injector doctor (built)', () => {
  it('exits 0 on a healthy cluster', async () => {
    const run = await doctorBuilt([], { KUBECONFIG: healthy });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^No problems found \(checked 1 pod and 6 workloads/);
    expect(run.code).toBe(0);
  });

  it('exits 1 on a broken cluster, with the grouped table in text', async () => {
    const run = await doctorBuilt([], { KUBECONFIG: broken });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ERRORS \(10\)\n {2}cabundle-empty /);
    expect(run.stdout).toContain('\nWARNINGS (4)\n');
    expect(run.stdout).toContain('[cause: namespace-excluded]');
    expect(run.stderr).toBe('');
  });

  it('prints {findings, summary} with --output json', async () => {
    const run = await doctorBuilt(['--output', 'json'], { KUBECONFIG: broken });
    expect(run.code).toBe(1);
    const report = parseReport(run.stdout);
    expect(Object.keys(report)).toEqual(['findings', 'summary']);
    expect(new Set(report.findings.map((f) => f.code))).toEqual(
      new Set([
        'cabundle-empty',
        'cabundle-mismatch',
        'no-ready-injector',
        'failure-policy-ignore',
        'not-injected',
        'job-sidecar-stuck',
        'would-deny',
        'lint',
        'misplaced-annotations',
      ]),
    );
    const missing = await doctorBuilt(['-o', 'json', '--webhook-config', 'gone'], {
      KUBECONFIG: broken,
    });
    expect(parseReport(missing.stdout).findings[0]).toMatchObject({
      code: 'webhook-missing',
      severity: 'error',
      object: 'MutatingWebhookConfiguration/gone',
    });
  });

  it('reads in-namespace settings from the environment, as in a pod (NAMESPACE, AGENT_INJECT_*)', async () => {
    const run = await doctorBuilt(['-o', 'json'], {
      KUBECONFIG: healthy,
      NAMESPACE: 'elsewhere',
      AGENT_INJECT_RUN_AS_SAME_USER: 'true',
    });
    const report = parseReport(run.stdout);
    // The certificate Secret is looked for in NAMESPACE: not there, so nothing to compare.
    expect(report.findings.map((f) => f.code)).toEqual(['would-deny', 'would-deny']);
    expect(run.code).toBe(1);
  });

  it('exits 2 with one line on stderr when the API cannot be reached', async () => {
    const api = await startCluster(seedHealthy);
    const kc = writeKubeconfig(api);
    await api.close();
    try {
      const run = await doctorBuilt([], { KUBECONFIG: kc.path });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        /^vault-injector: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: .+\n$/,
      );
      expect(hasStack(run.stderr)).toBe(false);
    } finally {
      kc.remove();
    }
  });

  it('exits 2 when the API server fails every request, and when there is no kubeconfig at all', async () => {
    const api = await startCluster(seedHealthy);
    const kc = writeKubeconfig(api);
    api.setMode('error');
    try {
      const failing = await doctorBuilt([], { KUBECONFIG: kc.path });
      expect(failing.code).toBe(2);
      expect(failing.stderr).toMatch(
        /^vault-injector: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: the API server answered HTTP 500: fake API server is failing\n$/,
      );
    } finally {
      kc.remove();
      await api.close();
    }
    const none = await doctorBuilt([], { HOME: '/nonexistent-home' });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'vault-injector: no kubeconfig found (--kubeconfig, KUBECONFIG, ~/.kube/config) and not running in a pod\n',
    );
  });

  it.each([
    [['--output', 'yaml'], /--output/],
    [['--no-such-flag'], /unknown option '--no-such-flag'/],
    [['--context', 'nope'], /--context "nope": no such context/],
    [['--kubeconfig', '/nonexistent/config'], /cannot load the kubeconfig/],
    [['--run-as-user'], /argument missing|--run-as-user/],
    [['--sa-token-expiration-seconds', '5'], /--sa-token-expiration-seconds/],
  ])('exits 2 with one line for a bad flag: %j', async (args, message) => {
    const run = await doctorBuilt(args, { KUBECONFIG: healthy });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(hasStack(run.stderr)).toBe(false);
  });

  it('--help exits 0 and lists its flags next to the injector settings', async () => {
    const run = await doctorBuilt(['--help'], {});
    expect(run.code).toBe(0);
    for (const flag of [
      '--kubeconfig',
      '--context',
      '--namespace',
      '--webhook-config',
      '--injector-namespace',
      '--secret-name',
      '--output',
      '--run-as-user',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });

  it('sends only GET requests', () => {
    for (const { api } of clusters) {
      expect(api.requests.length).toBeGreaterThan(0);
      expect(api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    }
  });
});
