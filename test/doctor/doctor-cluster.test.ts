// `vault-injector doctor` against the HTTPS fake of the Kubernetes API, through the real command
// and client-node, as an operator would run it on a broken and on a healthy cluster.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeKubeCluster } from '../fakes/kube-cluster.js';
import { MWC, seedBroken, seedHealthy } from './scenarios.js';
import { DoctorCluster, doctorInProcess, parseReport, type ReportJson } from './support.js';

const fake = new DoctorCluster();

afterEach(async () => {
  await fake.stop();
});

function only(report: ReportJson, code: string): ReportJson['findings'] {
  return report.findings.filter((f) => f.code === code);
}

function expectOnlyReads(a: FakeKubeCluster): void {
  expect(a.requests.length).toBeGreaterThan(10);
  expect(a.requests.filter((r) => r.method !== 'GET')).toEqual([]);
}

describe('doctor on a broken cluster', () => {
  it('reports every problem with its code, severity, object, cause and owner, and exits 1', async () => {
    const kubeconfig = await fake.start(seedBroken);
    const run = await doctorInProcess(['--kubeconfig', kubeconfig, '--output', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = parseReport(run.stdout);

    expect(only(report, 'cabundle-empty')).toEqual([
      expect.objectContaining({
        severity: 'error',
        object: `MutatingWebhookConfiguration/${MWC}`,
        message: expect.stringContaining('vault-2.hashicorp.com has an empty caBundle'),
      }),
    ]);
    expect(only(report, 'cabundle-mismatch')).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: expect.stringContaining(
          'does not verify against the caBundle of webhook vault.hashicorp.com',
        ),
      }),
    ]);
    expect(only(report, 'failure-policy-ignore')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        hint: expect.stringContaining('Fail with matchConditions'),
      }),
    ]);
    expect(only(report, 'no-ready-injector')).toEqual([
      expect.objectContaining({
        severity: 'error',
        object: 'Service/vault/vault-agent-injector-svc',
      }),
    ]);

    const notInjected = only(report, 'not-injected').map((f) => [f.object, f.cause, f.owner]);
    expect(notInjected).toEqual([
      ['Pod/kube-system/sysapp', 'system-namespace', undefined],
      ['Pod/legacy/billing', 'namespace-excluded', undefined],
      ['Pod/shop/skipped', 'object-excluded', undefined],
      ['Pod/shop/web-5d8f-bbbbb', 'unknown', 'Deployment/shop/web'],
    ]);
    expect(only(report, 'not-injected').every((f) => f.severity === 'error')).toBe(true);

    expect(only(report, 'job-sidecar-stuck')).toEqual([
      expect.objectContaining({
        severity: 'error',
        object: 'Pod/shop/nightly-29000000-xyz12',
        owner: 'CronJob/shop/nightly',
        hint: expect.stringContaining('agent-native-sidecar'),
      }),
    ]);

    const denied = only(report, 'would-deny');
    expect(denied.map((f) => f.object)).toEqual([
      'Deployment/shop/api',
      'ReplicationController/shop/ancient',
    ]);
    expect(denied[0]!.message).toContain('vault.hashicorp.com/agent-limits-cpu="lots"');
    expect(denied[1]!.message).toContain('vault.hashicorp.com/agent-inject="maybe"');

    const lint = only(report, 'lint');
    expect(lint.map((f) => [f.object, f.severity])).toEqual([
      ['CronJob/shop/nightly', 'warning'],
      ['StatefulSet/shop/db', 'warning'],
    ]);
    expect(lint[1]!.message).toContain('did you mean agent-inject-secret-db?');
    expect(only(report, 'misplaced-annotations')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        object: 'DaemonSet/shop/agent',
        message: expect.stringContaining('vault.hashicorp.com/agent-inject'),
      }),
    ]);
    // Finished pods, pods that did not ask, and injected pods are not findings.
    const objects = report.findings.map((f) => f.object);
    for (const quiet of ['Pod/shop/done', 'Pod/shop/plain', 'Pod/shop/web-5d8f-aaaaa']) {
      expect(objects).not.toContain(quiet);
    }
    expect(report.summary).toMatchObject({ errors: 10, warnings: 4, info: 0, namespace: 'all' });
    expectOnlyReads(fake.api);
  });

  it('names a missing webhook configuration, and it becomes the cause of every uninjected pod', async () => {
    const kubeconfig = await fake.start(seedBroken);
    const run = await doctorInProcess([
      '--kubeconfig',
      kubeconfig,
      '--webhook-config',
      'not-there',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(1);
    const report = parseReport(run.stdout);
    expect(only(report, 'webhook-missing')).toEqual([
      expect.objectContaining({
        severity: 'error',
        object: 'MutatingWebhookConfiguration/not-there',
        message: expect.stringContaining('does not exist'),
      }),
    ]);
    expect(new Set(only(report, 'not-injected').map((f) => f.cause))).toEqual(
      new Set(['webhook-missing']),
    );
    // Nothing about a configuration that is not there.
    expect(only(report, 'cabundle-empty')).toEqual([]);
    expect(only(report, 'failure-policy-ignore')).toEqual([]);
  });

  it('prints a table grouped by severity, each line naming the object, the problem and the fix', async () => {
    const kubeconfig = await fake.start(seedBroken);
    const run = await doctorInProcess(['--kubeconfig', kubeconfig]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const errors = lines.indexOf('ERRORS (10)');
    const warnings = lines.indexOf('WARNINGS (4)');
    expect(errors).toBe(0);
    expect(warnings).toBeGreaterThan(errors);
    const stuck = lines.find((l) => l.includes('job-sidecar-stuck'));
    expect(stuck).toMatch(
      /^ {2}job-sidecar-stuck +Pod\/shop\/nightly-29000000-xyz12 +Every app container .* \[owner: CronJob\/shop\/nightly\] → set vault\.hashicorp\.com\/agent-native-sidecar/,
    );
    expect(lines.indexOf(lines.find((l) => l.includes('misplaced-annotations'))!)).toBeGreaterThan(
      warnings,
    );
    // The README's sample is this very run.
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('$ vault-injector doctor\n') + '$ vault-injector doctor\n'.length;
    expect(readme.slice(start, readme.indexOf('```', start))).toBe(run.stdout);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe(
      '10 errors, 4 warnings, 0 info (checked 8 pods and 11 workloads in all namespaces, webhook configuration vault-agent-injector-cfg).',
    );
  });

  it('-n checks one namespace only', async () => {
    const kubeconfig = await fake.start(seedBroken);
    const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-n', 'legacy', '-o', 'json']);
    const report = parseReport(run.stdout);
    const podOrWorkload = report.findings.filter((f) => !f.object.startsWith('MutatingWebhook'));
    expect(podOrWorkload.map((f) => f.object)).toEqual([
      'Service/vault/vault-agent-injector-svc',
      'Pod/legacy/billing',
    ]);
    expect(report.summary).toMatchObject({ namespace: 'legacy', podsChecked: 1 });
    expect(fake.api.requests.some((r) => r.path === '/api/v1/namespaces/legacy/pods')).toBe(true);
    expect(fake.api.requests.some((r) => r.path === '/api/v1/pods')).toBe(false);
    expectOnlyReads(fake.api);
  });
});

describe('doctor on a healthy cluster', () => {
  it('exits 0 with no finding', async () => {
    const kubeconfig = await fake.start(seedHealthy);
    const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = parseReport(run.stdout);
    expect(report.findings).toEqual([]);
    expect(report.summary).toMatchObject({
      errors: 0,
      warnings: 0,
      info: 0,
      podsChecked: 1,
      workloadsChecked: 6,
    });
    expectOnlyReads(fake.api);
  });

  it('says so in text', async () => {
    const kubeconfig = await fake.start(seedHealthy);
    const run = await doctorInProcess(['--kubeconfig', kubeconfig]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'No problems found (checked 1 pod and 6 workloads in all namespaces, webhook configuration vault-agent-injector-cfg).\n',
    );
  });

  it("judges workloads by the injector's own settings: --run-as-same-user denies them all", async () => {
    // A valid setting these pods cannot meet: none of their containers sets runAsUser to take.
    const kubeconfig = await fake.start(seedHealthy);
    const viaFlag = await doctorInProcess([
      '--kubeconfig',
      kubeconfig,
      '--run-as-same-user',
      '-o',
      'json',
    ]);
    expect(viaFlag.code).toBe(1);
    const denied = only(parseReport(viaFlag.stdout), 'would-deny');
    expect(denied.map((f) => f.object)).toEqual(['CronJob/shop/report', 'Deployment/shop/web']);
    expect(denied[0]!.message).toContain('--run-as-same-user="true"');
    const viaEnv = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json'], {
      AGENT_INJECT_RUN_AS_SAME_USER: 'true',
    });
    expect(only(parseReport(viaEnv.stdout), 'would-deny')).toHaveLength(2);
  });

  it('accepts a caBundle that cert-manager fills, and reads Endpoints where EndpointSlices are not served', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      const mwc = a.get('mutatingwebhookconfigurations', '', MWC) as {
        metadata: Record<string, unknown>;
        webhooks: Array<{ clientConfig: Record<string, unknown> }>;
      };
      mwc.metadata.annotations = { 'cert-manager.io/inject-ca-from': 'vault/injector-cert' };
      delete mwc.webhooks[0]!.clientConfig.caBundle;
      a.put('mutatingwebhookconfigurations', '', mwc);
      a.unserve('endpointslices');
      a.add('endpoints', {
        metadata: { name: 'vault-agent-injector-svc', namespace: 'vault' },
        subsets: [{ addresses: [{ ip: '10.0.0.9' }], ports: [{ port: 8080 }] }],
      });
    });
    const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json']);
    expect(parseReport(run.stdout).findings).toEqual([]);
    expect(run.code).toBe(0);
    expect(fake.api.count('GET', '/namespaces/vault/endpoints/vault-agent-injector-svc')).toBe(1);
  });

  it('falls back to an Endpoints object with no address: no ready injector', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      a.forbid('endpointslices');
      a.add('endpoints', {
        metadata: { name: 'vault-agent-injector-svc', namespace: 'vault' },
        subsets: [],
      });
    });
    const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json']);
    expect(run.code).toBe(1);
    expect(parseReport(run.stdout).findings.map((f) => f.code)).toEqual(['no-ready-injector']);
  });
});

