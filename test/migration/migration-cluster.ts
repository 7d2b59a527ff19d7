// What an in-place `helm upgrade` from vault-k8s meets: the HTTPS fake API with the chart's RBAC
// and one identity per pod, Pod objects (vault-k8s's lock is owned by one), modelled vault-k8s
// pods, our built binary as separate replica processes, and the Service's endpoint list.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleTrusts, splitPemCertificates } from '../../certs/bundle.js';
import { FakeKubeApi } from '../fakes/kube-api.js';
import {
  chartWebhookConfig,
  freePort,
  leaderRecord,
  refusedRequests,
  replicaLauncher,
  webhookBundle,
  type Replica,
} from '../replicas/cluster.js';
import type { Endpoint } from '../replicas/load.js';
import type { ChartProfile } from './profiles.js';
import { VaultK8sModel, type VaultK8sRole } from './vault-k8s-model.js';

export const CERTS_SECRET = 'vault-injector-certs';
export const VAULT_K8S_LOCK = 'vault-k8s-leader';
type ModelEndpoint = VaultK8sModel & { inFlight: number };

interface Write {
  readonly who: string;
  readonly method: string;
}

export class MigrationCluster {
  readonly api = new FakeKubeApi();
  readonly endpoints: Endpoint[] = [];
  readonly ours: Replica[] = [];
  readonly models: ModelEndpoint[] = [];
  private dir = '';
  private seq = 0;

  constructor(
    readonly profile: ChartProfile,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    await this.api.start();
    this.api.rbac = 'vault-helm';
    this.api.rbacNamespace = this.profile.namespace;
    this.dir = mkdtempSync(join(tmpdir(), 'vi-migration-'));
    this.api.put(
      'mutatingwebhookconfigurations',
      '',
      chartWebhookConfig(
        this.profile.mwcName,
        this.profile.namespace,
        this.profile.serviceHost.split('.')[0]!,
      ),
    );
    this.api.put('secrets', this.profile.namespace, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: this.profile.preCreatedSecret },
    });
  }

  /** A Pod object as the kubelet reports it: running. */
  private addPod(name: string): void {
    this.api.put('pods', this.profile.namespace, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      status: { phase: 'Running' },
    });
  }

  /** The Pod is being deleted (deletionTimestamp set); its process is still told to stop. */
  markTerminating(name: string): void {
    const pod = this.api.get('pods', this.profile.namespace, name);
    if (!pod) return;
    pod.metadata = { ...pod.metadata, deletionTimestamp: new Date().toISOString() };
    this.api.put('pods', this.profile.namespace, pod);
  }

  /** The Pod object is gone, and the garbage collector deletes what it owned (the lock). */
  deletePod(name: string): void {
    this.api.delete('pods', this.profile.namespace, name);
    const lock = this.api.get('configmaps', this.profile.namespace, VAULT_K8S_LOCK) as
      { metadata?: { ownerReferences?: { name: string }[] } } | undefined;
    if (lock?.metadata?.ownerReferences?.some((r) => r.name === name)) {
      this.api.delete('configmaps', this.profile.namespace, VAULT_K8S_LOCK);
    }
  }

  /** Starts a modelled vault-k8s pod; resolves once it serves a certificate. */
  async startVaultK8s(role: VaultK8sRole, leafValidityMs?: number): Promise<ModelEndpoint> {
    this.seq += 1;
    const name = `vault-agent-injector-5c7b${this.seq}-k${this.seq}`;
    this.addPod(name);
    const model = Object.assign(
      new VaultK8sModel({
        kubeConfig: this.api.kubeConfig(name),
        namespace: this.profile.namespace,
        podName: name,
        role,
        mwcName: this.profile.mwcName,
        hosts: this.profile.hosts,
        ...(leafValidityMs ? { leafValidityMs } : {}),
      }),
      { inFlight: 0 },
    );
    this.models.push(model);
    await model.start();
    return model;
  }

  /** Starts one of our replicas with the chart's env block; not in the Service yet. */
  async startOurs(): Promise<Replica> {
    this.seq += 1;
    const name = `vault-agent-injector-7f9d${this.seq}-x${this.seq}`;
    this.addPod(name);
    const port = await freePort();
    const replica = replicaLauncher(this.api, this.dir, name, port, {
      ...this.profile.env(name, port),
      ...this.extraEnv,
    })();
    this.ours.push(replica);
    return replica;
  }

  addEndpoint(e: Endpoint): void {
    if (!this.endpoints.includes(e)) this.endpoints.push(e);
  }

  /** Out of the Service, then resolves once its in-flight requests are answered. */
  async removeEndpoint(e: Endpoint): Promise<void> {
    const i = this.endpoints.indexOf(e);
    if (i >= 0) this.endpoints.splice(i, 1);
    while (e.inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  }

  /** The caBundle the API server verifies the webhook with now. */
  bundle(): string {
    return webhookBundle(this.api, this.profile.mwcName);
  }

  /** What admission load verifies each request with: the bundle of that very moment. */
  trustedBundle(): string {
    return this.bundle();
  }

  /** The SNI name the API server sends to this chart's Service. */
  get serviceHost(): string {
    return this.profile.serviceHost;
  }

  bundleCas(): number {
    return splitPemCertificates(this.bundle()).length;
  }

  /** The leaf in Secret vault-injector-certs ('' when none). */
  secretLeaf(): string {
    const s = this.api.get('secrets', this.profile.namespace, CERTS_SECRET) as
      { data?: Record<string, string> } | undefined;
    return s?.data?.cert ? Buffer.from(s.data.cert, 'base64').toString('utf8') : '';
  }

  /** Whether the bundle of this moment trusts `leafPem`. */
  trusts(leafPem: string): boolean {
    return leafPem !== '' && bundleTrusts(this.bundle(), leafPem);
  }

  /** Holder of our lease lock ('' when free or absent). */
  ourLeader(): string {
    return (
      leaderRecord(this.api, this.profile.namespace, 'vault-injector-leader')?.holderIdentity ?? ''
    );
  }

  /** Successful writes (create, update, patch) whose path contains `pathPart`, from request `from`. */
  writes(pathPart: string, from = 0): Write[] {
    return this.api.requests
      .slice(from)
      .filter((r) => r.method !== 'GET' && r.path.includes(pathPart))
      .filter((r) => r.status >= 200 && r.status < 300)
      .map((r) => ({ who: r.who, method: r.method }));
  }

  /** Requests the fake refused with 403. */
  forbidden(): string[] {
    return refusedRequests(this.api);
  }

  isOurs(who: string): boolean {
    return this.ours.some((r) => r.name === who);
  }

  async stop(): Promise<void> {
    for (const r of this.ours) if (r.running) r.kill('SIGKILL');
    await Promise.all(this.ours.map((r) => r.exited));
    await Promise.all(this.models.map((m) => m.stop()));
    await this.api.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Fingerprint of a PEM leaf, for comparing what two pods serve. */
export function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}
