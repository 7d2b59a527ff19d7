import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from '../../certs/backoff.js';

describe('backoff', () => {
  const opts = { initialMs: 500, maxMs: 30_000, jitter: 0, random: (): number => 0.5 };

  it('doubles per failure and caps at maxMs', () => {
    expect([0, 1, 2, 3, 6, 20].map((a) => backoffDelay(a, opts))).toEqual([
      500, 1000, 2000, 4000, 30_000, 30_000,
    ]);
  });

  it('keeps jitter within bounds and never exceeds the cap', () => {
    const low = backoffDelay(2, { ...opts, jitter: 0.2, random: () => 0 });
    const high = backoffDelay(10, { ...opts, jitter: 0.2, random: () => 0.999 });
    expect(low).toBe(1600);
    expect(high).toBe(30_000);
  });

  it('resets after a success', () => {
    const b = new Backoff(opts);
    expect([b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000]);
    b.reset();
    expect(b.next()).toBe(500);
    expect(b.failures).toBe(1);
  });
});
