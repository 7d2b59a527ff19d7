// Auto-TLS (--tls-auto NAME --tls-auto-hosts ...): generates a CA and a short-lived serving
// certificate, keeps clientConfig.caBundle of every webhook in NAME equal to the CA bundle, and
// rotates at two thirds of each certificate's life. With --use-leader-elector only the leader
// generates and patches; it shares the material through a Secret that every replica serves from.
//
// Invariant: a certificate is handed to the server (onCertificate) only once the caBundle the API
// server uses trusts it, and the Secret holds a leaf only once the bundle trusts it: the leader
// patches the bundle before it stores new material; followers check the bundle before serving.
//
// In-place migration from vault-k8s: while a vault-k8s leader runs (certs/foreign-leader.ts) no
// replica leads; followers serve the `cert`/`key` it stores in the same Secret. The first leader
// after it keeps the CAs clients trust next to its own until the leaf vault-k8s left expires
// (certs/inherited-cas.ts).
import { X509Certificate } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { Backoff } from './backoff.js';
import { SYSTEM_CLOCK, type CertLogger, type Clock } from './cert-logger.js';
import { MemoryCertStore, SecretCertStore, type CertStore } from './cert-store.js';
import type { LoadedMaterial, ServingPair } from './cert-store.js';
import type { BundleContestOptions } from './bundle-contest.js';
import { BundleKeeper } from './bundle-keeper.js';
import { DeferringLock } from './deferring-lock.js';
import { checkForeignLeader, VAULT_K8S_LOCK_NAME } from './foreign-leader.js';
import { inheritFrom, inheritedExpired, withInherited } from './inherited-cas.js';
import { splitPemCertificates } from './bundle.js';
import { rotateLogged } from './rotate.js';
import { createKubeClients } from './kube-client.js';
import { LeaderElector } from './leader-elector.js';
import { LeaderLock } from './leader-lock.js';
import { OutageLog } from './outage-log.js';
import {
  isConsistent,
  keyMatches,
  nextRenewal,
  planRotation,
  type CertGenerator,
  type CertMaterial,
  type InheritedCas,
  type RotationPlan,
} from './rotation.js';
import type { CertificateSource, ServingCertificate } from './source.js';
import { WebhookCaBundle } from './webhook-ca-bundle.js';
import { isOwn, pairMaterial, sameMaterial } from './material.js';
import { WebhookWatch } from './webhook-watch.js';
import { DEFAULT_AUTO_SOURCE_TIMING, type AutoSourceTiming } from './auto-source-timing.js';

export { DEFAULT_AUTO_SOURCE_TIMING, type AutoSourceTiming } from './auto-source-timing.js';

export interface AutoCertificateSourceOptions {
  readonly kubeConfig: KubeConfig;
  /** --tls-auto: the MutatingWebhookConfiguration whose caBundle we keep. */
  readonly webhookConfigName: string;
  /** --tls-auto-hosts: SANs of the serving certificate (DNS names or IPs). */
  readonly hosts: readonly string[];
  readonly logger: CertLogger;
  readonly useLeaderElector?: boolean;
  /** NAMESPACE: where the lock ConfigMap and the certificate Secret live. */
  readonly namespace?: string;
  /** POD_NAME: our identity in the lock. */
  readonly podName?: string;
  readonly leafValidityDays?: number;
  readonly caValidityDays?: number;
  readonly secretName?: string;
  readonly lockName?: string;
  /** vault-k8s's leader-for-life ConfigMap: while its owner Pod runs, we follow it. */
  readonly foreignLockName?: string;
  /** How patches are held back while another writer keeps rewriting the caBundle. */
  readonly bundleContest?: BundleContestOptions;
  readonly timing?: Partial<AutoSourceTiming>;
  readonly clock?: Clock;
  /**
   * Monotonic milliseconds for leases, the renew deadline and how often outages and waits are
   * logged (performance.now by default); injected so tests can let a lease run out at once.
   */
  readonly monotonicNow?: () => number;
  readonly generator?: CertGenerator;
}

interface Parts {
  readonly store: CertStore;
  readonly bundle: WebhookCaBundle;
  readonly keeper: BundleKeeper;
  readonly watch: WebhookWatch;
  readonly elector: LeaderElector | undefined;
}

function validate(opts: AutoCertificateSourceOptions): void {
  if (opts.webhookConfigName.trim() === '') throw new Error('--tls-auto needs a name');
  if (opts.hosts.every((h) => h.trim() === '')) throw new Error('--tls-auto-hosts is empty');
  if (opts.useLeaderElector && !opts.podName) {
    throw new Error('--use-leader-elector needs POD_NAME (the lock holder identity)');
  }
}

