// How often auto-TLS checks, renews, elects and retries: cluster defaults, shortened in tests.

export interface AutoSourceTiming {
  /** Leader (or single instance): re-check caBundle and renewal at least this often. */
  readonly reconcileIntervalMs: number;
  /** Follower: re-read the certificate Secret this often. */
  readonly followerPollMs: number;
  readonly leaseDurationMs: number;
  /** A leader that has not renewed for this long stops acting as leader (< lease duration). */
  readonly renewDeadlineMs: number;
  /** Election round period (renewal while leading, takeover attempts while following). */
  readonly retryPeriodMs: number;
  /** Follower with nothing served yet: re-read the Secret this often, so it is ready soon after the leader. */
  readonly followerWaitPollMs: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
  /** A waiting message (no certificate stored yet, caBundle not trusting it) repeats at most this often. */
  readonly waitingLogEveryMs: number;
}

export const DEFAULT_AUTO_SOURCE_TIMING: AutoSourceTiming = Object.freeze({
  reconcileIntervalMs: 30_000,
  followerPollMs: 5_000,
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  followerWaitPollMs: 1_000,
  backoffInitialMs: 500,
  // A few GETs a second across all replicas cost the API server nothing; a longer cap would
  // keep a replica unready for up to that long after the API returns.
  backoffMaxMs: 4_000,
  waitingLogEveryMs: 30_000,
});
