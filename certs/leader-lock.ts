// A renewable leader lease stored in a ConfigMap annotation (client-go's ConfigMapLock record
// format). A ConfigMap rather than a coordination.k8s.io Lease because the vault-helm Role grants
// configmaps but not leases. Every write is an optimistic update on resourceVersion: a 409 means
// another replica wrote first, i.e. we did not get (or lost) the lease.
import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import { isConflict, isNotFound } from './kube-client.js';

export const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
export const DEFAULT_LOCK_NAME = 'vault-injector-leader';

export interface LeaderRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaderTransitions: number;
}

/** What the elector needs of a lock: LeaderLock, or a wrapper deferring to another injector. */
export interface ElectionLock {
  readonly name: string;
  readonly identity: string;
  tryAcquireOrRenew(): Promise<boolean>;
  release(): Promise<void>;
}

export interface LeaderLockOptions {
  readonly core: CoreV1Api;
  readonly namespace: string;
  readonly name?: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  /** Monotonic milliseconds; expiry is judged on our own clock, never on the holder's timestamps. */
  readonly monotonicNow?: () => number;
  /** Wall clock for the record's timestamps (informational). */
  readonly wallNow?: () => Date;
  /**
   * How far before our read a newly seen record may be dated: the previous read (at most this
   * long ago) still saw the old record, so the write came after it. Counting from there instead
   * of from now lets a follower take over within the lease plus one polling period of the last
   * renewal. The election's retry period; 0 counts from the read itself.
   */
  readonly observeBackdateMs?: number;
}

/** The annotation's JSON, or undefined when there is none or it does not parse. */
function leaderJson(cm: V1ConfigMap | undefined): Partial<LeaderRecord> | undefined {
  const raw = cm?.metadata?.annotations?.[LEADER_ANNOTATION];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Partial<LeaderRecord>;
  } catch {
    return undefined;
  }
}

export function parseLeaderRecord(cm: V1ConfigMap | undefined): LeaderRecord | undefined {
  const rec = leaderJson(cm);
  if (typeof rec?.holderIdentity !== 'string') return undefined;
  return {
    holderIdentity: rec.holderIdentity,
    leaseDurationSeconds: Number(rec.leaseDurationSeconds) || 0,
    acquireTime: String(rec.acquireTime ?? ''),
    renewTime: String(rec.renewTime ?? ''),
    leaderTransitions: Number(rec.leaderTransitions) || 0,
  };
}

/** What identifies one observed record: a renewal changes the version and the annotation. */
function recordKey(cm: V1ConfigMap): string {
  const annotation = cm.metadata?.annotations?.[LEADER_ANNOTATION] ?? '';
  return `${cm.metadata?.resourceVersion ?? ''}|${annotation}`;
}

export class LeaderLock implements ElectionLock {
  readonly name: string;
  private observedKey = '';
  private observedAt = 0;
  /** When the previous read was sent; a record first seen now was written after that. */
  private previousReadAt = Number.NEGATIVE_INFINITY;
  private readonly mono: () => number;
  private readonly wall: () => Date;

  constructor(private readonly opts: LeaderLockOptions) {
    this.name = opts.name ?? DEFAULT_LOCK_NAME;
    this.mono = opts.monotonicNow ?? ((): number => performance.now());
    this.wall = opts.wallNow ?? ((): Date => new Date());
  }

  get identity(): string {
    return this.opts.identity;
  }

  /**
   * One election round: take the lease if it is free or expired, renew it if we hold it.
   * Returns whether we hold it now. API errors other than 404/409 are thrown: the caller decides
   * how long an unconfirmed leader may go on (its renew deadline).
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { core, namespace } = this.opts;
    let current: V1ConfigMap | undefined;
    const readAt = this.mono();
    try {
      current = await core.readNamespacedConfigMap({ name: this.name, namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const rec = parseLeaderRecord(current);
    const mayTake = !current || !rec || this.mayTake(current, rec);
    this.previousReadAt = readAt;
    if (!mayTake) return false;
    const next = this.nextRecord(rec);
    try {
      if (current) await this.replace(current, next);
      else await this.create(next);
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  /** Gives the lease up (empty holder) so a successor need not wait for it to expire. */
  async release(): Promise<void> {
    const { core, namespace } = this.opts;
    const current = await core.readNamespacedConfigMap({ name: this.name, namespace });
    const rec = parseLeaderRecord(current);
    if (rec?.holderIdentity !== this.opts.identity) return;
    try {
      await this.replace(current, {
        ...rec,
        holderIdentity: '',
        renewTime: this.wall().toISOString(),
      });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }

  private mayTake(cm: V1ConfigMap, rec: LeaderRecord): boolean {
    if (rec.holderIdentity === this.opts.identity || rec.holderIdentity === '') return true;
    // Expiry counts from when *we* first saw this exact record, so clock skew between replicas
    // cannot shorten the lease; a renewal changes the record and restarts the count.
    const key = recordKey(cm);
    const now = this.mono();
    if (key !== this.observedKey) {
      this.observedKey = key;
      this.observedAt = Math.max(this.previousReadAt, now - (this.opts.observeBackdateMs ?? 0));
      return false;
    }
    const leaseMs = (rec.leaseDurationSeconds || this.opts.leaseDurationMs / 1000) * 1000;
    return now - this.observedAt >= leaseMs;
  }

  private nextRecord(prev: LeaderRecord | undefined): LeaderRecord {
    const now = this.wall().toISOString();
    const keep = prev?.holderIdentity === this.opts.identity;
    return {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: this.opts.leaseDurationMs / 1000,
      acquireTime: keep && prev ? prev.acquireTime : now,
      renewTime: now,
      leaderTransitions: (prev?.leaderTransitions ?? 0) + (keep || !prev ? 0 : 1),
    };
  }

  private async create(rec: LeaderRecord): Promise<void> {
    await this.opts.core.createNamespacedConfigMap({
      namespace: this.opts.namespace,
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: this.name, annotations: { [LEADER_ANNOTATION]: JSON.stringify(rec) } },
      },
    });
  }

  private async replace(current: V1ConfigMap, rec: LeaderRecord): Promise<void> {
    const metadata = current.metadata ?? {};
    await this.opts.core.replaceNamespacedConfigMap({
      name: this.name,
      namespace: this.opts.namespace,
      body: {
        ...current,
        // resourceVersion from our read makes this a compare-and-swap (409 if anyone wrote since).
        metadata: {
          ...metadata,
          annotations: { ...metadata.annotations, [LEADER_ANNOTATION]: JSON.stringify(rec) },
        },
      },
    });
  }
}
