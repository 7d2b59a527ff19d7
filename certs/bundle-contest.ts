// Another writer that replaces the caBundle on every change of the webhook configuration (a
// vault-k8s replica still running beside ours) would turn our watch-driven repair into a loop of
// patches at API speed, each undone within milliseconds. So the bundle is put back at once only the
// first time it differs from what we wrote; if it keeps being rewritten soon after, each re-patch
// waits twice as long (up to a cap) after our last write. An isolated edit (a `kubectl apply` that
// empties caBundle long after our write) is still repaired immediately.

export interface BundleContestOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** The bundle left as we wrote it this long: the contest is over, the delay resets. */
  readonly quietMs: number;
}

export const DEFAULT_BUNDLE_CONTEST: BundleContestOptions = Object.freeze({
  initialMs: 1_000,
  maxMs: 5_000,
  quietMs: 30_000,
});

export class BundleContest {
  private wroteAt = Number.NEGATIVE_INFINITY;
  /** The object's resourceVersion after our last patch: unchanged means nobody else wrote. */
  private writtenVersion: string | undefined;
  private delayMs = 0;
  /** Whether the overwrite since our last write has been counted. */
  private counted = false;
  /** Times someone else rewrote the bundle after our write, over the process's life. */
  overwrites = 0;

  constructor(private readonly opts: BundleContestOptions = DEFAULT_BUNDLE_CONTEST) {}

  /** The delay the last overwrite set (0 while there is no contest). */
  get currentDelayMs(): number {
    return this.delayMs;
  }

  /**
   * A round found the bundle not as we want it, the object at `version`: ms to wait before
   * patching (0: now). Our own change (nobody wrote since our patch) is never held.
   */
  overwritten(now: number, version: string | undefined): number {
    if (this.wroteAt === Number.NEGATIVE_INFINITY) return 0;
    if (version !== undefined && version === this.writtenVersion) return 0;
    if (!this.counted) {
      this.counted = true;
      this.overwrites += 1;
      // The first overwrite after a quiet spell costs nothing: wroteAt is long past.
      this.delayMs =
        this.delayMs === 0 ? this.opts.initialMs : Math.min(this.opts.maxMs, this.delayMs * 2);
    }
    return Math.max(0, this.wroteAt + this.delayMs - now);
  }

  /** A round found the bundle as we want it. */
  intact(now: number): void {
    if (now - this.wroteAt >= this.opts.quietMs) this.delayMs = 0;
  }

  /** We patched the bundle; the object is now at `version`. */
  wrote(now: number, version: string | undefined): void {
    this.wroteAt = now;
    this.writtenVersion = version;
    this.counted = false;
  }
}
