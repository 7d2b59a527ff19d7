// Admission traffic as the API server sends it through the Service: every review a different pod
// (so no answer cache can serve it), round-robin over the replicas in rotation, on keep-alive
// connections whose TLS is verified against the webhook's caBundle at the time of connecting.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import { makePod, makeReview } from '../helpers/pods.js';
import { SERVICE_HOST, sleep, type Cluster, type Replica } from './cluster.js';

export interface Failure {
  readonly replica: string;
  readonly reason: string;
  readonly atMs: number;
}

export interface LoadOptions {
  /** Concurrent clients. */
  readonly workers?: number;
  /** Pause between a client's requests, to leave the 2-core machine to the replicas. */
  readonly pauseMs?: number;
}

const INJECT = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'app',
  'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/app',
};

function uniqueReview(n: number): { uid: string; body: string } {
  const pod = makePod(INJECT);
  pod.metadata = { ...pod.metadata, labels: { app: `web-${n % 13}`, request: String(n) } };
  const review = makeReview(pod, `team-${n % 7}`) as { request: { uid: string } };
  const uid = randomUUID();
  review.request.uid = uid;
  return { uid, body: JSON.stringify(review) };
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

function post(r: Replica, agent: Agent, ca: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${r.url}/mutate`,
      {
        method: 'POST',
        agent,
        ca,
        servername: SERVICE_HOST,
        headers: { 'content-type': 'application/json' },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Why an answer is not a successful injection, or undefined when it is one. */
function judge(a: Answer, uid: string): string | undefined {
  if (a.status !== 200) return `HTTP ${a.status}`;
  const res = (JSON.parse(a.body) as { response?: Record<string, unknown> }).response;
  if (res?.uid !== uid) return 'wrong uid';
  if (res.allowed !== true) return 'denied';
  if (typeof res.patch !== 'string' || res.patchType !== 'JSONPatch') return 'no patch';
  return undefined;
}

export class AdmissionLoad {
  sent = 0;
  ok = 0;
  readonly failures: Failure[] = [];
  readonly perReplica = new Map<string, number>();
  private running = false;
  private workers: Promise<void>[] = [];
  private next = 0;
  private readonly agents = new Map<string, Agent>();
  private readonly started = performance.now();

  constructor(
    private readonly cluster: Cluster,
    private readonly opts: LoadOptions = {},
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.opts.workers ?? 2 }, () => this.work());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    for (const a of this.agents.values()) a.destroy();
  }

  /** Resolves once `n` more requests have been answered successfully. */
  async waitForOk(n: number, timeoutMs = 60_000): Promise<void> {
    const target = this.ok + n;
    const deadline = performance.now() + timeoutMs;
    while (this.ok < target) {
      if (performance.now() > deadline)
        throw new Error(`fewer than ${n} admissions in ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** Resolves once each of `replicas` has answered `n` more requests successfully. */
  async waitForOkEach(replicas: readonly Replica[], n: number, timeoutMs = 60_000): Promise<void> {
    const okOf = (r: Replica): number => this.perReplica.get(r.name) ?? 0;
    const targets = replicas.map((r) => okOf(r) + n);
    const deadline = performance.now() + timeoutMs;
    while (replicas.some((r, i) => okOf(r) < targets[i]!)) {
      if (performance.now() > deadline) {
        throw new Error(`not every replica answered ${n} admissions in ${timeoutMs} ms`);
      }
      await sleep(50);
    }
  }

  /** Failures, except those of replicas a test killed on purpose. */
  failuresExcept(names: readonly string[] = []): Failure[] {
    return this.failures.filter((f) => !names.includes(f.replica));
  }

  private agentFor(r: Replica): Agent {
    let a = this.agents.get(r.name);
    if (!a) {
      a = new Agent({ keepAlive: true, maxSockets: 2 });
      this.agents.set(r.name, a);
    }
    return a;
  }

  private async work(): Promise<void> {
    while (this.running) {
      const eps = this.cluster.endpoints;
      if (eps.length === 0) {
        await sleep(50);
        continue;
      }
      const r = eps[this.next++ % eps.length]!;
      await this.one(r);
      await sleep(this.opts.pauseMs ?? 30);
    }
  }

  private async one(r: Replica): Promise<void> {
    const n = this.sent++;
    const { uid, body } = uniqueReview(n);
    r.inFlight += 1;
    let reason: string | undefined;
    try {
      reason = judge(await post(r, this.agentFor(r), this.cluster.trustedBundle(), body), uid);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      reason = e.code ?? e.message;
    } finally {
      r.inFlight -= 1;
    }
    if (reason === undefined) {
      this.ok += 1;
      this.perReplica.set(r.name, (this.perReplica.get(r.name) ?? 0) + 1);
    } else {
      this.failures.push({
        replica: r.name,
        reason,
        atMs: Math.round(performance.now() - this.started),
      });
    }
  }
}
