// Watches one MutatingWebhookConfiguration so an edit that drops our caBundle (a `kubectl apply` of
// the manifest with `caBundle: ""`) is repaired at once instead of at the next timer tick. The
// stream ends on API errors and server-side timeouts; it is restarted with capped backoff.
import { Watch } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { Backoff } from './backoff.js';
import type { CertLogger } from './cert-logger.js';
import { OutageLog } from './outage-log.js';

const MWC_PATH = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';

export interface WebhookWatchOptions {
  readonly kubeConfig: KubeConfig;
  readonly name: string;
  readonly logger: CertLogger;
  /** Called for every event on the object (ADDED on each (re)connect, MODIFIED, DELETED). */
  readonly onEvent: (type: string) => void;
  readonly restartInitialMs?: number;
  readonly restartMaxMs?: number;
  /** Shared with the process's other API loops so an outage is logged once; own one if absent. */
  readonly outage?: OutageLog;
}

export class WebhookWatch {
  private controller: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /**
   * Bumped by stop(). A stream (or a connect still awaiting its response) from an earlier start
   * is stale: its events are ignored and it is aborted, so a leadership flap (stop then start
   * within one round trip) cannot leave a second stream open that nothing will ever abort.
   */
  private generation = 0;
  private readonly backoff: Backoff;
  private readonly outage: OutageLog;

  constructor(private readonly opts: WebhookWatchOptions) {
    this.outage = opts.outage ?? new OutageLog({ logger: opts.logger });
    this.backoff = new Backoff({
      initialMs: opts.restartInitialMs ?? 1000,
      maxMs: opts.restartMaxMs ?? 30_000,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect(this.generation);
  }

  stop(): void {
    this.running = false;
    this.outage.withdraw('webhook watch');
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller?.abort();
    this.controller = undefined;
  }

  private async connect(gen: number): Promise<void> {
    const watch = new Watch(this.opts.kubeConfig);
    try {
      const controller = await watch.watch(
        MWC_PATH,
        { fieldSelector: `metadata.name=${this.opts.name}` },
        (type) => {
          if (gen !== this.generation) return;
          this.backoff.reset();
          this.outage.succeeded('webhook watch');
          this.opts.onEvent(type);
        },
        (err: unknown) => this.onDone(gen, err),
      );
      if (gen === this.generation) this.controller = controller;
      else controller.abort();
    } catch (err) {
      this.onDone(gen, err);
    }
  }

  private onDone(gen: number, err: unknown): void {
    // Stale (stopped since, maybe restarted): the current generation has its own stream.
    if (gen !== this.generation) return;
    this.controller = undefined;
    const delay = this.backoff.next();
    if (err) this.outage.failed('webhook watch', err, delay);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (gen === this.generation) void this.connect(gen);
    }, delay);
  }
}