describe('doctor with credentials the API server refuses', () => {
  it('exits 2 with one line', async () => {
    const kubeconfig = await fake.start(seedHealthy);
    writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8').replace('fake-token', 'stolen'));
    const run = await doctorInProcess(['--kubeconfig', kubeconfig]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^vault-injector: cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: the API server refused the credentials \(401 Unauthorized\)\n$/,
    );
  });
});

describe('doctor with missing permissions', () => {
  it('turns each 403 into one warning naming the skipped checks, and still runs the others', async () => {
    const kubeconfig = await fake.start((a) => {
      seedBroken(a);
      a.forbid('pods');
      a.forbid('secrets');
      a.forbid('daemonsets');
    });
    const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json']);
    expect(run.stderr).toBe('');
    const report = parseReport(run.stdout);
    const skipped = only(report, 'check-skipped');
    expect(skipped.map((f) => [f.object, f.severity])).toEqual([
      ['DaemonSet/*', 'warning'],
      ['Pod/*', 'warning'],
      ['Secret/vault/vault-injector-certs', 'warning'],
    ]);
    expect(skipped.find((f) => f.object === 'Pod/*')!.message).toBe(
      'Cannot list pods in all namespaces (403 Forbidden), so not-injected, job-sidecar-stuck, env-config-missing were not checked.',
    );
    // What could be read is still checked.
    expect(only(report, 'cabundle-empty')).toHaveLength(1);
    expect(only(report, 'would-deny')).toHaveLength(2);
    expect(only(report, 'not-injected')).toEqual([]);
    expect(only(report, 'cabundle-mismatch')).toEqual([]);
    expect(run.code).toBe(1);
    expectOnlyReads(fake.api);
  });

  it('a cluster-reader without the webhook configuration gets warnings, not a crash (exit 0)', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      a.forbid('mutatingwebhookconfigurations');
    });
    const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json']);
    expect(run.code).toBe(0);
    const report = parseReport(run.stdout);
    expect(report.findings.map((f) => [f.code, f.severity, f.object])).toEqual([
      ['check-skipped', 'warning', `MutatingWebhookConfiguration/${MWC}`],
    ]);
    expect(report.findings[0]!.message).toContain('webhook-missing, cabundle-empty');
  });

  it('a kind the API does not serve is info', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      a.unserve('cronjobs');
    });
    const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json']);
    expect(run.code).toBe(0);
    expect(parseReport(run.stdout).findings).toEqual([
      expect.objectContaining({ code: 'check-skipped', severity: 'info', object: 'CronJob/*' }),
    ]);
  });
});
