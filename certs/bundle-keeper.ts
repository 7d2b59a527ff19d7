// Puts the auto-TLS CA bundle in place on the webhook configuration, and holds back while another
// writer keeps rewriting it (certs/bundle-contest.ts), logging that contest without flooding.
import type { CertLogger } from './cert-logger.js';
import { splitPemCertificates } from './bundle.js';
import { BundleContest, type BundleContestOptions } from './bundle-contest.js';
import type { CertMaterial } from './rotation.js';
import type { WebhookCaBundle } from './webhook-ca-bundle.js';

export interface BundleKeeperOptions {
  readonly bundle: WebhookCaBundle;
  /** Without leader election every replica has its own CA: add ours, never replace the others. */
  readonly merge: boolean;
  readonly logger: CertLogger;
  readonly contest?: BundleContestOptions;
  readonly monotonicNow?: () => number;
}

export class BundleKeeper {
  private readonly contest: BundleContest;
  private readonly mono: () => number;
  private warnedNoWebhooks = false;
  private loggedDelayMs = 0;

  constructor(private readonly opts: BundleKeeperOptions) {
    this.contest = new BundleContest(opts.contest);
    this.mono = opts.monotonicNow ?? ((): number => performance.now());
  }

  /** Times another writer rewrote the bundle soon after ours. */
  get overwrites(): number {
    return this.contest.overwrites;
  }

  /** Puts `m`'s bundle in place; > 0: held back that many ms (nothing written). */
  async ensure(m: CertMaterial): Promise<number> {
    const { bundle, logger } = this.opts;
    const result = await bundle.ensure(m.caBundlePem, {
      merge: this.opts.merge,
      holdMs: (version) => this.contest.overwritten(this.mono(), version),
    });
    if (result.webhooks === 0 && !this.warnedNoWebhooks) {
      this.warnedNoWebhooks = true;
      logger.warn({ mwc: bundle.name }, 'webhook configuration has no webhooks');
    }
    if (result.heldMs !== undefined && result.heldMs > 0) {
      this.reportContest(result.heldMs);
      return result.heldMs;
    }
    if (result.patched.length > 0) {
      this.contest.wrote(this.mono(), result.writtenVersion);
      const cas = splitPemCertificates(m.caBundlePem).length;
      logger.info({ mwc: bundle.name, webhooks: result.patched, cas }, 'updated caBundle');
    } else {
      this.contest.intact(this.mono());
      if (this.contest.currentDelayMs === 0) this.loggedDelayMs = 0;
    }
    return 0;
  }

  /** Logged when the wait grows: a contest of any length costs a few lines, not thousands. */
  private reportContest(waitMs: number): void {
    const delayMs = this.contest.currentDelayMs;
    if (delayMs === this.loggedDelayMs) return;
    this.loggedDelayMs = delayMs;
    this.opts.logger.warn(
      {
        mwc: this.opts.bundle.name,
        overwrites: this.contest.overwrites,
        delayMs,
        waitMs: Math.round(waitMs),
      },
      'caBundle keeps being rewritten by another writer soon after ours (a vault-k8s replica still running?); waiting before patching it again',
    );
  }
}
