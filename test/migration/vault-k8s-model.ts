// A model of a hashicorp/vault-k8s injector pod, for the migration tests: only its certificate
// behaviour (vault-k8s reference §5.2–5.3), against the fake API with its own identity.
// - leader (-use-leader-elector): creates ConfigMap `vault-k8s-leader` owned by its Pod ("leader
//   for life"), keeps its CA only in memory, writes `cert`/`key` (and nothing else) to Secret
//   `vault-injector-certs`, then patches webhooks[0].clientConfig.caBundle; watches every
//   MutatingWebhookConfiguration and re-patches caBundle to its own bundle on ANY event.
// - follower: serves the `cert`/`key` it reads from the Secret every 5 s, without checking them;
//   retries creating the lock (1 s → 16 s) and becomes leader when it gets it.
// - single (no leader election): leader behaviour without lock and Secret.
// The first bundle is [last certificate of the bundle found] + its CA, as vault-k8s makes it.
// It answers /mutate with a minimal allowed patch: what is under test is only whether clients
// can reach it over TLS. Keys are RSA here (vault-k8s uses ECDSA P-256; trust works the same).
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { splitPemCertificates } from '../../certs/bundle.js';
import { isConflict, isNotFound } from '../../certs/kube-client.js';
import {
  generateCA,
  generateRsaKeyPair,
  generateServingCert,
  type PemPair,
} from '../../certs/generate.js';

export type VaultK8sRole = 'leader' | 'follower' | 'single';

export interface VaultK8sModelOptions {
  readonly kubeConfig: KubeConfig;
  readonly namespace: string;
  readonly podName: string;
  readonly role: VaultK8sRole;
  readonly mwcName: string;
  readonly hosts: readonly string[];
  readonly secretName?: string;
  readonly lockName?: string;
  /** Leaf lifetime (vault-k8s: 24 h). */
  readonly leafValidityMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined): string =>
  s ? Buffer.from(s, 'base64').toString('utf8') : '';

/** Answer to any review: allowed, with a patch that only adds an annotation. */
function answer(body: string): string {
  const review = JSON.parse(body) as { request?: { uid?: string } };
  const patch = [{ op: 'add', path: '/metadata/annotations/vault-k8s-model', value: 'seen' }];
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: {
      uid: review.request?.uid,
      allowed: true,
      patchType: 'JSONPatch',
      patch: b64(JSON.stringify(patch)),
    },
  });
}

export class VaultK8sModel {
  port = 0;
  /** Acting as leader (or single): it owns the CA and patches the bundle. */
  leading = false;
  /** Successful caBundle patches this pod made. */
  patches = 0;
  private readonly core: CoreV1Api;
  private readonly admission: AdmissionregistrationV1Api;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private context: SecureContext | undefined;
  private servedCert = '';
  private ca: PemPair | undefined;
  private bundlePem = '';
  private leafNotAfter = 0;
  private timers: NodeJS.Timeout[] = [];
  private watchAbort: { abort(): void } | undefined;
  private stopped = false;
  private patching: Promise<void> = Promise.resolve();

  constructor(private readonly opts: VaultK8sModelOptions) {
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.admission = opts.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
  }

