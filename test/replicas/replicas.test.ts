// Process-level fault suite, part of `make test`: the built binary as separate replica processes
// (see cluster.ts). Starting together runs alone, other test files included (its 10 s readiness
// bound should not measure other scenarios' start-up); the rest run concurrently, each with its own fake API server,
// because they mostly wait (leases, outages, certificate lifetimes): in sequence they would add
// minutes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseAlone } from '../alone-gate.js';
import { ensureBuilt } from '../fault/support.js';
import { describeOutage, startDuringOutage } from './api-outage.js';
import { Cluster } from './cluster.js';
import { killLeader } from './leader-killed.js';
import { removeObjectsWhileServing } from './objects-removed.js';
import { rollingRestart } from './rolling-restart.js';
import { startTogether } from './start-together.js';
import { rotateUnderLoad, SHORT_LIFETIMES } from './rotation.js';

const clusters: Cluster[] = [];
/** Settles once the cluster created last is past start-up. */
let turn: Promise<unknown> = Promise.resolve();

/**
 * A cluster for one scenario, started once the previous scenario's replicas are past start-up:
 * loading the binary's modules is the CPU-heavy part, and one cluster at a time keeps six
 * scenarios' start-ups from starving each other on two cores while their long waits still overlap.
 */
async function cluster(opts: ConstructorParameters<typeof Cluster>[0]): Promise<Cluster> {
  const previous = turn;
  const c = new Cluster(opts);
  clusters.push(c);
  // A scenario that fails before starting replicas only delays the next one by startedUp's bound.
  turn = previous.then(() => c.startedUp()).catch(() => undefined);
  await previous;
  await c.start();
  return c;
}

beforeAll(() => {
  ensureBuilt();
});
afterAll(async () => {
  releaseAlone();
  await Promise.all(clusters.map((c) => c.stop()));
});

describe('replicas as separate processes, alone', () => {
  // The other test files of the run wait until this is over (test/alone-gate.ts).
  it('3 replicas with leader election started together', async () => {
    try {
      console.log(await startTogether(await cluster({ leaderElection: true })));
    } finally {
      releaseAlone();
    }
  }, 60_000);
});

// Longest first; each later scenario starts its replicas once the one before has started its own.
describe.concurrent('replicas as separate processes', () => {
  it('leaf and CA rotate across 3 replicas under load', async () => {
    const c = await cluster({ leaderElection: true, env: SHORT_LIFETIMES });
    console.log(await rotateUnderLoad(c));
  }, 120_000);

  it('API outage at start, single mode, 1 replica', async () => {
    const figures = await startDuringOutage(await cluster({ leaderElection: false }), 1);
    expect(figures.readyAfterReturnMs.every((ms) => ms <= 10_000)).toBe(true);
    console.log(describeOutage('single, 1 replica', figures));
  }, 90_000);

  it('API outage at start, elect mode, 2 replicas', async () => {
    const figures = await startDuringOutage(await cluster({ leaderElection: true }), 2);
    expect(figures.readyAfterReturnMs.every((ms) => ms <= 10_000)).toBe(true);
    console.log(describeOutage('elect, 2 replicas', figures));
  }, 90_000);

  it('rolling restart under load', async () => {
    console.log(await rollingRestart(await cluster({ leaderElection: true })));
  }, 120_000);

  it('leader killed under load', async () => {
    console.log(await killLeader(await cluster({ leaderElection: true })));
  }, 120_000);

  it('objects removed while running are repaired and serving never stops', async () => {
    console.log(await removeObjectsWhileServing(await cluster({ leaderElection: true })));
  }, 120_000);
});
