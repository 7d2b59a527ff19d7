// Another writer that replaces the caBundle on every change of the webhook configuration (a
// vault-k8s replica still running beside ours) turns our watch-driven repair into a loop: each of
// our patches is undone within one round trip, and ours is trusted only between its patch and the
// other's. During a rollout that overlap lasts a second or two, and answering at once keeps ours
// trusted for as much of it as possible (measured: README "Migrating from vault-k8s"). A contest
// that goes on longer is not a rollout: from then on each re-patch waits twice as long after our
// last one (up to a cap), so two injectors cannot keep the API server busy indefinitely. An
// isolated edit (a `kubectl apply` emptying caBundle long after our write) is repaired at once.

export interface BundleContestOptions {
  /** Re-patch at once while the contest is younger than this. */
  readonly graceMs: number;
  /** After the grace: the first wait after our last patch, doubled at each further overwrite. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** The bundle left as we wrote it this long: the contest is over. */
  readonly quietMs: number;
}

export const DEFAULT_BUNDLE_CONTEST: BundleContestOptions = Object.freeze({
  graceMs: 5_000,
  initialMs: 500,
  maxMs: 2_000,
  quietMs: 30_000,
});

export class BundleContest {
  private wroteAt = Number.NEGATIVE_INFINITY;
  /** The object's resourceVersion after our last patch: unchanged means nobody else wrote. */
  private writtenVersion: string | undefined;
  /** When the current contest began (its first overwrite); undefined while there is none. */
  private since: number | undefined;
  private delayMs = 0;
  /** Whether the overwrite since our last write has been counted. */
  private counted = false;
  /** Times someone else rewrote the bundle after our write, over the process's life. */
  overwrites = 0;

  constructor(private readonly opts: BundleContestOptions = DEFAULT_BUNDLE_CONTEST) {}

  /** The wait the last overwrite set (0 while re-patching at once). */
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
      this.since ??= now;
      if (now - this.since >= this.opts.graceMs) {
        this.delayMs =
          this.delayMs === 0 ? this.opts.initialMs : Math.min(this.opts.maxMs, this.delayMs * 2);
      }
    }
    return Math.max(0, this.wroteAt + this.delayMs - now);
  }

  /** A round found the bundle as we want it. */
  intact(now: number): void {
    if (now - this.wroteAt < this.opts.quietMs) return;
    this.since = undefined;
    this.delayMs = 0;
  }

  /** We patched the bundle; the object is now at `version`. */
  wrote(now: number, version: string | undefined): void {
    this.wroteAt = now;
    this.writtenVersion = version;
    this.counted = false;
  }
}
