// Admission traffic as the API server sends it through the Service: every review a different pod
// (so no answer cache can serve it), round-robin over the endpoints in rotation (our replicas, and
// in the migration suite modelled vault-k8s pods too), on keep-alive connections whose TLS is
// verified against the webhook's caBundle at the time of connecting. An https Agent keys its
// socket pools by `ca` among other options, so a changed bundle means new, freshly verified
// connections.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:https';
import { makePod, makeReview } from '../helpers/pods.js';
import { SERVICE_HOST, sleep } from './cluster.js';

/** A member of the Service: one of our replicas or a modelled vault-k8s pod. */
export interface Endpoint {
  readonly name: string;
  readonly url: string;
  /** Admission requests sent to this endpoint and not answered yet. */
  inFlight: number;
}

/** What the load runs against: the Service's endpoints and the bundle a client trusts. */
export interface LoadTarget {
  /** The endpoints of the moment (the same array, changed in place as pods come and go). */
  readonly endpoints: readonly Endpoint[];
  /** The caBundle each request is verified with at the time of connecting. */
  readonly trustedBundle: () => string;
  /** The SNI name the API server sends; vault-helm's Service by default. */
  readonly serviceHost?: string;
}

export interface Failure {
  readonly endpoint: string;
  readonly reason: string;
  /** When the request was sent and when it failed, in ms since the load started. */
  readonly sentMs: number;
  readonly atMs: number;
}

export interface LoadOptions {
  /** Concurrent clients. */
  readonly workers?: number;
  /** Pause between a client's requests, to leave the 2-core machine to the replicas. */
  readonly pauseMs?: number;
  /** How often the waits (and an idle client) look again. */
  readonly pollMs?: number;
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

function post(
  e: Endpoint,
  agent: Agent,
  ca: string,
  servername: string,
  body: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${e.url}/mutate`,
      {
        method: 'POST',
        agent,
        ca,
        servername,
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
  readonly perEndpoint = new Map<string, number>();
  private running = false;
  private workers: Promise<void>[] = [];
  private next = 0;
  private readonly agents = new Map<string, Agent>();
  private readonly started = performance.now();

  constructor(
    private readonly target: LoadTarget,
    private readonly opts: LoadOptions = {},
  ) {}

  private get pollMs(): number {
    return this.opts.pollMs ?? 50;
  }

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
      await sleep(this.pollMs);
    }
  }

  /** Resolves once `n` more requests have been answered, successfully or not. */
  async waitForSent(n: number, timeoutMs = 60_000): Promise<void> {
    const target = this.ok + this.failures.length + n;
    const deadline = performance.now() + timeoutMs;
    while (this.ok + this.failures.length < target) {
      if (performance.now() > deadline)
        throw new Error(`fewer than ${n} answers in ${timeoutMs} ms`);
      await sleep(this.pollMs);
    }
  }

  /** Resolves once each of `endpoints` has answered `n` more requests successfully. */
  async waitForOkEach(
    endpoints: readonly Endpoint[],
    n: number,
    timeoutMs = 60_000,
  ): Promise<void> {
    const okOf = (e: Endpoint): number => this.perEndpoint.get(e.name) ?? 0;
    const targets = endpoints.map((e) => okOf(e) + n);
    const deadline = performance.now() + timeoutMs;
    while (endpoints.some((e, i) => okOf(e) < targets[i]!)) {
      if (performance.now() > deadline) {
        throw new Error(`not every replica answered ${n} admissions in ${timeoutMs} ms`);
      }
      await sleep(this.pollMs);
    }
  }

  /** Failures, except those of replicas a test killed on purpose. */
  failuresExcept(names: readonly string[] = []): Failure[] {
    return this.failures.filter((f) => !names.includes(f.endpoint));
  }

  private agentFor(e: Endpoint): Agent {
    let a = this.agents.get(e.name);
    if (!a) {
      a = new Agent({ keepAlive: true, maxSockets: 2 });
      this.agents.set(e.name, a);
    }
    return a;
  }

  /** Milliseconds since the load started, the clock of Failure's sentMs and atMs. */
  elapsedMs(): number {
    return Math.round(performance.now() - this.started);
  }

  private async work(): Promise<void> {
    while (this.running) {
      const eps = this.target.endpoints;
      if (eps.length === 0) {
        await sleep(this.pollMs);
        continue;
      }
      const e = eps[this.next++ % eps.length]!;
      await this.one(e);
      await sleep(this.opts.pauseMs ?? 30);
    }
  }

  private async one(e: Endpoint): Promise<void> {
    const n = this.sent++;
    const { uid, body } = uniqueReview(n);
    const sentMs = this.elapsedMs();
    e.inFlight += 1;
    let reason: string | undefined;
    try {
      const host = this.target.serviceHost ?? SERVICE_HOST;
      reason = judge(await post(e, this.agentFor(e), this.target.trustedBundle(), host, body), uid);
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
        sentMs,
        atMs: this.elapsedMs(),
      });
    }
  }
}
