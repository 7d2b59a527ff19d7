// Answers for reviews seen before. A scale-up sends the API server's review of the same pod
// template many times over, differing only in the uid and managedFields' timestamps; the engine's
// answer depends on neither, so those are cut out of the key (see review-key.ts) and only the uid
// is put into the stored, already serialised answer. A review seen once is only remembered by its
// key: its answer is kept the second time, so a rollout of all-different pods (the cold path)
// stores nothing but small digests. Bounded.
import type { OutcomeVerdict } from './decision-log.js';

export interface CachedReview {
  /** Serialised response up to the uid value, and after it, as UTF-8 (sent without re-encoding). */
  readonly before: Buffer;
  readonly after: Buffer;
  readonly outcome: OutcomeVerdict;
}

/** Insertion-ordered bounded map: the oldest entry goes first. */
function bounded<K, V>(map: Map<K, V>, max: number): void {
  if (map.size < max) return;
  const oldest = map.keys().next();
  if (oldest.done !== true) map.delete(oldest.value);
}

export class ReviewCache {
  readonly #entries = new Map<string, CachedReview>();
  /** Keys answered once and not stored; a second miss stores the answer. */
  readonly #seen = new Map<string, true>();

  constructor(
    private readonly maxEntries = 256,
    /** Bodies longer than this are not keyed (hostile or huge pods). */
    readonly maxBodyLength = 64 * 1024,
    private readonly maxSeen = 4096,
  ) {}

  /** The stored answer with this request's uid, serialised; undefined when unknown. */
  get(key: string, uid: string): { payload: Buffer; outcome: OutcomeVerdict } | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    const id = Buffer.from(JSON.stringify(uid));
    return { payload: Buffer.concat([hit.before, id, hit.after]), outcome: hit.outcome };
  }

  /**
   * After a miss: `payload` is the engine's answer serialised, for request `uid`. Kept when this
   * key missed before; otherwise only the key is remembered.
   */
  remember(key: string, payload: string, uid: string, outcome: OutcomeVerdict): void {
    if (!this.#seen.delete(key)) {
      bounded(this.#seen, this.maxSeen);
      this.#seen.set(key, true);
      return;
    }
    const mark = `"response":{"uid":${JSON.stringify(uid)}`;
    const at = payload.indexOf(mark);
    if (at < 0) return;
    const split = at + mark.length - JSON.stringify(uid).length;
    bounded(this.#entries, this.maxEntries);
    this.#entries.set(key, {
      before: Buffer.from(payload.slice(0, split)),
      after: Buffer.from(payload.slice(at + mark.length)),
      outcome,
    });
  }

  get size(): number {
    return this.#entries.size;
  }
}
