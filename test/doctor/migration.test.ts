// doctor in the middle of a migration from vault-k8s, through the real command and client-node
// against the HTTPS fake: an old leader still present (vault-k8s-leader-present) and two writers
// taking turns at caBundle (cabundle-flapping).
import { afterEach, describe, expect, it } from 'vitest';
import { generateCA } from '../../certs/generate.js';
import type { FakeKubeCluster } from '../fakes/kube-cluster.js';
import {
  addInjectorPod,
  addOldLeaderLock,
  addOwnLock,
  caBundleEntry,
  currentCaBundle,
  NEW_POD,
  OLD_IMAGE,
  OLD_POD,
  OUR_IMAGE,
  seedMigrating,
  setManagedFields,
  startFight,
  writeCaBundle,
} from './migration-scenarios.js';
import { MWC, seedHealthy } from './scenarios.js';
import { DoctorCluster, doctorInProcess, parseReport, type ReportJson } from './support.js';

const fake = new DoctorCluster();
let stopFight: (() => void) | undefined;

afterEach(async () => {
  stopFight?.();
  stopFight = undefined;
  await fake.stop();
});

async function doctor(
  kubeconfig: string,
  ...args: string[]
): Promise<ReportJson & { code: number | null }> {
  const run = await doctorInProcess(['--kubeconfig', kubeconfig, '-o', 'json', ...args]);
  expect(run.stderr).toBe('');
  return { ...parseReport(run.stdout), code: run.code };
}

const codes = (r: ReportJson): string[] => r.findings.map((f) => f.code);
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const mwcGets = (a: FakeKubeCluster): number =>
  a.requests.filter((r) => r.path.endsWith(`/mutatingwebhookconfigurations/${MWC}`)).length;

