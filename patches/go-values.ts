// The value grammars vault-k8s inherits from Go (strconv, time.ParseDuration), reproduced so every
// annotation accepted there is accepted here and every rejected one is rejected, with a message
// that says what is accepted instead of Go's bare strconv text.

export type Parsed<T> = { ok: true; value: T } | { ok: false; accepted: string };

const BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False', '']);
export const BOOL_ACCEPTED =
  'true/false (also 1, t, T, TRUE, True, 0, f, F, FALSE, False, or empty)';

/** parseutil.ParseBool: strconv.ParseBool plus "" → false. No trimming, no yes/no. */
export function parseGoBool(s: string): Parsed<boolean> {
  if (BOOL_TRUE.has(s)) return { ok: true, value: true };
  if (BOOL_FALSE.has(s)) return { ok: true, value: false };
  return { ok: false, accepted: BOOL_ACCEPTED };
}

const INT_RE = /^[+-]?[0-9]+$/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

/** parseutil.ParseInt: base-10 int64, optional sign, "" → 0. */
export function parseGoInt(s: string): Parsed<number> {
  const accepted = 'a base-10 integer (e.g. 1000)';
  if (s === '') return { ok: true, value: 0 };
  if (!INT_RE.test(s)) return { ok: false, accepted };
  const big = BigInt(s);
  if (big > INT64_MAX || big < INT64_MIN)
    return { ok: false, accepted: `${accepted} within int64 range` };
  return { ok: true, value: Number(big) };
}

/** The largest user or group ID Kubernetes accepts in a securityContext (int32). */
export const MAX_POSIX_ID = 2147483647;

/**
 * A runAsUser or runAsGroup: parseGoInt's grammar ("" → 0, as vault-k8s reads it), narrowed to the
 * range the API server validates, since vault-k8s's int64 lets through "-5" and "99999999999" and
 * the pod is then rejected. Shared by the annotations and the --run-as-user/--run-as-group settings.
 */
export function parsePosixId(s: string): Parsed<number> {
  const accepted = `a base-10 integer from 0 to ${MAX_POSIX_ID} (e.g. 1000)`;
  const parsed = parseGoInt(s);
  if (!parsed.ok || parsed.value < 0 || parsed.value > MAX_POSIX_ID) return { ok: false, accepted };
  return parsed;
}

/** strconv.ParseUint(s, 10, 64): digits only; "" is an error. */
export function parseGoUint(s: string): Parsed<number> {
  const accepted = 'a non-negative base-10 integer (e.g. 5)';
  if (!/^[0-9]+$/.test(s)) return { ok: false, accepted };
  const big = BigInt(s);
  if (big > UINT64_MAX) return { ok: false, accepted: `${accepted} within uint64 range` };
  return { ok: true, value: Number(big) };
}

const DEC_FLOAT_RE =
  /^[+-]?(?:[0-9](?:_?[0-9])*\.?(?:[0-9](?:_?[0-9])*)?|\.[0-9](?:_?[0-9])*)(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;
const SPECIAL_FLOAT_RE = /^[+-]?(?:inf|infinity|nan)$/i;

/**
 * strconv.ParseFloat(s, 64) for decimal input. NaN and ±Inf parse in Go but cannot be written into
 * the agent's JSON config (vault-k8s then fails at patch time), so they are rejected here up front.
 */
export function parseGoFloat(s: string): Parsed<number> {
  const accepted = 'a finite decimal number (e.g. 0.75)';
  if (SPECIAL_FLOAT_RE.test(s)) return { ok: false, accepted };
  if (!DEC_FLOAT_RE.test(s)) return { ok: false, accepted };
  const value = Number(s.replace(/_/g, ''));
  if (!Number.isFinite(value)) return { ok: false, accepted };
  return { ok: true, value };
}

const DURATION_UNIT = '(?:ns|us|µs|μs|ms|s|m|h)';
const DURATION_RE = new RegExp(`^[+-]?(?:(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)${DURATION_UNIT})+$`);
export const DURATION_ACCEPTED =
  'a Go duration such as 300ms, 1s, 1m30s or 1.5h (units ns, us, ms, s, m, h)';

/** time.ParseDuration: validated only; the original string is passed through. "0" is allowed. */
export function isGoDuration(s: string): boolean {
  if (/^[+-]?0$/.test(s)) return true;
  return DURATION_RE.test(s);
}
