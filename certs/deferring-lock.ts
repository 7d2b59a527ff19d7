// Our leader lock, yielding to a running vault-k8s leader: while one holds `vault-k8s-leader`, no
// replica of ours takes (or keeps) the lead, so none writes the Secret or patches the caBundle and
// the two injectors never take turns rewriting it. Once that leader is gone, election proceeds.
import type { CertLogger } from './cert-logger.js';
import type { ForeignLeaderCheck } from './foreign-leader.js';
import type { ElectionLock } from './leader-lock.js';

export interface DeferringLockOptions {
  readonly inner: ElectionLock;
  /** The foreign lock's name, for the log lines. */
  readonly foreignLock: string;
  readonly check: () => Promise<ForeignLeaderCheck>;
  readonly logger: CertLogger;
}

export class DeferringLock implements ElectionLock {
  private last: ForeignLeaderCheck['kind'] | '' = '';

  constructor(private readonly opts: DeferringLockOptions) {}

  get name(): string {
    return this.opts.inner.name;
  }

  get identity(): string {
    return this.opts.inner.identity;
  }

  /** True while the last check found the foreign leader running. */
  get deferring(): boolean {
    return this.last === 'alive';
  }

  async tryAcquireOrRenew(): Promise<boolean> {
    const check = await this.opts.check();
    this.report(check);
    if (check.kind === 'alive') return false;
    return this.opts.inner.tryAcquireOrRenew();
  }

  release(): Promise<void> {
    return this.opts.inner.release();
  }

  /** Logged when the state changes, not every round. */
  private report(check: ForeignLeaderCheck): void {
    const previous = this.last;
    this.last = check.kind;
    if (check.kind === previous) return;
    const { logger, foreignLock } = this.opts;
    if (check.kind === 'alive') {
      logger.info(
        { lock: foreignLock, pod: check.pod, ...(check.why ? { note: check.why } : {}) },
        'a vault-k8s leader holds its lock: following it (serving the pair it stores, writing nothing)',
      );
    } else if (check.kind === 'gone') {
      logger.info(
        { lock: foreignLock, pod: check.pod, why: check.why },
        'the vault-k8s leader is gone: leader election proceeds',
      );
    } else if (check.kind === 'unreadable') {
      logger.warn(
        { lock: foreignLock, why: check.why },
        'cannot tell whether vault-k8s still leads; grant configmaps and pods get in this namespace',
      );
    } else if (previous === 'alive') {
      logger.info(
        { lock: foreignLock },
        'the vault-k8s lock was removed: leader election proceeds',
      );
    }
  }
}