  get name(): string {
    return this.opts.podName;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** PEM of the leaf served now ('' before the first). */
  get servedCertPem(): string {
    return this.servedCert;
  }

  private get secretName(): string {
    return this.opts.secretName ?? 'vault-injector-certs';
  }

  private get lockName(): string {
    return this.opts.lockName ?? 'vault-k8s-leader';
  }

  /** Listens, then takes its role; resolves once a certificate is served. */
  async start(): Promise<void> {
    await this.listen();
    if (this.opts.role === 'follower') {
      this.every(5000, () => this.followSecret());
      await this.followSecret();
      void this.tryLeadLater(1000);
    } else if (this.opts.role === 'leader') {
      await this.createLock();
      await this.lead();
    } else {
      await this.lead();
    }
  }

  /** The process ends (vault-k8s does not trap SIGTERM): no more writes, connections cut. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.watchAbort?.abort();
    // A dead process writes nothing more: wait out a patch already sent.
    await this.patching;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private every(ms: number, fn: () => Promise<void>): void {
    const tick = (): void => {
      if (this.stopped) return;
      void fn().catch(() => undefined);
      this.timers.push(setTimeout(tick, ms));
    };
    this.timers.push(setTimeout(tick, ms));
  }

  private async listen(): Promise<void> {
    const server = createServer(
      {
        SNICallback: (_name, cb) => cb(null, this.context),
        // A placeholder until the first certificate: handshakes fail before it, as in vault-k8s.
      },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (req.url === '/health/ready') {
            res.writeHead(204).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(answer(Buffer.concat(chunks).toString('utf8')));
        });
      },
    );
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
  }

  private serve(pair: PemPair): void {
    if (pair.certPem === this.servedCert) return;
    this.context = createSecureContext({ cert: pair.certPem, key: pair.keyPem });
    this.servedCert = pair.certPem;
  }

  private async followSecret(): Promise<void> {
    if (this.leading) return;
    try {
      const s = await this.core.readNamespacedSecret({
        name: this.secretName,
        namespace: this.opts.namespace,
      });
      const certPem = unb64(s.data?.cert);
      const keyPem = unb64(s.data?.key);
      if (certPem !== '' && keyPem !== '') this.serve({ certPem, keyPem });
    } catch {
      // "failed to get secret": retried at the next tick.
    }
  }

  /** Leader for life: the ConfigMap is owned by our Pod, so it goes when the Pod goes. */
  private async createLock(): Promise<boolean> {
    const pod = await this.core.readNamespacedPod({
      name: this.opts.podName,
      namespace: this.opts.namespace,
    });
    try {
      await this.core.createNamespacedConfigMap({
        namespace: this.opts.namespace,
        body: {
          metadata: {
            name: this.lockName,
            ownerReferences: [
              {
                apiVersion: 'v1',
                kind: 'Pod',
                name: this.opts.podName,
                uid: pod.metadata?.uid ?? '',
              },
            ],
          },
        },
      });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  private async tryLeadLater(delayMs: number): Promise<void> {
    if (this.stopped) return;
    await new Promise<void>((r) => this.timers.push(setTimeout(r, delayMs)));
    if (this.stopped) return;
    const got = await this.createLock().catch(() => false);
    if (got && !this.stopped) await this.lead();
    else void this.tryLeadLater(Math.min(16_000, delayMs * 2));
  }

  private async lead(): Promise<void> {
    this.leading = true;
    const caKeys = await generateRsaKeyPair();
    this.ca = generateCA({ commonName: 'Agent Inject CA', keyPair: caKeys });
    const mwc = await this.admission.readMutatingWebhookConfiguration({ name: this.opts.mwcName });
    const old = splitPemCertificates(unb64(mwc.webhooks?.[0]?.clientConfig?.caBundle));
    this.bundlePem = [...old.slice(-1), ...splitPemCertificates(this.ca.certPem)].join('');
    await this.rotateLeaf();
    this.every(5000, () => this.rotateLeaf());
    await this.watchWebhooks();
  }

  /** A new leaf when within 10% of expiry (or none yet); stored (leader), patched, then served. */
  private async rotateLeaf(): Promise<void> {
    const validity = this.opts.leafValidityMs ?? DAY_MS;
    if (this.servedCert !== '' && Date.now() < this.leafNotAfter - validity / 10) return;
    const ca = this.ca;
    if (!ca) return;
    const leaf = generateServingCert(ca, {
      hosts: this.opts.hosts,
      commonName: 'Agent Inject Service',
      validityDays: validity / DAY_MS,
      keyPair: await generateRsaKeyPair(),
    });
    if (this.opts.role !== 'single') await this.writeSecret(leaf);
    await this.ensureBundle();
    this.leafNotAfter = Date.now() + validity;
    this.serve(leaf);
  }

  /** An unconditional update with only cert and key (whatever else was there is gone). */
  private async writeSecret(leaf: PemPair): Promise<void> {
    const body = {
      metadata: { name: this.secretName },
      data: { cert: b64(leaf.certPem), key: b64(leaf.keyPem) },
    };
    try {
      await this.core.replaceNamespacedSecret({
        name: this.secretName,
        namespace: this.opts.namespace,
        body,
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.core.createNamespacedSecret({ namespace: this.opts.namespace, body });
    }
  }

  /** Patches webhooks[0] when its caBundle is not exactly ours; one patch at a time. */
  private ensureBundle(): Promise<void> {
    const run = this.patching.then(async () => {
      if (this.stopped) return;
      const mwc = await this.admission.readMutatingWebhookConfiguration({
        name: this.opts.mwcName,
      });
      const want = b64(this.bundlePem);
      if ((mwc.webhooks?.length ?? 0) > 0 && mwc.webhooks?.[0]?.clientConfig?.caBundle === want) {
        return;
      }
      await this.admission.patchMutatingWebhookConfiguration(
        {
          name: this.opts.mwcName,
          body: [{ op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: want }],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      );
      this.patches += 1;
    });
    this.patching = run.catch(() => undefined);
    return run;
  }

  /** The cluster-wide informer: any event on any configuration re-checks ours. */
  private async watchWebhooks(): Promise<void> {
    if (this.stopped) return;
    const watch = new Watch(this.opts.kubeConfig);
    this.watchAbort = await watch.watch(
      '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      {},
      () => void this.ensureBundle().catch(() => undefined),
      () => {
        if (!this.stopped) this.timers.push(setTimeout(() => void this.watchWebhooks(), 500));
      },
    );
    if (this.stopped) this.watchAbort.abort();
  }
}
