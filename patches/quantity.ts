// Kubernetes resource quantities, as the API server parses and prints them. vault-k8s runs every
// agent-limits-* / agent-requests-* annotation through apimachinery's resource.ParseQuantity and
// writes the result into the container's resources, where Quantity.MarshalJSON re-serialises it.
// This module reproduces both halves so the patch carries the bytes vault-k8s would write, using
// BigInt throughout because the Go original is fixed-point and never rounds through a float.

import type { Parsed } from './go-values.js';

export const QUANTITY_ACCEPTED =
  'a Kubernetes quantity such as 250m, 0.5, 128Mi or 1Gi (a number with an optional suffix ' +
  'n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei, or an exponent such as e3; suffixes are case-sensitive)';

type Format = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

interface Suffix {
  readonly base: 2 | 10;
  readonly exponent: number;
  readonly format: Format;
}

/** The pieces apimachinery's parseQuantityString splits a quantity into. */
interface Scanned {
  readonly negative: boolean;
  /** Sign and number as written; the slow path re-parses it and needs at least one digit. */
  readonly value: string;
  /** Integer digits with leading zeros stripped ("0" when none remain). */
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

const DECIMAL_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
const SI_BY_EXPONENT: ReadonlyMap<number, string> = new Map(
  [...DECIMAL_SUFFIXES].map(([suffix, exponent]) => [exponent, suffix]),
);
const BINARY_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);
// Index = power of 1024. Binary quantities are capped at 2^63-1, so the power never exceeds 6.
const BINARY_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

const SUFFIX_CHARS = 'eEinumkKMGTP';
const NANO = -9;
const MAX_INT64_FACTORS = 18;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

const fail: Parsed<string> = { ok: false, accepted: QUANTITY_ACCEPTED };

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/**
 * Port of parseQuantityString. It is deliberately looser than the regex quoted in Go's error
 * message: "+", "-", "." and a bare suffix such as "Ki" all scan as zero, and Go accepts them.
 */
function scan(str: string): Scanned | undefined {
  const negative = str.charAt(0) === '-';
  const signEnd = negative || str.charAt(0) === '+' ? 1 : 0;
  const pos = skipWhile(str, signEnd, (c) => c === '0');
  if (pos >= str.length) return { negative, value: '0', num: '0', denom: '', suffix: '' };
  const numEnd = skipWhile(str, pos, isDigit);
  const num = numEnd > pos ? str.slice(pos, numEnd) : '0';
  if (numEnd >= str.length) return { negative, value: str, num, denom: '', suffix: '' };
  const fraction = scanFraction(str, numEnd);
  if (fraction.end >= str.length) {
    return { negative, value: str, num, denom: fraction.denom, suffix: '' };
  }
  if (!isSuffix(str, fraction.end)) return undefined;
  const value = str.slice(0, fraction.end);
  return { negative, value, num, denom: fraction.denom, suffix: str.slice(fraction.end) };
}

/** The first index from `pos` whose character does not pass `test`. */
function skipWhile(str: string, pos: number, test: (c: string) => boolean): number {
  let i = pos;
  while (i < str.length && test(str.charAt(i))) i++;
  return i;
}

/** An optional "." and its digits, starting at `pos`. */
function scanFraction(str: string, pos: number): { denom: string; end: number } {
  if (str.charAt(pos) !== '.') return { denom: '', end: pos };
  const end = skipWhile(str, pos + 1, isDigit);
  return { denom: str.slice(pos + 1, end), end };
}

/** Suffix: any run of suffix letters, an optional sign, then digits, to the end of the string. */
function isSuffix(str: string, start: number): boolean {
  let pos = skipWhile(str, start, (c) => SUFFIX_CHARS.includes(c));
  if (str.charAt(pos) === '-' || str.charAt(pos) === '+') pos++;
  return skipWhile(str, pos, isDigit) >= str.length;
}

function interpretSuffix(s: string): Suffix | undefined {
  const dec = DECIMAL_SUFFIXES.get(s);
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIXES.get(s);
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    const rest = s.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    const big = BigInt(rest);
    if (big > INT64_MAX || big < INT64_MIN) return undefined;
    // Go parses the exponent as int64 and then truncates it to int32.
    return { base: 10, exponent: Number(BigInt.asIntN(32, big)), format: 'DecimalExponent' };
  }
  return undefined;
}

