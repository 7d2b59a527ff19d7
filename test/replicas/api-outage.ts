// Shared body of the start-during-an-API-outage scenarios: 15 s of 500s, then a closed port
// (connection refused), then a healthy API. Every replica must stay alive throughout, log the
// outage once (not once per retry, and without a stack trace), and be ready within 10 s of the
// API's return.
import { expect } from 'vitest';
import { Cluster, sleep, type Replica } from './cluster.js';
import { AdmissionLoad } from './load.js';

export interface OutageFigures {
  readonly readyAfterReturnMs: number[];
  readonly apiRequestsDuringOutage: number;
  readonly sent: number;
  readonly failed: number;
}

export async function startDuringOutage(
  cluster: Cluster,
  replicaCount: number,
): Promise<OutageFigures> {
  cluster.api.setMode('error');
  const replicas: Replica[] = [];
  for (let i = 0; i < replicaCount; i++) replicas.push(await cluster.startReplica());
  await sleep(15_000);
  expect(replicas.map((r) => r.exit)).toEqual(replicas.map(() => undefined));
  await cluster.api.refuseConnections();
  await sleep(3_000);
  expect(replicas.map((r) => r.exit)).toEqual(replicas.map(() => undefined));
  const duringOutage = cluster.api.requests.length;
  cluster.api.setMode('up');
  await cluster.api.acceptConnections();
  const back = performance.now();
  const readyAfterReturnMs = await Promise.all(
    replicas.map(async (r) => {
      await r.waitReady(10_000);
      return performance.now() - back;
    }),
  );
  for (const r of replicas) cluster.addEndpoint(r);
  const load = new AdmissionLoad(cluster);
  load.start();
  try {
    await load.waitForOk(60);
  } finally {
    await load.stop();
  }
  expect(load.failures).toEqual([]);
  for (const r of replicas) {
    expect(r.running).toBe(true);
    // Dozens of retries in 18 s, one line: the outage, then one for the recovery.
    expect(r.lines('Kubernetes API unavailable')).toHaveLength(1);
    expect(r.lines('Kubernetes API reachable again')).toHaveLength(1);
    expect(r.lines(/^\s+at /)).toEqual([]);
    expect(r.lines(/\[(WARN|ERROR)\]/).length).toBeLessThanOrEqual(2);
  }
  expect(cluster.forbiddenRequests()).toEqual([]);
  return {
    readyAfterReturnMs,
    apiRequestsDuringOutage: duringOutage,
    sent: load.sent,
    failed: load.failures.length,
  };
}

export function describeOutage(mode: string, f: OutageFigures): string {
  return `API outage at start (${mode}): ${f.apiRequestsDuringOutage} API calls retried during 18 s without an exit, ready ${f.readyAfterReturnMs
    .map((ms) => `${(ms / 1000).toFixed(1)} s`)
    .join(', ')} after the API returned; ${f.sent} admissions sent, ${f.failed} failed`;
}