describe('vault-k8s-leader-present', () => {
  it('warns when the old leader Pod lives next to our replica, naming the pod, its Deployment and the fix', async () => {
    const kubeconfig = await fake.start(seedMigrating);
    const report = await doctor(kubeconfig);
    expect(report.findings).toEqual([
      {
        code: 'vault-k8s-leader-present',
        severity: 'warning',
        object: `Pod/vault/${OLD_POD}`,
        owner: 'Deployment/vault/vault-agent-injector',
        message: `Pod vault/${OLD_POD} (image ${OLD_IMAGE}) still holds the old injector's leader lock ConfigMap vault/vault-k8s-leader while vault-injector runs (pod vault/${NEW_POD}): until it is gone, it keeps issuing the serving certificate and rewriting caBundle.`,
        hint: `finish the rollout (kubectl -n vault rollout status deployment/vault-agent-injector), or delete the old pod once ours are ready (kubectl -n vault delete pod ${OLD_POD}); its lock ConfigMap goes with it and our replicas elect their own leader`,
      },
    ]);
    // A warning: exit 0.
    expect(report.code).toBe(0);
    expect(fake.api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    // Named gets only, which vault-helm's Role allows: no list of ConfigMaps.
    expect(fake.api.count('GET', '/namespaces/vault/configmaps/vault-k8s-leader')).toBe(1);
    expect(fake.api.requests.some((r) => r.path === '/api/v1/namespaces/vault/configmaps')).toBe(
      false,
    );
    expect(fake.api.count('GET', `/namespaces/vault/pods/${OLD_POD}`)).toBe(1);
  });

  it('says nothing once the old leader is going or gone, or when no replica of ours runs', async () => {
    const variants: Array<[string, (a: FakeKubeCluster) => void]> = [
      [
        'terminating',
        (a) =>
          addOldLeaderLock(
            a,
            addInjectorPod(a, { name: 'old2', image: OLD_IMAGE, deleting: true }),
          ),
      ],
      ['pod gone', (a) => addOldLeaderLock(a, { metadata: { name: 'gone', uid: 'uid-gone' } })],
      [
        'same name, another pod',
        (a) =>
          addOldLeaderLock(a, addInjectorPod(a, { name: 'old3', image: OLD_IMAGE }), {
            uid: 'uid-earlier',
          }),
      ],
      [
        'ended',
        (a) =>
          addOldLeaderLock(
            a,
            addInjectorPod(a, { name: 'old4', image: OLD_IMAGE, phase: 'Failed' }),
          ),
      ],
    ];
    for (const [label, seed] of variants) {
      const kubeconfig = await fake.start((a) => {
        seedHealthy(a);
        addInjectorPod(a, { name: NEW_POD, image: OUR_IMAGE });
        seed(a);
      });
      const report = await doctor(kubeconfig);
      expect([label, codes(report)]).toEqual([label, []]);
      await fake.stop();
    }
    // vault-k8s alone (not migrating yet, or our pods not started): nothing to say either.
    const alone = await fake.start((a) => {
      seedHealthy(a);
      addOldLeaderLock(a, addInjectorPod(a, { name: OLD_POD, image: OLD_IMAGE }));
    });
    const report = await doctor(alone);
    expect(codes(report)).toEqual([]);
    // Our own lock was read to be sure (and is absent).
    expect(fake.api.count('GET', '/namespaces/vault/configmaps/vault-injector-leader')).toBe(1);
  });

  it('recognises our replica by our leader lock when its image is named otherwise, even with -n elsewhere', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      addOldLeaderLock(a, addInjectorPod(a, { name: OLD_POD, image: OLD_IMAGE }));
      addInjectorPod(a, { name: 'ours-0', image: 'registry.example.com/platform/injector:7' });
      addOwnLock(a, 'ours-0');
    });
    const report = await doctor(kubeconfig, '-n', 'shop');
    expect(report.findings.map((f) => [f.code, f.object])).toEqual([
      ['vault-k8s-leader-present', `Pod/vault/${OLD_POD}`],
    ]);
    expect(report.findings[0]!.message).toContain('(pod vault/ours-0)');
    // The old pod has no controller: the hint cannot name a Deployment.
    expect(report.findings[0]!.hint).toMatch(/^finish the rollout, or delete the old pod/);
  });

  it("finds openbao-k8s's lock, and vault-k8s's in openbao-helm's namespace", async () => {
    for (const lock of ['openbao-k8s-leader', 'vault-k8s-leader']) {
      const kubeconfig = await fake.start((a) => {
        seedHealthy(a);
        const old = a.add('pods', {
          metadata: { name: 'openbao-agent-injector-5c-x', namespace: 'openbao' },
          spec: {
            containers: [
              { name: 'sidecar-injector', image: 'docker.io/hashicorp/vault-k8s:1.7.2' },
            ],
          },
          status: { phase: 'Running' },
        });
        a.add('pods', {
          metadata: { name: 'openbao-agent-injector-7d-y', namespace: 'openbao' },
          spec: { containers: [{ name: 'sidecar-injector', image: OUR_IMAGE }] },
          status: { phase: 'Running' },
        });
        addOldLeaderLock(a, old, { name: lock, namespace: 'openbao' });
      });
      const report = await doctor(kubeconfig, '--injector-namespace', 'openbao');
      const found = report.findings.filter((f) => f.code === 'vault-k8s-leader-present');
      expect(found.map((f) => f.object)).toEqual(['Pod/openbao/openbao-agent-injector-5c-x']);
      expect(found[0]!.message).toContain(`ConfigMap openbao/${lock} while`);
      await fake.stop();
    }
  });

  it("works under vault-helm's RBAC; a 403 on the ConfigMap or the Pod is one check-skipped", async () => {
    // Run as the injector's service account: its Role covers the named gets of ConfigMaps and
    // Pods the check makes, not a list of pods, so our replica is known by our leader lock.
    let kubeconfig = await fake.start((a) => {
      seedMigrating(a);
      addOwnLock(a, NEW_POD);
      a.rbac = 'vault-helm';
    });
    let report = await doctor(kubeconfig);
    expect(report.findings.filter((f) => f.code === 'vault-k8s-leader-present')).toHaveLength(1);
    const skipped = report.findings.filter((f) => f.code === 'check-skipped');
    expect(skipped.map((f) => f.object)).toContain('Pod/*');
    expect(skipped.filter((f) => f.message.includes('vault-k8s-leader-present'))).toEqual([]);
    await fake.stop();

    // Without our lock and without the pod list, doctor cannot tell, and says which read it lacked.
    kubeconfig = await fake.start((a) => {
      seedMigrating(a);
      a.rbac = 'vault-helm';
    });
    report = await doctor(kubeconfig);
    expect(report.findings.filter((f) => f.message.includes('vault-k8s-leader-present'))).toEqual([
      expect.objectContaining({
        code: 'check-skipped',
        object: 'Pod/*',
        message:
          'Cannot list pods in all namespaces (403 Forbidden), so vault-k8s-leader-present was not checked.',
      }),
    ]);
    await fake.stop();

    // The Role is bound in vault only: the leader locks of another namespace are refused.
    kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      a.rbac = 'vault-helm';
    });
    report = await doctor(kubeconfig, '--injector-namespace', 'openbao');
    expect(report.findings.filter((f) => f.object.startsWith('ConfigMap/'))).toEqual([
      {
        code: 'check-skipped',
        severity: 'warning',
        object: 'ConfigMap/openbao/vault-k8s-leader',
        message:
          'Cannot get ConfigMap openbao/vault-k8s-leader (403 Forbidden), so vault-k8s-leader-present was not checked.',
        hint: expect.stringContaining('grant the identity doctor runs as get and list'),
      },
    ]);
    await fake.stop();

    kubeconfig = await fake.start((a) => {
      seedMigrating(a);
      a.forbid('pods');
    });
    report = await doctor(kubeconfig);
    expect(report.findings.map((f) => [f.code, f.object])).toEqual([
      ['check-skipped', 'Pod/*'],
      ['check-skipped', `Pod/vault/${OLD_POD}`],
    ]);
    expect(report.findings[1]!.message).toBe(
      `Cannot get Pod vault/${OLD_POD} (403 Forbidden), so vault-k8s-leader-present was not checked.`,
    );
  });
});

