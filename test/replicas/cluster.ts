// A small stand-in for what a Deployment of the injector meets in a cluster, for tests that run
// the BUILT binary: separate replica processes started with vault-helm's environment block, each
// with its own identity at the HTTPS fake API (which enforces vault-helm's RBAC), a Service that
// spreads admission traffic round-robin over the replicas in rotation, and kubelet-style
// readiness probes. In-process tests cannot show what this shows: a replica whose event loop
// runs dry exits, and only a real process does that.
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { decodeCaBundle } from '../../certs/bundle.js';
import { FakeKubeApi, type Obj } from '../fakes/kube-api.js';
import { CLI, REPO_ROOT } from '../helpers/serve-process.js';

export const NAMESPACE = 'vault';
export const MWC_NAME = 'vault-agent-injector-cfg';
export const SECRET_NAME = 'vault-injector-certs';
export const LOCK_NAME = 'vault-injector-leader';
/** What the API server puts in SNI when it calls the webhook Service. */
export const SERVICE_HOST = 'vault-agent-injector-svc.vault.svc';
/** The binary under test; VAULT_INJECTOR_CLI points the suite at another build (an older one, to
 *  show the suite catches what it was written for). */
const BIN = process.env.VAULT_INJECTOR_CLI ?? CLI;
const TLS_AUTO_HOSTS =
  'vault-agent-injector-svc,vault-agent-injector-svc.vault,vault-agent-injector-svc.vault.svc';

