// The leader is SIGKILLed under load (no lock release, as in a node crash). A survivor must take
// the lock within the lease (15 s) plus one retry period (2 s), then repair a caBundle someone
// empties; the survivors answer every admission meanwhile.
import { expect } from 'vitest';
import { bundleTrusts } from '../../certs/bundle.js';
import { Cluster, until, MWC_NAME } from './cluster.js';
import { AdmissionLoad } from './load.js';

const LEASE_MS = 15_000;
const RETRY_MS = 2_000;

export async function killLeader(cluster: Cluster): Promise<string> {
  const replicas = await cluster.startServing(3);
  const load = new AdmissionLoad(cluster);
  load.start();
  let takeoverMs: number;
  let repairMs: number;
  const leader = replicas.find((r) => r.name === cluster.leader());
  expect(leader).toBeDefined();
  try {
    await load.waitForOk(50);
    // Kill just after a renewal the survivors can see, so the takeover waits out a whole lease.
    const renewed = cluster.leaderRenewTime();
    await until(() => cluster.leaderRenewTime() !== renewed, RETRY_MS + 5_000, 'a lease renewal');
    leader!.kill('SIGKILL');
    cluster.removeEndpoint(leader!);
    takeoverMs = await until(
      () => ![leader!.name, ''].includes(cluster.leader()),
      LEASE_MS + RETRY_MS + 5_000,
      'a new leader',
    );
    const bundleBefore = cluster.bundle();
    const mwc = cluster.api.get('mutatingwebhookconfigurations', '', MWC_NAME) as {
      webhooks: { clientConfig: { caBundle: string } }[];
    };
    for (const w of mwc.webhooks) w.clientConfig.caBundle = '';
    cluster.api.put('mutatingwebhookconfigurations', '', mwc);
    repairMs = await until(() => cluster.bundle() !== '', 35_000, 'caBundle repaired');
    expect(cluster.bundle()).toBe(bundleBefore);
    await load.waitForOk(60);
  } finally {
    await load.stop();
  }
  const survivors = replicas.filter((r) => r !== leader);
  expect(load.failuresExcept([leader!.name])).toEqual([]);
  expect(survivors.map((r) => r.running)).toEqual([true, true]);
  expect(survivors.map((r) => r.name)).toContain(cluster.leader());
  for (const r of survivors) {
    expect(bundleTrusts(cluster.bundle(), (await r.servedLeaf()).toString())).toBe(true);
  }
  expect(takeoverMs).toBeLessThanOrEqual(LEASE_MS + RETRY_MS);
  expect(cluster.forbiddenRequests()).toEqual([]);
  return `leader killed: takeover after ${(takeoverMs / 1000).toFixed(1)} s (lease 15 s + retry 2 s), caBundle repaired by the new leader after ${repairMs.toFixed(0)} ms; ${load.sent} admissions sent, ${load.failuresExcept([leader!.name]).length} failed on survivors (${load.failures.length - load.failuresExcept([leader!.name]).length} in flight to the killed leader)`;
}
