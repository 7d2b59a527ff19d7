// Runs election rounds on a LeaderLock: renew every retry period while leading, try to take over
// while following. A leader that cannot renew for `renewDeadlineMs` (shorter than the lease) steps
// down on its own, so it has stopped acting before any follower can see the lease as expired.
import type { CertLogger } from './cert-logger.js';
import { describeApiError } from './kube-client.js';
import type { ElectionLock } from './leader-lock.js';
import { OutageLog } from './outage-log.js';

export interface LeaderElectorOptions {
  /** What the elector uses of the lock (tests pass a fake). */
  readonly lock: ElectionLock;
  readonly retryPeriodMs: number;
  readonly renewDeadlineMs: number;
  readonly logger: CertLogger;
  /** Called after every change of `isLeader`. */
  readonly onChange: (isLeader: boolean) => void;
  readonly monotonicNow?: () => number;
  /** Shared with the process's other API loops so an outage is logged once; own one if absent. */
  readonly outage?: OutageLog;
}

export class LeaderElector {
  private leader = false;
  private lastRenew = Number.NEGATIVE_INFINITY;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private readonly mono: () => number;
  private readonly outage: OutageLog;

  constructor(private readonly opts: LeaderElectorOptions) {
    this.mono = opts.monotonicNow ?? ((): number => performance.now());
    this.outage = opts.outage ?? new OutageLog({ logger: opts.logger });
  }

  /** Leading, and the last successful renewal is within the renew deadline. */
  get isLeader(): boolean {
    return this.leader && this.mono() - this.lastRenew < this.opts.renewDeadlineMs;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops renewing; with `release` the lease is handed back so a successor takes over at once. */
  async stop(release: boolean): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.round;
    const wasLeader = this.leader;
    this.set(false);
    if (release && wasLeader) {
      try {
        await this.opts.lock.release();
        this.opts.logger.info({ lock: this.opts.lock.name }, 'released leadership');
      } catch (err) {
        this.opts.logger.warn({ err: describeApiError(err) }, 'could not release leadership');
      }
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    // Kept referenced until stop(): a follower has nothing else holding the event loop open.
    this.timer = setTimeout(() => {
      this.round = this.runRound();
    }, delayMs);
  }

  private async runRound(): Promise<void> {
    // The renewal counts from when it was sent, not from when the answer came: the write may
    // have landed (and followers started counting the lease) any time in between.
    const sentAt = this.mono();
    try {
      const held = await this.opts.lock.tryAcquireOrRenew();
      if (!this.running) return;
      this.outage.succeeded('leader election');
      if (held) this.lastRenew = sentAt;
      this.set(held);
    } catch (err) {
      if (!this.running) return;
      this.outage.failed('leader election', err, this.opts.retryPeriodMs);
      if (this.leader && !this.isLeader) this.set(false);
    }
    if (this.running) this.schedule(this.opts.retryPeriodMs);
  }

  private set(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    const { lock, logger } = this.opts;
    logger.info(
      { identity: lock.identity, lock: lock.name },
      leader ? 'became leader' : 'lost leadership',
    );
    this.opts.onChange(leader);
  }
}
