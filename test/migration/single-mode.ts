// Leader election off (one replica each, as openbao-helm renders replicas: 1): a vault-k8s pod
// without leader election still runs beside ours, rewriting the caBundle to its own bundle on
// every event of the webhook configuration. Ours adds its CA (never removing vault-k8s's),
// re-patches at once for a short grace (a rollout's overlap), then backs off. Two overlaps: a
// rollout's (vault-k8s retired after 80 answers) and a stuck one (retired once ours has backed
// off twice: the waits of initialMs and twice that are behind it). Measured, with the deterministic parts asserted: vault-k8s's traffic never fails, our
// backed-off patches are at least the first wait apart, and once vault-k8s is gone ours is trusted again
// within the back-off cap and nothing fails after.
import { expect } from 'vitest';
import { DEFAULT_BUNDLE_CONTEST } from '../../certs/bundle-contest.js';
import type { RequestRecord } from '../fakes/kube-api.js';
import { until } from '../replicas/cluster.js';
import { AdmissionLoad } from '../replicas/load.js';
import type { MigrationCluster } from './migration-cluster.js';

const { graceMs, initialMs, maxMs } = DEFAULT_BUNDLE_CONTEST;
/** The wait after the second back-off, as logged: delayMs=N (standard) or "delayMs":N (json). */
const SECOND_BACKOFF = new RegExp(`delayMs.{1,2}${initialMs * 4}\\b`);

export interface SingleModeFigures {
  readonly overlapMs: number;
  readonly overlapRequests: number;
  readonly failedToOurs: number;
  readonly failedToVaultK8s: number;
  /** After vault-k8s left, until ours was trusted again (all traffic goes to ours then). */
  readonly failedWhileRecovering: number;
  /** Our caBundle patches during the first `graceMs` of the contest (answered at once). */
  readonly oursGraceWrites: number;
  readonly oursWrites: number;
  readonly vaultK8sWrites: number;
  /** Gaps between our last three patches, ms. */
  readonly lastGapsMs: readonly number[];
  readonly recoveredMs: number;
  readonly failedAfterRecovery: number;
}

export function describeSingleMode(f: SingleModeFigures): string {
  const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  return (
    `leader election off, vault-k8s beside ours for ${s(f.overlapMs)} ` +
    `(${f.overlapRequests} admissions): ${f.failedToOurs} failed to ours, ` +
    `${f.failedToVaultK8s} to vault-k8s; caBundle writes ours ${f.oursWrites} ` +
    `(${f.oursGraceWrites} in the first ${s(graceMs)}, last gaps ` +
    `${f.lastGapsMs.map(s).join(', ')}), vault-k8s ${f.vaultK8sWrites}; ours trusted again ` +
    `${s(f.recoveredMs)} after vault-k8s went (${f.failedWhileRecovering} failed meanwhile), ` +
    `${f.failedAfterRecovery} failed after`
  );
}

function bundlePatches(records: readonly RequestRecord[], who: (w: string) => boolean): number[] {
  return records
    .filter((r) => r.method === 'PATCH' && r.path.includes('mutatingwebhookconfigurations'))
    .filter((r) => r.status === 200 && who(r.who))
    .map((r) => r.at ?? 0);
}

/**
 * `rollout`: vault-k8s goes after 80 answers with ours in the Service (about what a surge rollout
 * takes to retire the old pod); `stuck`: only once ours has backed off twice.
 */
export type Overlap = 'rollout' | 'stuck';

export async function singleModeBeside(
  cluster: MigrationCluster,
  overlapKind: Overlap,
): Promise<SingleModeFigures> {
  const old = await cluster.startVaultK8s('single');
  cluster.addEndpoint(old);
  const load = new AdmissionLoad(cluster, { pauseMs: 20, pollMs: 20 });
  load.start();
  let figures: SingleModeFigures;
  try {
    await load.waitForOk(20);
    const from = cluster.api.requests.length;
    const ours = await cluster.startOurs();
    await ours.waitReady(30_000, 50);
    cluster.addEndpoint(ours);
    const overlapStart = performance.now();
    const answeredBefore = load.ok + load.failures.length;
    const failuresBefore = load.failures.length;
    if (overlapKind === 'rollout') await load.waitForSent(80);
    else await until(() => ours.lines(SECOND_BACKOFF).length > 0, 30_000, 'second back-off');
    await cluster.removeEndpoint(old);
    const failuresAtExit = load.failures.length;
    const overlapMs = performance.now() - overlapStart;
    const overlap = cluster.api.requests.slice(from);
    await old.stop();
    cluster.deletePod(old.name);
    const recoveredMs = await until(
      async () => cluster.trusts((await ours.servedLeaf()).toString()),
      maxMs + 10_000,
      'ours trusted again',
    );
    // A request sent before this point was verified against the bundle of its own moment, which
    // may predate our patch: it counts as failed while recovering, even if it fails a little later.
    const recoveredAtMs = load.elapsedMs();
    await load.waitForOk(30);
    const failedAfterRecovery = load.failures.filter((f) => f.sentMs >= recoveredAtMs).length;
    const failuresAtRecovery = load.failures.length - failedAfterRecovery;
    const mine = bundlePatches(overlap, (w) => cluster.isOurs(w));
    const during = load.failures.slice(failuresBefore, failuresAtExit);
    figures = {
      overlapMs,
      overlapRequests: load.ok + failuresAtRecovery - answeredBefore,
      failedToOurs: during.filter((f) => f.endpoint === ours.name).length,
      failedToVaultK8s: during.filter((f) => f.endpoint === old.name).length,
      failedWhileRecovering: failuresAtRecovery - failuresAtExit,
      oursGraceWrites: mine.filter((t) => t - mine[0]! < graceMs).length,
      oursWrites: mine.length,
      vaultK8sWrites: bundlePatches(overlap, (w) => !cluster.isOurs(w)).length,
      lastGapsMs: mine.slice(-3).flatMap((t, i, a) => (i === 0 ? [] : [t - a[i - 1]!])),
      recoveredMs,
      failedAfterRecovery,
    };
  } finally {
    await load.stop();
  }
  const summary = describeSingleMode(figures);
  expect(figures.failedToVaultK8s, summary).toBe(0);
  expect(figures.failedAfterRecovery, summary).toBe(0);
  expect(figures.recoveredMs, summary).toBeLessThanOrEqual(maxMs + 2_000);
  if (overlapKind === 'stuck') {
    expect(figures.lastGapsMs, summary).toHaveLength(2);
    for (const gap of figures.lastGapsMs)
      expect(gap, summary).toBeGreaterThanOrEqual(initialMs - 50);
  }
  expect(cluster.forbidden()).toEqual([]);
  return figures;
}