describe('cabundle-flapping', () => {
  const caA = b64(generateCA({ commonName: 'Agent Inject CA' }).certPem);
  const caB = b64(generateCA({ commonName: 'vault-injector CA' }).certPem);
  let currentCaBundleOfSeed = '';

  it('catches two leaders answering each other within a short second look, and exits 1', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      writeCaBundle(a, 'vault-injector', caB);
    });
    stopFight = startFight(fake.api, [caA, caB]);
    const started = Date.now();
    const report = await doctor(kubeconfig);
    const elapsed = Date.now() - started;
    const flapping = report.findings.filter((f) => f.code === 'cabundle-flapping');
    expect(flapping).toEqual([
      {
        code: 'cabundle-flapping',
        severity: 'error',
        object: `MutatingWebhookConfiguration/${MWC}`,
        message: expect.stringMatching(
          /^The caBundle of webhook vault\.hashicorp\.com was written [2-9] times in the last minute by 2 different writers \(vault-injector, vault-k8s\), so the API server trusts one writer's CA and then the other's, and calls to the replicas serving the other's certificate fail\. It changed (once|[2-9] times) while doctor read it again over \d\.\d s\.$/,
        ),
        hint: expect.stringContaining('README.md#migrating-from-vault-k8s'),
      },
    ]);
    expect(report.code).toBe(1);
    // The probe stops as soon as it has seen the second writer: well within its two seconds.
    expect(mwcGets(fake.api)).toBeGreaterThanOrEqual(2);
    expect(mwcGets(fake.api)).toBeLessThanOrEqual(6);
    // A loose bound on a loaded machine; the probe itself adds at most 5 × 400 ms.
    expect(elapsed).toBeLessThan(8_000);
  });

  it('reads once when two managers own the caBundles of two webhooks, both written in the last minute', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      const mwc = a.get('mutatingwebhookconfigurations', '', MWC) as {
        webhooks: Array<Record<string, unknown>>;
      };
      mwc.webhooks.push({ ...mwc.webhooks[0], name: 'vault-2.hashicorp.com' });
      a.put('mutatingwebhookconfigurations', '', mwc);
      const now = Date.now();
      setManagedFields(a, [
        caBundleEntry('vault-k8s', ['vault.hashicorp.com'], new Date(now - 5_000)),
        caBundleEntry('vault-injector', ['vault-2.hashicorp.com'], new Date(now - 20_000)),
      ]);
    });
    const report = await doctor(kubeconfig);
    expect(report.findings.map((f) => f.code)).toEqual(['cabundle-flapping']);
    expect(report.findings[0]!.message).toMatch(
      /^The caBundle of webhooks vault-2\.hashicorp\.com, vault\.hashicorp\.com was written 2 times in the last minute by 2 different writers \(vault-injector, vault-k8s\), .* fail\.$/,
    );
    expect(mwcGets(fake.api)).toBe(1);
  });

  it('one recent writer is not flapping: the probe looks for two seconds at most and finds nothing', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      currentCaBundleOfSeed = currentCaBundle(a);
      writeCaBundle(a, 'vault-k8s', caA);
      // Our leader took over a moment later: vault-k8s lost the field, and with it its entry.
      writeCaBundle(a, 'vault-injector', currentCaBundleOfSeed);
    });
    const started = Date.now();
    const report = await doctor(kubeconfig);
    expect(codes(report)).toEqual([]);
    expect(report.code).toBe(0);
    expect(mwcGets(fake.api)).toBe(6);
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('a write older than a minute is not even a reason to look again', async () => {
    const kubeconfig = await fake.start((a) => {
      seedHealthy(a);
      setManagedFields(a, [
        caBundleEntry('vault-k8s', ['vault.hashicorp.com'], new Date(Date.now() - 61_000)),
      ]);
    });
    const report = await doctor(kubeconfig);
    expect(codes(report)).toEqual([]);
    expect(mwcGets(fake.api)).toBe(1);
  });
});
