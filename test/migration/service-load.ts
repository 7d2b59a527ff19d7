// Admission traffic through the modelled Service during a migration: every review a different pod,
// round-robin over the endpoints of the moment (ours and vault-k8s's), each request verified
// against the caBundle of that moment (keep-alive pools are per bundle, so a changed bundle means
// new, freshly verified connections).
import { createHash, randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import { makePod, makeReview } from '../helpers/pods.js';
import type { Endpoint } from './migration-cluster.js';

export interface Failure {
  readonly endpoint: string;
  readonly reason: string;
  readonly atMs: number;
}

export interface ServiceLoadOptions {
  readonly endpoints: () => readonly Endpoint[];
  readonly bundle: () => string;
  readonly serviceHost: string;
  readonly workers?: number;
  readonly pauseMs?: number;
}

const INJECT = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'app',
  'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/app',
};

function uniqueReview(n: number): { uid: string; body: string } {
  const pod = makePod(INJECT);
  pod.metadata = { ...pod.metadata, labels: { app: `web-${n % 11}`, request: String(n) } };
  const review = makeReview(pod, `team-${n % 5}`) as { request: { uid: string } };
  const uid = randomUUID();
  review.request.uid = uid;
  return { uid, body: JSON.stringify(review) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ServiceLoad {
  sent = 0;
  ok = 0;
  readonly failures: Failure[] = [];
  readonly perEndpoint = new Map<string, number>();
  private running = false;
  private workers: Promise<void>[] = [];
  private next = 0;
  private readonly agents = new Map<string, Agent>();
  private readonly started = performance.now();

  constructor(private readonly opts: ServiceLoadOptions) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.opts.workers ?? 2 }, () => this.work());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    for (const a of this.agents.values()) a.destroy();
  }

  /** Resolves once `n` more requests have succeeded. */
  async waitForOk(n: number, timeoutMs = 60_000): Promise<void> {
    const target = this.ok + n;
    const deadline = performance.now() + timeoutMs;
    while (this.ok < target) {
      if (performance.now() > deadline) {
        throw new Error(`fewer than ${n} admissions in ${timeoutMs} ms`);
      }
      await sleep(20);
    }
  }

  /** Resolves once `n` more requests have been answered, successfully or not. */
  async waitForSent(n: number, timeoutMs = 60_000): Promise<void> {
    const target = this.ok + this.failures.length + n;
    const deadline = performance.now() + timeoutMs;
    while (this.ok + this.failures.length < target) {
      if (performance.now() > deadline)
        throw new Error(`fewer than ${n} answers in ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  private agentFor(e: Endpoint, ca: string): Agent {
    const key = `${e.name}|${createHash('sha256').update(ca).digest('hex')}`;
    let a = this.agents.get(key);
    if (!a) {
      a = new Agent({ keepAlive: true, maxSockets: 2 });
      this.agents.set(key, a);
    }
    return a;
  }

  private async work(): Promise<void> {
    while (this.running) {
      const eps = this.opts.endpoints();
      if (eps.length === 0) {
        await sleep(20);
        continue;
      }
      await this.one(eps[this.next++ % eps.length]!);
      await sleep(this.opts.pauseMs ?? 20);
    }
  }

  private post(e: Endpoint, ca: string, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${e.url}/mutate`,
        {
          method: 'POST',
          agent: this.agentFor(e, ca),
          ca,
          servername: this.opts.serviceHost,
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

  private async one(e: Endpoint): Promise<void> {
    const { uid, body } = uniqueReview(this.sent++);
    e.inFlight += 1;
    let reason: string | undefined;
    try {
      const a = await this.post(e, this.opts.bundle(), body);
      const res =
        a.status === 200
          ? (JSON.parse(a.body) as { response?: Record<string, unknown> }).response
          : undefined;
      if (a.status !== 200) reason = `HTTP ${a.status}`;
      else if (res?.uid !== uid) reason = 'wrong uid';
      else if (res.allowed !== true || typeof res.patch !== 'string')
        reason = 'not an allowed patch';
    } catch (err) {
      const ex = err as NodeJS.ErrnoException;
      reason = ex.code ?? ex.message;
    } finally {
      e.inFlight -= 1;
    }
    if (reason === undefined) {
      this.ok += 1;
      this.perEndpoint.set(e.name, (this.perEndpoint.get(e.name) ?? 0) + 1);
    } else {
      this.failures.push({
        endpoint: e.name,
        reason,
        atMs: Math.round(performance.now() - this.started),
      });
    }
  }
}