/** The injector Deployment's env block as vault-helm renders it (HA: leader election on). */
export function vaultHelmEnv(podName: string, port: number): Record<string, string> {
  return {
    NAMESPACE,
    POD_NAME: podName,
    // vault-helm listens on ":8080"; replicas sharing one host need a port each.
    AGENT_INJECT_LISTEN: `127.0.0.1:${port}`,
    AGENT_INJECT_LOG_LEVEL: 'info',
    AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
    AGENT_INJECT_VAULT_AUTH_PATH: 'auth/kubernetes',
    AGENT_INJECT_VAULT_IMAGE: 'hashicorp/vault:2.0.4',
    AGENT_INJECT_TLS_AUTO: MWC_NAME,
    AGENT_INJECT_TLS_AUTO_HOSTS: TLS_AUTO_HOSTS,
    AGENT_INJECT_LOG_FORMAT: 'standard',
    AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'false',
    AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
    AGENT_INJECT_CPU_REQUEST: '250m',
    AGENT_INJECT_MEM_REQUEST: '64Mi',
    AGENT_INJECT_CPU_LIMIT: '500m',
    AGENT_INJECT_MEM_LIMIT: '128Mi',
    AGENT_INJECT_DEFAULT_TEMPLATE: 'map',
    AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'true',
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every 25 ms; resolves with the ms it took, throws naming `what` after `timeoutMs`. */
export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<number> {
  const start = performance.now();
  while (!(await cond())) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
  return performance.now() - start;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class Replica {
  log = '';
  exit: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;
  /** Admission requests sent to this replica and not answered yet. */
  inFlight = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    readonly child: ChildProcess,
    readonly startedAt: number,
  ) {
    const collect = (chunk: Buffer): void => {
      this.log += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Log lines containing `text`. */
  lines(text: string | RegExp): string[] {
    return this.log
      .split('\n')
      .filter((l) => (typeof text === 'string' ? l.includes(text) : text.test(l)));
  }

  /** The kubelet's probe as vault-helm sets it: HTTPS GET /health/ready, 5 s timeout, certificate not verified. */
  probeReady(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = request(
        `${this.url}/health/ready`,
        { rejectUnauthorized: false, agent: false, timeout: 5000 },
        (res) => {
          res.resume();
          resolve(res.statusCode === 204);
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
  }

  /** Resolves with ms since start once ready; throws if the process exits or time runs out. */
  async waitReady(timeoutMs: number, pollMs = 100): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `${this.name} exited (${JSON.stringify(this.exit)}) before ready:\n${this.log}`,
        );
      }
      if (await this.probeReady()) return performance.now() - this.startedAt;
      await sleep(pollMs);
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.log}`);
  }

  /** The leaf this replica presents to the API server right now. */
  servedLeaf(): Promise<X509Certificate> {
    return new Promise((resolve, reject) => {
      const socket = connect({
        host: '127.0.0.1',
        port: this.port,
        servername: SERVICE_HOST,
        rejectUnauthorized: false,
      });
      socket.setTimeout(2000, () => socket.destroy(new Error('TLS probe timed out')));
      socket.once('secureConnect', () => {
        const cert = socket.getPeerX509Certificate();
        socket.end();
        if (cert) resolve(cert);
        else reject(new Error('no peer certificate'));
      });
      socket.once('error', reject);
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/**
 * Writes the pod's kubeconfig (its own identity at the fake API) and returns what spawns the
 * process, so that several replicas can be spawned back to back. `env` is the container's env block.
 */
export function replicaLauncher(
  api: FakeKubeApi,
  dir: string,
  name: string,
  port: number,
  env: Record<string, string>,
): () => Replica {
  const kubeconfig = join(dir, `${name}.kubeconfig`);
  writeFileSync(kubeconfig, api.kubeConfig(name).exportConfig());
  const fullEnv = { PATH: process.env.PATH ?? '', KUBECONFIG: kubeconfig, ...env };
  return () => {
    // vault-helm's container args: ["agent-inject", "2>&1"].
    const child = spawn(process.execPath, [BIN, 'agent-inject', '2>&1'], {
      cwd: REPO_ROOT,
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new Replica(name, port, child, performance.now());
  };
}

/** The chart's MutatingWebhookConfiguration: one webhook for pods, calling `service`, empty caBundle. */
export function chartWebhookConfig(name: string, namespace: string, service: string): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name },
    webhooks: [
      {
        name: 'vault.hashicorp.com',
        admissionReviewVersions: ['v1', 'v1beta1'],
        sideEffects: 'None',
        failurePolicy: 'Ignore',
        clientConfig: {
          service: { name: service, namespace, path: '/mutate' },
          caBundle: '',
        },
        rules: [
          {
            operations: ['CREATE', 'UPDATE'],
            apiGroups: [''],
            apiVersions: ['v1'],
            resources: ['pods'],
          },
        ],
      },
    ],
  };
}

/** The caBundle the API server would verify webhook configuration `mwcName` with now ('' when none). */
export function webhookBundle(api: FakeKubeApi, mwcName: string): string {
  const mwc = api.get('mutatingwebhookconfigurations', '', mwcName) as
    { webhooks?: { clientConfig?: { caBundle?: string } }[] } | undefined;
  return decodeCaBundle(mwc?.webhooks?.[0]?.clientConfig?.caBundle);
}

/** The leader record of ConfigMap lock `lockName` (undefined when free or absent). */
export function leaderRecord(
  api: FakeKubeApi,
  namespace: string,
  lockName: string,
): { holderIdentity?: string; renewTime?: string } | undefined {
  const cm = api.get('configmaps', namespace, lockName) as
    { metadata?: { annotations?: Record<string, string> } } | undefined;
  const raw = cm?.metadata?.annotations?.['control-plane.alpha.kubernetes.io/leader'];
  return raw ? (JSON.parse(raw) as { holderIdentity?: string; renewTime?: string }) : undefined;
}

/** Requests the fake refused with 403, as `who METHOD path`. */
export function refusedRequests(api: FakeKubeApi): string[] {
  return api.requests.filter((r) => r.status === 403).map((r) => `${r.who} ${r.method} ${r.path}`);
}

export interface ClusterOptions {
  /** AGENT_INJECT_USE_LEADER_ELECTOR; single mode also has no pre-created Secret. */
  readonly leaderElection: boolean;
  /** Extra variables for every replica (e.g. short certificate lifetimes). */
  readonly env?: Record<string, string>;
}

export class Cluster {
  readonly api = new FakeKubeApi();
  readonly replicas: Replica[] = [];
  /** The Service's endpoints: replicas admission traffic may be sent to. */
  readonly endpoints: Replica[] = [];
  private dir = '';
  private seq = 0;
  private lastBundle = '';

  constructor(private readonly opts: ClusterOptions) {}

  async start(): Promise<void> {
    await this.api.start();
    this.api.rbac = 'vault-helm';
    this.api.rbacNamespace = NAMESPACE;
    this.dir = mkdtempSync(join(tmpdir(), 'vi-replicas-'));
    this.seedWebhookConfig();
    // vault-helm pre-creates an empty Secret so that uninstalling removes it.
    if (this.opts.leaderElection) {
      this.api.put('secrets', NAMESPACE, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: SECRET_NAME },
      });
    }
  }

  /** The chart's MutatingWebhookConfiguration: one webhook, empty caBundle. */
  seedWebhookConfig(): void {
    this.api.put(
      'mutatingwebhookconfigurations',
      '',
      chartWebhookConfig(MWC_NAME, NAMESPACE, 'vault-agent-injector-svc'),
    );
  }

  /** The caBundle the API server would verify the webhook with now ('' when none). */
  bundle(): string {
    return webhookBundle(this.api, MWC_NAME);
  }

  /**
   * What a client trusts: the current bundle, or while the configuration is being re-created
   * with an empty one, the last bundle seen (only our replicas are under test, not the gap).
   */
  trustedBundle(): string {
    const now = this.bundle();
    if (now !== '') this.lastBundle = now;
    return this.lastBundle;
  }

  /** Starts one replica process (a pod of the Deployment); it is not in the Service yet. */
  async startReplica(): Promise<Replica> {
    return (await this.prepareReplica())();
  }

  /**
   * Everything before the process starts (a port, a kubeconfig), so that several replicas can
   * then be spawned back to back, as a scheduler starts a Deployment's pods together.
   */
  async prepareReplica(): Promise<() => Replica> {
    this.seq += 1;
    const name = `vault-agent-injector-6d9f${this.seq}-x${this.seq}`;
    const port = await freePort();
    const launch = replicaLauncher(this.api, this.dir, name, port, {
      ...vaultHelmEnv(name, port),
      ...(this.opts.leaderElection ? {} : { AGENT_INJECT_USE_LEADER_ELECTOR: 'false' }),
      ...this.opts.env,
    });
    return () => {
      const replica = launch();
      this.replicas.push(replica);
      return replica;
    };
  }

  /** Starts `n` replicas, waits until each is ready and puts them all behind the Service. */
  async startServing(n: number): Promise<Replica[]> {
    const replicas: Replica[] = [];
    for (let i = 0; i < n; i++) replicas.push(await this.startReplica());
    await Promise.all(replicas.map((r) => r.waitReady(30_000)));
    for (const r of replicas) this.addEndpoint(r);
    return replicas;
  }

  addEndpoint(r: Replica): void {
    if (!this.endpoints.includes(r)) this.endpoints.push(r);
  }

  removeEndpoint(r: Replica): void {
    const i = this.endpoints.indexOf(r);
    if (i >= 0) this.endpoints.splice(i, 1);
  }

  /** Who holds the leader lock now ('' when free or absent). */
  leader(): string {
    return leaderRecord(this.api, NAMESPACE, LOCK_NAME)?.holderIdentity ?? '';
  }

  /** When the holder last renewed the lock ('' when free or absent): it changes at each renewal. */
  leaderRenewTime(): string {
    return leaderRecord(this.api, NAMESPACE, LOCK_NAME)?.renewTime ?? '';
  }

  /**
   * Resolves once this cluster has spawned a replica and every replica spawned so far is past
   * start-up, the CPU-heavy part (loading modules): it has logged that auto-TLS is starting, or
   * it exited. Lets scenarios sharing the machine start their replicas one cluster at a time.
   */
  async startedUp(timeoutMs = 60_000): Promise<void> {
    await until(
      () =>
        this.replicas.length > 0 &&
        this.replicas.every((r) => !r.running || r.log.includes('auto-TLS starting')),
      timeoutMs,
      'replicas past start-up',
    );
  }

  /** Requests the fake refused with 403: the injector must never need more than vault-helm grants. */
  forbiddenRequests(): string[] {
    return refusedRequests(this.api);
  }

  /** Identities that wrote (create, update, patch) `pathPart`. */
  writers(pathPart: string): string[] {
    const who = this.api.requests
      .filter((r) => r.method !== 'GET' && r.path.includes(pathPart) && r.status < 300)
      .map((r) => r.who);
    return [...new Set(who)];
  }

  async stop(): Promise<void> {
    for (const r of this.replicas) if (r.running) r.kill('SIGKILL');
    await Promise.all(this.replicas.map((r) => r.exited));
    await this.api.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