const abs = (n: bigint): bigint => (n < 0n ? -n : n);
const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** BinarySI form (e.g. 1536Mi), or undefined when Go falls back to DecimalSI. */
function binaryForm(unscaled: bigint, exp10: number): string | undefined {
  let n: bigint;
  if (exp10 >= 0) {
    n = unscaled * pow10(exp10);
  } else {
    const div = pow10(-exp10);
    // A fractional binary value is shown in decimal rather than rounded ("don't lose precision").
    if (unscaled % div !== 0n) return undefined;
    n = unscaled / div;
  }
  // Small values read better in decimal (1.5 rather than 2 after rounding), so Go switches.
  if (abs(n) < 1024n) return undefined;
  let power = 0;
  while (n % 1024n === 0n) {
    n /= 1024n;
    power++;
  }
  return `${n}${BINARY_BY_POWER[power] ?? ''}`;
}

/** DecimalSI / DecimalExponent form: the exponent is floored to a multiple of 3. */
function decimalForm(unscaled: bigint, exp10: number, format: Format): string {
  let m = unscaled;
  let e = exp10;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const r = ((e % 3) + 3) % 3;
  if (r !== 0) {
    m *= pow10(r);
    e -= r;
  }
  let suffix: string;
  if (format === 'DecimalExponent') suffix = e === 0 ? '' : `e${e}`;
  // DecimalSI stops at E (10^18); newer apimachinery falls back to exponent notation above it
  // instead of dropping the magnitude (which turned "1000E" into "1").
  else suffix = SI_BY_EXPONENT.get(e) ?? `e${e}`;
  return `${m}${suffix}`;
}

/** Quantity.CanonicalizeBytes for the exact value unscaled × 10^exp10. */
function canonical(unscaled: bigint, exp10: number, format: Format): string {
  if (unscaled === 0n) return '0';
  if (format === 'BinarySI') {
    const bin = binaryForm(unscaled, exp10);
    if (bin !== undefined) return bin;
    return decimalForm(unscaled, exp10, 'DecimalSI');
  }
  return decimalForm(unscaled, exp10, format);
}

/**
 * ParseQuantity's int64 fast path. When the input already "looks canonical" Go caches the input
 * string verbatim and MarshalJSON emits it as written, which is why "+1", "01", "1.441" and "12e6"
 * come back unchanged. Returns undefined when Go would take the arbitrary-precision path instead.
 */
function fastPath(str: string, sc: Scanned, sfx: Suffix): string | undefined {
  const budget = fastPathBudget(sc, sfx);
  if (budget === undefined) return undefined;
  const scale = budget.scale - sc.denom.length;
  if (scale < NANO) return undefined;
  const shifted = sc.num + sc.denom;
  const value = BigInt(shifted);
  const product = value * budget.mantissa;
  if (product > INT64_MAX) return undefined;
  if (looksCanonical(shifted, value, scale, sfx)) return str;
  return canonical(sc.negative ? -product : product, scale, sfx.format);
}

/** The scale and mantissa of the int64 fast path, or undefined when the digits would not fit. */
function fastPathBudget(sc: Scanned, sfx: Suffix): { scale: number; mantissa: bigint } | undefined {
  if (sfx.format !== 'BinarySI') {
    const precision = MAX_INT64_FACTORS - (sc.num.length + sc.denom.length);
    return precision < 0 ? undefined : { scale: sfx.exponent, mantissa: 1n };
  }
  if (sfx.exponent < 0 || sc.denom.length > 0) return undefined;
  // Go's rough digit budget: 2^10 is ~3 decimal digits (float32(exponent)*3/10, truncated).
  const precision = 15 - sc.num.length - Math.trunc((sfx.exponent * 3) / 10) - 1;
  return precision < 0 ? undefined : { scale: 0, mantissa: 1n << BigInt(sfx.exponent) };
}

/** When Go keeps the input string verbatim instead of re-serialising it. */
function looksCanonical(shifted: string, value: bigint, scale: number, sfx: Suffix): boolean {
  if (sfx.format === 'BinarySI') return sfx.exponent % 10 === 0 && (value & 7n) !== 0n;
  return scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
}

