// Answers for reviews seen before. A scale-up sends the API server's review of the same pod
// template many times over; the engine's answer depends only on the object (less managedFields),
// the operation, the request kind and namespace, the review version and the process's
// configuration, so those form the key and only the uid is put into the stored, already
// serialised answer. Bounded.
import { isRecord } from '../patches/is-record.js';
import type { AdmissionReviewRequest, AdmissionReviewResponse } from '../admission/envelope.js';
import type { InjectionOutcome } from '../patches/outcome.js';

export interface CachedReview {
  /** Serialised response up to the uid value, and after it, as UTF-8 (sent without re-encoding). */
  readonly before: Buffer;
  readonly after: Buffer;
  readonly outcome: InjectionOutcome;
}

const UID_MARK = '"response":{"uid":""';

export class ReviewCache {
  readonly #entries = new Map<string, CachedReview>();

  constructor(
    private readonly maxEntries = 256,
    /** Objects whose key would be longer are not cached (hostile or huge pods). */
    private readonly maxKeyLength = 64 * 1024,
  ) {}

  /** The cache key of a well-formed review, or undefined when it should not be cached. */
  keyOf(review: AdmissionReviewRequest): string | undefined {
    const { request } = review;
    const object = request.object;
    if (!isRecord(object)) return undefined;
    const meta = isRecord(object.metadata)
      ? { ...object.metadata, managedFields: undefined }
      : object.metadata;
    const key = JSON.stringify([
      review.apiVersion,
      // An UPDATE of an object once seen in a CREATE must not get the CREATE's patch.
      request.operation,
      request.kind?.kind,
      request.namespace,
      request.name,
      object.kind,
      meta,
      object.spec,
      object.status,
    ]);
    return key.length <= this.maxKeyLength ? key : undefined;
  }

  /** The stored answer with this request's uid, serialised; undefined when unknown. */
  get(key: string, uid: string): { payload: Buffer; outcome: InjectionOutcome } | undefined {
    const hit = this.#entries.get(key);
    if (hit === undefined) return undefined;
    const id = Buffer.from(JSON.stringify(uid));
    return { payload: Buffer.concat([hit.before, id, hit.after]), outcome: hit.outcome };
  }

  /** Stores an answer and returns it serialised (so a miss costs no extra serialisation). */
  set(key: string, response: AdmissionReviewResponse, outcome: InjectionOutcome): string {
    const payload = JSON.stringify(response);
    const blank = JSON.stringify({ ...response, response: { ...response.response, uid: '' } });
    const at = blank.indexOf(UID_MARK);
    if (at >= 0) {
      if (this.#entries.size >= this.maxEntries) {
        // Oldest first: Map keeps insertion order.
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      const split = at + UID_MARK.length - 2;
      this.#entries.set(key, {
        before: Buffer.from(blank.slice(0, split)),
        after: Buffer.from(blank.slice(split + 2)),
        outcome,
      });
    }
    return payload;
  }

  get size(): number {
    return this.#entries.size;
  }
}