export class AutoCertificateSource implements CertificateSource {
  private readonly t: AutoSourceTiming;
  private readonly clock: Clock;
  private readonly mono: () => number;
  private readonly log: CertLogger;
  private parts: Parts | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private busy = false;
  private rerun = false;
  private served: CertMaterial | undefined;
  private waitingLogged = '';
  private waitingLoggedAt = Number.NEGATIVE_INFINITY;
  private readonly outage: OutageLog;
  private readonly backoff: Backoff;
  private onCertificate: (cert: ServingCertificate) => void = () => undefined;
  private onError: (err: Error) => void = () => undefined;
  private first: { resolve: () => void; reject: (err: Error) => void } | undefined;

  constructor(private readonly opts: AutoCertificateSourceOptions) {
    validate(opts);
    const timing = { ...DEFAULT_AUTO_SOURCE_TIMING, ...opts.timing };
    this.t = opts.timing?.renewDeadlineMs
      ? timing
      : { ...timing, renewDeadlineMs: Math.round((timing.leaseDurationMs * 2) / 3) };
    this.clock = opts.clock ?? SYSTEM_CLOCK;
    this.mono = opts.monotonicNow ?? ((): number => performance.now());
    this.log = opts.logger;
    this.backoff = new Backoff({ initialMs: this.t.backoffInitialMs, maxMs: this.t.backoffMaxMs });
    this.outage = new OutageLog({ logger: this.log, monotonicNow: this.mono });
  }

  /** Leading (always true without --use-leader-elector). */
  get isLeader(): boolean {
    return this.parts?.elector ? this.parts.elector.isLeader : this.running;
  }

  get current(): ServingCertificate | undefined {
    return this.served && toServing(this.served);
  }

  /**
   * Starts the loops and resolves once the first certificate has been handed out (vault-k8s also
   * waits for it before listening); until then the API is retried with capped backoff.
   */
  start(
    onCertificate: (cert: ServingCertificate) => void,
    onError: (err: Error) => void,
  ): Promise<void> {
    if (this.running) return Promise.reject(new Error('AutoCertificateSource already started'));
    this.onCertificate = onCertificate;
    this.onError = onError;
    this.parts = this.build();
    this.running = true;
    const first = new Promise<void>((resolve, reject) => (this.first = { resolve, reject }));
    const role = this.opts.useLeaderElector ? 'elect' : 'single';
    this.log.info(
      { mwc: this.opts.webhookConfigName, hosts: this.opts.hosts, mode: role },
      'auto-TLS starting',
    );
    if (this.parts.elector) this.parts.elector.start();
    else this.parts.watch.start();
    this.schedule(0);
    return first;
  }

  /** Stops everything. `releaseLock: false` leaves the lease to expire (as a crash would). */
  async stop(opts: { releaseLock?: boolean } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.parts?.watch.stop();
    await this.ticking;
    await this.parts?.elector?.stop(opts.releaseLock ?? true);
    this.first?.reject(new Error('auto-TLS stopped before the first certificate'));
    this.first = undefined;
  }

  private build(): Parts {
    const { kubeConfig, namespace = 'default' } = this.opts;
    const { core, admission } = createKubeClients(kubeConfig);
    const name = this.opts.webhookConfigName;
    const elector = this.opts.useLeaderElector ? this.buildElector(core) : undefined;
    const bundle = new WebhookCaBundle(admission, name);
    return {
      store: elector
        ? new SecretCertStore(core, namespace, this.opts.secretName)
        : new MemoryCertStore(),
      bundle,
      keeper: new BundleKeeper({
        bundle,
        merge: !this.opts.useLeaderElector,
        logger: this.log,
        contest: this.opts.bundleContest,
      }),
      watch: new WebhookWatch({
        kubeConfig,
        name,
        logger: this.log,
        onEvent: () => this.kick(),
        outage: this.outage,
        restartInitialMs: this.t.backoffInitialMs,
        restartMaxMs: this.t.backoffMaxMs,
      }),
      elector,
    };
  }

  private buildElector(core: ReturnType<typeof createKubeClients>['core']): LeaderElector {
    const namespace = this.opts.namespace ?? 'default';
    const foreignLock = this.opts.foreignLockName ?? VAULT_K8S_LOCK_NAME;
    const lock = new DeferringLock({
      inner: new LeaderLock({
        core,
        namespace,
        name: this.opts.lockName,
        identity: this.opts.podName ?? '',
        leaseDurationMs: this.t.leaseDurationMs,
        observeBackdateMs: this.t.retryPeriodMs,
        monotonicNow: this.mono,
      }),
      foreignLock,
      check: () => checkForeignLeader(core, namespace, foreignLock),
      logger: this.log,
    });
    return new LeaderElector({
      lock,
      retryPeriodMs: this.t.retryPeriodMs,
      renewDeadlineMs: this.t.renewDeadlineMs,
      logger: this.log,
      outage: this.outage,
      onChange: (leader) => this.onLeadership(leader),
      monotonicNow: this.mono,
    });
  }

