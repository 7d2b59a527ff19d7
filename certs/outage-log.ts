// One log line per Kubernetes API outage, not one per retry. The certificate loop, the leader
// election and the webhook watch all retry on their own schedules; during an outage of minutes
// their retries would bury every other line. They share one OutageLog per process: the first
// failure is logged with its reason (never a stack trace), a reminder at most every
// `repeatMs` while it lasts, and one line once every loop that failed has succeeded again (one
// loop's success does not end another's failures: a missing permission fails only one of them).
// Each retry is logged at debug.
import type { CertLogger } from './cert-logger.js';
import { describeApiError } from './kube-client.js';

export const DEFAULT_OUTAGE_REPEAT_MS = 30_000;

export interface OutageLogOptions {
  readonly logger: CertLogger;
  readonly repeatMs?: number;
  readonly monotonicNow?: () => number;
}

export class OutageLog {
  private failures = 0;
  /** The loops whose last call failed. */
  private readonly failingLoops = new Set<string>();
  private since = 0;
  private lastLogged = 0;
  private readonly repeatMs: number;
  private readonly mono: () => number;

  constructor(private readonly opts: OutageLogOptions) {
    this.repeatMs = opts.repeatMs ?? DEFAULT_OUTAGE_REPEAT_MS;
    this.mono = opts.monotonicNow ?? ((): number => performance.now());
  }

  get failing(): boolean {
    return this.failures > 0;
  }

  /** A call by `what` failed and will be retried in `retryInMs`. */
  failed(what: string, err: unknown, retryInMs: number): void {
    const reason = describeApiError(err);
    const now = this.mono();
    this.failures += 1;
    this.failingLoops.add(what);
    this.opts.logger.debug?.({ what, reason, retryInMs }, 'Kubernetes API call failed; retrying');
    if (this.failures === 1) {
      this.since = now;
      this.lastLogged = now;
      this.opts.logger.warn(
        { what, reason, retryInMs },
        'Kubernetes API unavailable; retrying with backoff and keeping the current certificate',
      );
    } else if (now - this.lastLogged >= this.repeatMs) {
      this.lastLogged = now;
      this.opts.logger.warn(
        { what, reason, failures: this.failures, forMs: Math.round(now - this.since) },
        'Kubernetes API still unavailable; retrying',
      );
    }
  }

  /** A call by `what` succeeded; the outage ends when no loop is failing any more. */
  succeeded(what: string): void {
    this.failingLoops.delete(what);
    if (this.failures === 0 || this.failingLoops.size > 0) return;
    this.opts.logger.info(
      { failures: this.failures, downMs: Math.round(this.mono() - this.since) },
      'Kubernetes API reachable again',
    );
    this.failures = 0;
  }

  /**
   * `what` stopped calling (a watch only the leader runs): its failures no longer hold the outage
   * open. When nothing else is failing, the outage is closed quietly, since nothing showed the API
   * is back.
   */
  withdraw(what: string): void {
    this.failingLoops.delete(what);
    if (this.failingLoops.size === 0) this.failures = 0;
  }
}
