// LeaderElector timing with a scripted lock and a manual monotonic clock.
import { describe, expect, it } from 'vitest';
import { LeaderElector } from '../../certs/leader-elector.js';
import { captureLogger, waitFor } from './support.js';

describe('LeaderElector', () => {
  it('counts the renew deadline from when the renewal was sent, not when it was answered', async () => {
    let now = 0;
    const answers: ((held: boolean) => void)[] = [];
    const lock = {
      name: 'lock',
      identity: 'me',
      tryAcquireOrRenew: () => new Promise<boolean>((resolve) => answers.push(resolve)),
      release: () => Promise.resolve(),
    };
    const elector = new LeaderElector({
      lock,
      retryPeriodMs: 60_000,
      renewDeadlineMs: 10_000,
      logger: captureLogger(),
      onChange: () => undefined,
      monotonicNow: () => now,
    });
    elector.start();
    try {
      await waitFor(() => answers.length === 1, 2000, 'the first election round');
      // The API server took 8 s to answer; the lease record was written somewhere in between,
      // so a follower may count the lease from t=0.
      now = 8_000;
      answers[0]!(true);
      await waitFor(() => elector.isLeader, 2000, 'leadership');
      now = 10_000;
      expect(elector.isLeader).toBe(false);
    } finally {
      await elector.stop(false);
    }
  });
});
