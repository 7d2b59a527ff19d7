// The in-place migration as a Deployment rollout does it (surge one, then retire one): a vault-k8s
// leader and follower serve the Service; one of ours starts, follows the vault-k8s leader and joins
// the Service; the vault-k8s follower is retired; a second of ours starts and joins; the vault-k8s
// leader is retired (its Pod terminating, or deleted with its lock garbage-collected), and ours
// elect a leader. Under continuous traffic: no request may fail, the caBundle is written at most
// 3 times from the moment our first replica starts (by anyone: our side and vault-k8s), and the
// Secret never holds a leaf the bundle of that moment does not trust (sampled every 10 ms).
import { expect } from 'vitest';
import { splitPemCertificates } from '../../certs/bundle.js';
import { until, type Replica } from '../replicas/cluster.js';
import { AdmissionLoad } from '../replicas/load.js';
import { fingerprint, type MigrationCluster } from './migration-cluster.js';

/** How the old leader goes: its Pod marked terminating first, or deleted at once (lock GC'd). */
export type LeaderExit = 'terminating' | 'deleted';

/** Checks the Secret against the bundle every 10 ms while running. */
export class TrustSampler {
  samples = 0;
  /** Samples whose Secret leaf the bundle did not trust. */
  untrusted = 0;
  /** The first few of those, described. */
  readonly violations: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly cluster: MigrationCluster) {}

  start(): void {
    this.timer = setInterval(() => {
      const leaf = this.cluster.secretLeaf();
      if (leaf === '') return;
      this.samples += 1;
      if (this.cluster.trusts(leaf)) return;
      this.untrusted += 1;
      if (this.violations.length < 5) {
        this.violations.push(
          `Secret leaf ${fingerprint(leaf).slice(0, 11)} not trusted by the bundle`,
        );
      }
    }, 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Ready, and serving exactly the leaf vault-k8s stored. */
async function joinsAsFollower(cluster: MigrationCluster, r: Replica): Promise<number> {
  const readyMs = await r.waitReady(30_000, 50);
  expect(fingerprint((await r.servedLeaf()).toString())).toBe(fingerprint(cluster.secretLeaf()));
  cluster.addEndpoint(r);
  return readyMs;
}

export async function rollingMigration(
  cluster: MigrationCluster,
  exit: LeaderExit,
): Promise<string> {
  const started = performance.now();
  const leader = await cluster.startVaultK8s('leader');
  await until(() => cluster.trusts(cluster.secretLeaf()), 10_000, 'vault-k8s leader set up');
  const follower = await cluster.startVaultK8s('follower');
  cluster.addEndpoint(leader);
  cluster.addEndpoint(follower);
  const vaultK8sCa = cluster.bundle();
  const load = new AdmissionLoad(cluster, { pauseMs: 20, pollMs: 20 });
  const sampler = new TrustSampler(cluster);
  load.start();
  sampler.start();
  const from = cluster.api.requests.length;
  let handoverMs: number;
  let coexistence: number;
  const ready: number[] = [];
  try {
    await load.waitForOk(20);
    const a = await cluster.startOurs();
    ready.push(await joinsAsFollower(cluster, a));
    await load.waitForOk(20);
    await cluster.removeEndpoint(follower);
    await follower.stop();
    cluster.deletePod(follower.name);
    const b = await cluster.startOurs();
    ready.push(await joinsAsFollower(cluster, b));
    await load.waitForOk(20);
    // Everything so far ran beside a live vault-k8s leader: ours must not have written anything.
    coexistence = cluster.api.requests.length;
    await cluster.removeEndpoint(leader);
    const gone = performance.now();
    if (exit === 'terminating') cluster.markTerminating(leader.name);
    await leader.stop();
    if (exit === 'deleted') cluster.deletePod(leader.name);
    const ourCa = (): boolean =>
      splitPemCertificates(cluster.bundle()).length === 2 && cluster.isOurs(cluster.ourLeader());
    await until(ourCa, 30_000, 'our leader and its CA in the bundle');
    await until(
      async () => {
        const leaves = await Promise.all(
          [a, b].map(async (r) => (await r.servedLeaf()).toString()),
        );
        const stored = cluster.secretLeaf();
        return leaves.every((l) => fingerprint(l) === fingerprint(stored) && cluster.trusts(l));
      },
      30_000,
      'both replicas serving the new leader’s leaf',
    );
    handoverMs = performance.now() - gone;
    if (exit === 'terminating') cluster.deletePod(leader.name);
    await load.waitForOk(30);
  } finally {
    sampler.stop();
    await load.stop();
  }
  const bundleWrites = cluster.writes('mutatingwebhookconfigurations', from);
  const ours = bundleWrites.filter((w) => cluster.isOurs(w.who)).length;
  const summary =
    `${cluster.profile.chart}, old leader ${exit}: ours ready as followers of vault-k8s after ` +
    `${ready.map(seconds).join(', ')}; handover ${seconds(handoverMs)} after the old leader went; ` +
    `${load.sent} admissions, ${load.failures.length} failed; ${bundleWrites.length} caBundle ` +
    `writes (ours ${ours}, vault-k8s ${bundleWrites.length - ours}); ${sampler.samples} Secret samples, ` +
    `${sampler.untrusted} untrusted; scenario ${seconds(performance.now() - started)}`;
  const before = cluster.api.requests.slice(from, coexistence).filter((r) => cluster.isOurs(r.who));
  expect(
    before.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`),
    summary,
  ).toEqual([]);
  expect(load.failures, summary).toEqual([]);
  expect(bundleWrites.length, summary).toBeLessThanOrEqual(3);
  expect(sampler.violations, summary).toEqual([]);
  expect(sampler.samples).toBeGreaterThan(100);
  expect(cluster.forbidden()).toEqual([]);
  // The vault-k8s CA stays next to ours: the leaf vault-k8s left (24 h) has not expired.
  const cas = splitPemCertificates(cluster.bundle()).map(fingerprint);
  expect(cas).toContain(fingerprint(vaultK8sCa));
  return summary;
}
