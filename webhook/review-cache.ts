// Answers for reviews seen before. A scale-up sends the API server's review of the same pod
// template many times over, differing only in the uid and managedFields' timestamps; the engine's
// answer depends on neither, so those are cut out of the key (see review-key.ts). What is stored is
// the answer without its uid: the envelope's apiVersion and the response's other fields, each
// serialised on its own; a hit serialises the envelope around the new uid and sends those bytes
// after it, with the patch never re-encoded. A review seen once is only remembered by its key: its
// answer is kept the second time, so a rollout of all-different pods (the cold path) stores nothing
// but small digests. Bounded.
import type { AdmissionReviewResponse } from '../admission/envelope.js';
import type { OutcomeVerdict } from './decision-log.js';

export interface CachedReview {
  /** The review up to the uid's value: `{"apiVersion":…,"kind":"AdmissionReview","response":{"uid":`. */
  readonly head: Buffer;
  /** The response's fields other than uid, then the closing braces, as UTF-8. */
  readonly tail: Buffer;
  readonly outcome: OutcomeVerdict;
}

/**
 * The answer to every review with this key, whatever its uid. The same text JSON.stringify gives
 * the whole review (tested): the envelope's keys in toReview's order, uid first in the response.
 */
function storedAnswer(review: AdmissionReviewResponse, outcome: OutcomeVerdict): CachedReview {
  const { uid: _uid, ...fields } = review.response;
  const head = `{"apiVersion":${JSON.stringify(review.apiVersion)},"kind":${JSON.stringify(review.kind)},"response":{"uid":`;
  // `fields` always has `allowed`, so its object text is `{"allowed":…}`: its members follow uid.
  const members = JSON.stringify(fields).slice(1);
  return { head: Buffer.from(head), tail: Buffer.from(`,${members}}`), outcome };
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
    return { payload: Buffer.concat([hit.head, id, hit.tail]), outcome: hit.outcome };
  }

  /**
   * After a miss: the engine's answer to this key's review. Kept when this key missed before;
   * otherwise only the key is remembered.
   */
  remember(key: string, review: AdmissionReviewResponse, outcome: OutcomeVerdict): void {
    if (!this.#seen.delete(key)) {
      bounded(this.#seen, this.maxSeen);
      this.#seen.set(key, true);
      return;
    }
    bounded(this.#entries, this.maxEntries);
    this.#entries.set(key, storedAnswer(review, outcome));
  }

  get size(): number {
    return this.#entries.size;
  }
}
