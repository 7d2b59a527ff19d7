// Capped exponential backoff for API retries: an unreachable API server must not be hammered, and
// a recovered one must be noticed within `maxMs`.

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Fraction of the delay added or removed at random so replicas do not retry in lockstep. */
  readonly jitter?: number;
  /** Injected for deterministic tests; returns [0, 1). */
  readonly random?: () => number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const exp = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.max(0, attempt));
  const jitter = opts.jitter ?? 0.2;
  const r = (opts.random ?? Math.random)();
  return Math.min(opts.maxMs, Math.max(0, Math.round(exp * (1 - jitter + 2 * jitter * r))));
}

/** Counts consecutive failures; `next()` gives the delay before the next attempt. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly opts: BackoffOptions) {}

  next(): number {
    const delay = backoffDelay(this.attempt, this.opts);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
