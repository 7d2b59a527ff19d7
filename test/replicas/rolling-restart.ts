// A rolling restart under load, surge first as a Deployment does it: start the new replica, add
// it to the Service once ready, take the old one out, let its in-flight requests finish (the
// preStop pause), SIGTERM it. No admission may fail, every old replica must exit 0, and the new
// replicas must end up serving a leaf the current caBundle trusts.
import { expect } from 'vitest';
import { bundleTrusts } from '../../certs/bundle.js';
import { Cluster, until, type Replica } from './cluster.js';
import { AdmissionLoad } from './load.js';

async function drained(r: Replica): Promise<void> {
  await until(() => r.inFlight === 0, 30_000, `${r.name} drained`);
}

export async function rollingRestart(cluster: Cluster): Promise<string> {
  const old = await cluster.startServing(3);
  const load = new AdmissionLoad(cluster);
  load.start();
  const fresh: Replica[] = [];
  const readyTimes: number[] = [];
  try {
    await load.waitForOk(50);
    for (const r of old) {
      const next = await cluster.startReplica();
      readyTimes.push(await next.waitReady(30_000));
      cluster.addEndpoint(next);
      fresh.push(next);
      cluster.removeEndpoint(r);
      await drained(r);
      r.kill('SIGTERM');
      expect(await r.exited).toEqual({ code: 0, signal: null });
      await load.waitForOk(60);
    }
    if (load.sent < 300) await load.waitForOk(300 - load.ok);
  } finally {
    await load.stop();
  }
  expect(load.failures).toEqual([]);
  expect(load.sent).toBeGreaterThanOrEqual(300);
  const bundle = cluster.bundle();
  for (const r of fresh) {
    expect(r.running).toBe(true);
    expect(bundleTrusts(bundle, (await r.servedLeaf()).toString())).toBe(true);
  }
  expect(cluster.forbiddenRequests()).toEqual([]);
  return `rolling restart: new replicas ready after ${readyTimes
    .map((ms) => `${(ms / 1000).toFixed(1)} s`)
    .join(
      ', ',
    )}; ${load.sent} admissions sent, ${load.failures.length} failed; old replicas exited ${old
    .map((r) => r.exit?.code)
    .join(', ')}`;
}