/** Ceiling of |unscaled| × 10^exp10 at nano precision: Go rounds tiny requests up, never to 0. */
function roundUpToNano(magnitude: bigint, exp10: number): [bigint, number] {
  if (magnitude === 0n || exp10 >= NANO) return [magnitude, exp10];
  const shift = NANO - exp10;
  // More dropped digits than the number has: a non-zero value below 1n, which rounds to 1n.
  // Checked first so an absurd exponent (1e-2000000000) never builds a huge power of ten.
  if (shift > magnitude.toString().length) return [1n, NANO];
  const div = pow10(shift);
  return [(magnitude + div - 1n) / div, NANO];
}

/** ParseQuantity's inf.Dec path: exact value, nano round-up, binary cap at 2^63-1. */
function slowPath(sc: Scanned, sfx: Suffix): Parsed<string> {
  // inf.Dec.SetString needs at least one digit (".Ei" fails here, "Ki" took the fast path as 0).
  if (!/[0-9]/.test(sc.value)) return fail;
  let magnitude = BigInt(sc.num + sc.denom);
  let exp10 = -sc.denom.length;
  if (sfx.base === 10) exp10 += sfx.exponent;
  else magnitude <<= BigInt(sfx.exponent);

  [magnitude, exp10] = roundUpToNano(magnitude, exp10);
  // Binary values are capped (silently) at int64 max; their exp10 is within [-9, 0] here.
  if (
    sfx.format === 'BinarySI' &&
    magnitude !== 0n &&
    exp10 <= 0 &&
    magnitude > INT64_MAX * pow10(-exp10)
  ) {
    magnitude = INT64_MAX;
    exp10 = 0;
  }
  const unscaled = sc.negative ? -magnitude : magnitude;
  return { ok: true, value: canonical(unscaled, exp10, sfx.format) };
}

/**
 * resource.ParseQuantity followed by Quantity.String() (what MarshalJSON writes). The format of
 * the input (BinarySI, DecimalSI or DecimalExponent) is kept: 1024Mi → 1Gi, 0.5 → 500m,
 * 1.5Gi → 1536Mi, 1000m → 1, 1e3 → 1e3, 0.0001 → 100u. Suffixes are case-sensitive, so 500mi,
 * 250gi and 128g are rejected just as vault-k8s rejects them.
 */
/**
 * Results for the few quantities a cluster actually uses (the injector defaults and a handful of
 * annotation values), so the hot path skips the BigInt arithmetic. Bounded: cleared when full.
 */
const memo = new Map<string, Parsed<string>>();
const MEMO_LIMIT = 256;

export function parseQuantity(s: string): Parsed<string> {
  const hit = memo.get(s);
  if (hit !== undefined) return hit;
  const result = parseQuantityUncached(s);
  if (memo.size >= MEMO_LIMIT) memo.clear();
  if (s.length <= 64) memo.set(s, Object.freeze(result));
  return result;
}

function parseQuantityUncached(s: string): Parsed<string> {
  if (s === '') return fail;
  if (s === '0') return { ok: true, value: '0' };
  const sc = scan(s);
  if (sc === undefined) return fail;
  const sfx = interpretSuffix(sc.suffix);
  if (sfx === undefined) return fail;
  const fast = fastPath(s, sc, sfx);
  if (fast !== undefined) return { ok: true, value: fast };
  return slowPath(sc, sfx);
}

const SCALE: ReadonlyMap<string, number> = new Map([
  ['n', 1e-9],
  ['u', 1e-6],
  ['m', 1e-3],
  ['', 1],
  ['k', 1e3],
  ['M', 1e6],
  ['G', 1e9],
  ['T', 1e12],
  ['P', 1e15],
  ['E', 1e18],
  ['Ki', 2 ** 10],
  ['Mi', 2 ** 20],
  ['Gi', 2 ** 30],
  ['Ti', 2 ** 40],
  ['Pi', 2 ** 50],
  ['Ei', 2 ** 60],
]);

/**
 * The approximate value of a quantity parseQuantity accepted, for comparisons (a request above its
 * limit, a negative amount): exact enough for that, never used to write a value back.
 */
export function quantityValue(canonical: string): number {
  const m = /^([+-]?[0-9.]+)(?:[eE]([+-]?[0-9]+)|([a-zA-Z]*))$/.exec(canonical);
  if (m === null) return Number.NaN;
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2]);
  return base * (SCALE.get(m[3] ?? '') ?? Number.NaN);
}