  private onLeadership(leader: boolean): void {
    if (!this.running) return;
    // Only the leader reacts to caBundle edits; followers would fight it during a CA change.
    if (leader) this.parts?.watch.start();
    else this.parts?.watch.stop();
    this.kick();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    // Not unref'd: until stop() this loop is work the process exists to do (an unref'd timer let
    // a replica waiting for its first certificate end with exit code 13).
    this.timer = setTimeout(() => {
      this.ticking = this.runTick();
    }, delayMs);
  }

  /** Run a round now (watch event, leadership change); coalesced with one already running. */
  private kick(): void {
    if (!this.running) return;
    if (this.busy) this.rerun = true;
    else this.schedule(0);
  }

  private async runTick(): Promise<void> {
    this.busy = true;
    let delay: number;
    try {
      delay = this.isLeader ? await this.leaderRound() : await this.followerRound();
      this.backoff.reset();
      this.outage.succeeded('certificate round');
    } catch (err) {
      delay = this.backoff.next();
      // Logged once per outage by the shared OutageLog, not per retry (and not as an error
      // through onError: keeping the current certificate is the designed answer to an outage).
      if (this.running) this.outage.failed('certificate round', err, delay);
    }
    this.busy = false;
    if (!this.running) return;
    this.schedule(this.rerun ? 0 : delay);
    this.rerun = false;
  }

  private async leaderRound(): Promise<number> {
    const material = await this.storedMaterial();
    if (material === undefined) return this.t.retryPeriodMs;
    // The caBundle patch has no compare-and-swap: a replica whose lease lapsed during this
    // round must not overwrite the bundle a new leader may already have changed.
    if (!this.stillLeading()) return this.t.retryPeriodMs;
    const heldMs = await this.ensureBundle(material);
    if (heldMs > 0) return Math.min(heldMs, this.untilNextRound(material, this.leaderInterval()));
    this.handOut(material);
    return this.untilNextRound(material, this.leaderInterval());
  }

  /**
   * With a shared Secret the leader re-reads it as often as followers do, so a deleted Secret is
   * stored again within seconds; the webhook configuration has its watch for that.
   */
  private leaderInterval(): number {
    return this.opts.useLeaderElector
      ? Math.min(this.t.reconcileIntervalMs, this.t.followerPollMs)
      : this.t.reconcileIntervalMs;
  }

  /**
   * The leader's material once the store holds it: as loaded, restored, or rotated. Undefined when
   * the round must be retried (leadership lapsed, or the store changed under us).
   */
  private async storedMaterial(): Promise<CertMaterial | undefined> {
    const { store } = this.requireParts();
    const loaded = await store.load();
    // A deleted or emptied Secret is re-stored from what this replica serves: a new CA would make
    // every replica and the caBundle change for nothing. A pair vault-k8s stored is not ours to
    // re-store: it has no CA we could rotate with.
    const material =
      loaded.material ?? (this.served && isOwn(this.served) ? this.served : undefined);
    const now = this.clock.now();
    const plan = planRotation(material, { hosts: this.opts.hosts, now });
    if (material && !plan.renewCa && !plan.renewLeaf) {
      if (inheritedExpired(material, now)) {
        const dropped = withInherited(material, undefined, now);
        this.log.info(
          {},
          'the leaf vault-k8s left has expired: dropping its CAs from the caBundle',
        );
        return this.write(store, dropped, loaded.version);
      }
      return loaded.material ? material : this.restore(store, material, loaded.version);
    }
    return this.renew(store, loaded, plan, now);
  }

  private async restore(
    store: CertStore,
    material: CertMaterial,
    version: string | undefined,
  ): Promise<CertMaterial | undefined> {
    if (!this.stillLeading()) return undefined;
    if (!(await store.save(material, version))) return undefined;
    this.log.info(
      { secret: 'restored' },
      'certificate store was empty; stored the served certificate again',
    );
    return material;
  }

  private async renew(
    store: CertStore,
    loaded: LoadedMaterial,
    plan: RotationPlan,
    now: Date,
  ): Promise<CertMaterial | undefined> {
    const material =
      loaded.material ?? (this.served && isOwn(this.served) ? this.served : undefined);
    const { bundle } = this.requireParts();
    const previousBundlePem = material?.caBundlePem ?? (await bundle.currentBundle());
    const rotated = await rotateLogged(material, plan, {
      hosts: this.opts.hosts,
      now,
      previousBundlePem,
      leafValidityDays: this.opts.leafValidityDays,
      caValidityDays: this.opts.caValidityDays,
      generator: this.opts.generator,
      logger: this.log,
    });
    const inherited = material
      ? material.inherited
      : this.takeover(previousBundlePem, loaded.pair, now);
    return this.write(store, withInherited(rotated, inherited, now), loaded.version);
  }

