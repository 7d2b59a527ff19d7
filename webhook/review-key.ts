// The cache key of a review, from the raw body as received: a digest of the text with the request
// uid and metadata.managedFields cut out (the only parts that differ between the replicas of one
// pod template), plus where in that text the cuts were made. No serialisation of the pod is needed.
//
// Why it is sound: two bodies with the same key are the same text except inside the two cut spans,
// which are complete JSON values cut at the same places, so they parse to the same tree except at
// those two values. Each span is accepted only when its text is exactly what the parsed review has
// at request.uid (a plain string found once in the body) and at object.metadata.managedFields. If a
// span were some other value that merely looks the same, the review's real uid or managedFields lie
// in the shared text, equal in both bodies, and the check forces the spans to be equal too.
import { createHash } from 'node:crypto';
import { isRecord } from '../patches/is-record.js';

/** Kubernetes uids are UUIDs; anything needing JSON escapes is not keyed at all. */
const PLAIN_UID = /^[\w.:-]{1,128}$/;
const MANAGED_FIELDS = '"managedFields":';

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Where the uid's characters are, when the body spells it plainly and only once. */
function uidSpan(raw: string, uid: string): Span | undefined {
  if (!PLAIN_UID.test(uid)) return undefined;
  const at = raw.indexOf(uid);
  if (at < 0 || raw.indexOf(uid, at + 1) >= 0) return undefined;
  if (!raw.startsWith('"uid":"', at - 7) || raw[at + uid.length] !== '"') return undefined;
  return { start: at, end: at + uid.length };
}

/** Where metadata.managedFields' value is, or an empty span (nothing cut) when unsure. */
function managedFieldsSpan(raw: string, object: unknown): Span {
  const none = { start: 0, end: 0 };
  const meta = isRecord(object) ? object.metadata : undefined;
  const fields = isRecord(meta) ? meta.managedFields : undefined;
  if (fields === undefined) return none;
  const at = raw.indexOf(MANAGED_FIELDS);
  if (at < 0 || raw.indexOf(MANAGED_FIELDS, at + 1) >= 0) return none;
  const text = JSON.stringify(fields);
  const start = at + MANAGED_FIELDS.length;
  return raw.startsWith(text, start) ? { start, end: start + text.length } : none;
}

/** The key, or undefined when this body cannot be keyed safely. */
export function reviewKey(raw: string, uid: string, object: unknown): string | undefined {
  const id = uidSpan(raw, uid);
  if (id === undefined) return undefined;
  const mf = managedFieldsSpan(raw, object);
  // Two cuts in text order; an uncut managedFields leaves the text whole around the uid.
  const [a, b] = mf.end <= id.start ? [mf, id] : [id, mf];
  if (b.start < a.end) return undefined;
  const digest = createHash('sha256')
    .update(raw.slice(0, a.start))
    .update(raw.slice(a.end, b.start))
    .update(raw.slice(b.end))
    .digest('base64');
  // Where the cuts sit in the remaining text: the same text cut at other places is another body.
  return `${a.start}:${b.start - (a.end - a.start)}:${digest}`;
}
