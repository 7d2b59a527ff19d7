// The migration checks through the built binary, as an operator runs it mid-switch: an old
// vault-k8s leader beside our replica while the two fight over caBundle (a timer in this process
// plays both writers against the fake while the child runs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCA } from '../../certs/generate.js';
import { buildCli } from '../cli/built-cli.js';
import type { FakeKubeCluster } from '../fakes/kube-cluster.js';
import {
  currentCaBundle,
  NEW_POD,
  OLD_POD,
  seedMigrating,
  startFight,
} from './migration-scenarios.js';
import { startCluster } from './scenarios.js';
import { doctorBuilt, parseReport, writeKubeconfig } from './support.js';

let api: FakeKubeCluster;
let kubeconfig: { path: string; remove: () => void };
let stopFight: () => void;

beforeAll(async () => {
  buildCli();
  api = await startCluster(seedMigrating);
  kubeconfig = writeKubeconfig(api);
  // Both bundles trust the Secret's certificate (vault-k8s's first bundle is the last CA it found
  // plus its own), so the fight is the only error whichever bundle doctor happens to read.
  const seeded = currentCaBundle(api);
  const oldCa = generateCA({ commonName: 'Agent Inject CA' }).certPem;
  const merged = Buffer.concat([Buffer.from(oldCa), Buffer.from(seeded, 'base64')]);
  stopFight = startFight(api, [merged.toString('base64'), seeded]);
}, 180_000);

afterAll(async () => {
  stopFight();
  kubeconfig.remove();
  await api.close();
});

describe('vault-injector doctor mid-migration (built)', () => {
  it('reports the fight as an error and the old leader as a warning, in text, and exits 1', async () => {
    const run = await doctorBuilt([], { KUBECONFIG: kubeconfig.path });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('ERRORS (1)');
    expect(lines[1]).toMatch(
      /^ {2}cabundle-flapping +MutatingWebhookConfiguration\/vault-agent-injector-cfg +The caBundle of webhook vault\.hashicorp\.com was written \d+ times in the last minute by 2 different writers \(vault-injector, vault-k8s\), .* → keep one writer of caBundle: .*README\.md#migrating-from-vault-k8s/,
    );
    expect(lines).toContain('WARNINGS (1)');
    const warning = lines[lines.indexOf('WARNINGS (1)') + 1];
    expect(warning).toContain(`vault-k8s-leader-present  Pod/vault/${OLD_POD}`);
    expect(warning).toContain(`(pod vault/${NEW_POD})`);
    expect(warning).toContain('[owner: Deployment/vault/vault-agent-injector]');
    expect(warning).toContain(`→ finish the rollout (kubectl -n vault rollout status`);
  });

  it('gives both in JSON with their severities', async () => {
    const run = await doctorBuilt(['-o', 'json'], { KUBECONFIG: kubeconfig.path });
    expect(run.code).toBe(1);
    const report = parseReport(run.stdout);
    expect(report.findings.map((f) => [f.code, f.severity, f.object])).toEqual([
      ['cabundle-flapping', 'error', 'MutatingWebhookConfiguration/vault-agent-injector-cfg'],
      ['vault-k8s-leader-present', 'warning', `Pod/vault/${OLD_POD}`],
    ]);
    expect(report.summary).toMatchObject({ errors: 1, warnings: 1, info: 0 });
  });

  it('only reads', () => {
    const doctorRequests = api.requests.filter((r) => r.who === 'injector');
    expect(doctorRequests.length).toBeGreaterThan(0);
    expect(doctorRequests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