  /**
   * Taking over from vault-k8s: its leaf (in the Secret, or the one we served as its follower) may
   * still be served for a while, so the CAs clients trust now stay until it expires.
   */
  private takeover(
    currentBundlePem: string,
    storedPair: ServingPair | undefined,
    now: Date,
  ): InheritedCas | undefined {
    const served = this.served && !isOwn(this.served) ? this.served : undefined;
    const inherited = inheritFrom(currentBundlePem, (storedPair ?? served)?.certPem, now);
    if (inherited) {
      this.log.info(
        { cas: splitPemCertificates(inherited.casPem).length, until: inherited.until },
        'taking over from vault-k8s: keeping the CAs clients trust now until its leaf expires',
      );
    }
    return inherited;
  }

  /**
   * Bundle first, then the store: a leaf in the Secret is always trusted already, also by the
   * vault-k8s followers that may still be running (they serve whatever `cert` says, unchecked).
   * Key generation blocks for a while; if another replica took over meanwhile, the
   * compare-and-swap on the store's version rejects our write and we re-read theirs.
   */
  private async write(
    store: CertStore,
    next: CertMaterial,
    version: string | undefined,
  ): Promise<CertMaterial | undefined> {
    if (!this.stillLeading()) return undefined;
    if ((await this.ensureBundle(next)) > 0) return undefined;
    if (!this.stillLeading()) return undefined;
    if (!(await store.save(next, version))) {
      this.log.info({}, 'certificate store changed under us; re-reading');
      return undefined;
    }
    return next;
  }

  /** Checked before each write of a leader round, which can outlast the renew deadline. */
  private stillLeading(): boolean {
    if (this.isLeader) return true;
    this.log.info({}, 'leadership lapsed during the round; not writing');
    return false;
  }

  /** Puts `m`'s bundle in place; > 0: held back that many ms by a contest over the bundle. */
  private ensureBundle(m: CertMaterial): Promise<number> {
    return this.requireParts().keeper.ensure(m);
  }

  private async followerRound(): Promise<number> {
    const { store, bundle } = this.requireParts();
    const loaded = await store.load();
    // Our leader's material, else the bare pair a vault-k8s leader stores.
    const material = loaded.material ?? (loaded.pair && pairMaterial(loaded.pair));
    if (!material) {
      this.logOnce('no-secret', 'info', {}, 'waiting for the leader to store a certificate');
    } else if (!sameMaterial(this.served, material)) {
      const usable = isOwn(material)
        ? isConsistent(material)
        : keyMatches(material.certPem, material.keyPem);
      if (!usable) {
        this.logOnce('inconsistent', 'warn', {}, 'stored certificate is inconsistent; waiting');
      } else if (!(await bundle.trusts(material.certPem))) {
        this.logOnce(
          'untrusted',
          'info',
          { mwc: bundle.name },
          'waiting for caBundle to trust the stored certificate',
        );
      } else {
        this.handOut(material);
      }
    }
    return this.served ? this.t.followerPollMs : this.t.followerWaitPollMs;
  }

  private handOut(m: CertMaterial): void {
    if (!this.running || sameMaterial(this.served, m)) return;
    const leaf = new X509Certificate(m.certPem);
    this.served = m;
    this.waitingLogged = '';
    this.waitingLoggedAt = Number.NEGATIVE_INFINITY;
    this.log.info(
      { serial: leaf.serialNumber, notAfter: leaf.validTo, role: this.role() },
      'serving certificate updated',
    );
    this.onCertificate(toServing(m));
    this.first?.resolve();
    this.first = undefined;
  }

  private untilNextRound(m: CertMaterial, intervalMs: number): number {
    const inheritedUntil = m.inherited ? new Date(m.inherited.until).getTime() : Infinity;
    const due = Math.min(nextRenewal(m).getTime(), inheritedUntil);
    return Math.max(0, Math.min(intervalMs, due - this.clock.now().getTime()));
  }

  private role(): string {
    if (!this.opts.useLeaderElector) return 'single';
    return this.isLeader ? 'leader' : 'follower';
  }

  /** A waiting state is logged when it starts and then at most every waitingLogEveryMs. */
  private logOnce(key: string, level: 'info' | 'warn', obj: object, msg: string): void {
    const now = this.mono();
    if (this.waitingLogged === key && now - this.waitingLoggedAt < this.t.waitingLogEveryMs) return;
    this.waitingLogged = key;
    this.waitingLoggedAt = now;
    this.log[level](obj, msg);
  }

  private requireParts(): Parts {
    if (!this.parts) throw new Error('AutoCertificateSource not started');
    return this.parts;
  }
}

function toServing(m: CertMaterial): ServingCertificate {
  return { certPem: m.certPem, keyPem: m.keyPem, caPem: m.caBundlePem };
}
