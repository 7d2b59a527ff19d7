// "Did you mean" for misspelt annotation names: edit distance against exact names and against
// prefix families, where the family's suffix (a secret name) is kept as the user wrote it.

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transposition, since "agnet" is as
 * common a typo as "agen"). Stops early and returns max + 1 once every path exceeds max. Three
 * rolling typed-array rows keep it allocation-light: it runs for every candidate of every typo.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let rows: Rows = {
    prevPrev: new Int32Array(n + 1),
    prev: new Int32Array(n + 1),
    row: new Int32Array(n + 1),
  };
  for (let j = 0; j <= n; j++) rows.prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    if (fillRow(a, b, i, rows) > max) return max + 1;
    rows = { prevPrev: rows.prev, prev: rows.row, row: rows.prevPrev };
  }
  return rows.prev[n]!;
}

/** The two rows before the one being filled, and that row (reused in rotation). */
interface Rows {
  readonly prevPrev: Int32Array;
  readonly prev: Int32Array;
  readonly row: Int32Array;
}

/** Fills row `i` of the distance table; returns its smallest entry (for stopping early). */
function fillRow(a: string, b: string, i: number, { prevPrev, prev, row }: Rows): number {
  const ca = a.charCodeAt(i - 1);
  row[0] = i;
  let rowMin = i;
  for (let j = 1; j <= b.length; j++) {
    const cb = b.charCodeAt(j - 1);
    let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (ca === cb ? 0 : 1));
    const transposed = i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb;
    if (transposed) d = Math.min(d, prevPrev[j - 2]! + 1);
    row[j] = d;
    rowMin = Math.min(rowMin, d);
  }
  return rowMin;
}

/** How far a name may be from a candidate to be suggested: short names tolerate fewer edits. */
export function allowedDistance(candidate: string): number {
  return Math.max(1, Math.min(3, Math.floor(candidate.length / 5)));
}

const SEPARATORS: ReadonlySet<string> = new Set(['-', '_', '.']);

interface Scored {
  readonly text: string;
  readonly distance: number;
  /** Lower is better at equal distance: exact names, then splits after a dash, then longer suffixes. */
  readonly rank: readonly number[];
}

function better(a: Scored, b: Scored | undefined): boolean {
  if (b === undefined) return true;
  if (a.distance !== b.distance) return a.distance < b.distance;
  for (let i = 0; i < a.rank.length; i++) {
    const x = a.rank[i] ?? 0;
    const y = b.rank[i] ?? 0;
    if (x !== y) return x < y;
  }
  return a.text < b.text;
}

/** Best split of `name` into a misspelt `family` head and a kept, non-empty suffix. */
function familyCandidate(name: string, lower: string, family: string): Scored | undefined {
  const max = allowedDistance(family);
  let best: Scored | undefined;
  const from = Math.max(1, family.length - max);
  const to = Math.min(name.length - 1, family.length + max);
  for (let cut = from; cut <= to; cut++) {
    const distance = editDistance(lower.slice(0, cut), family, max);
    if (distance > max) continue;
    const suffix = name.slice(cut);
    // "secrets-db" → "secret-" + "db", not "secret-" + "s-db": a dash usually ends the family part.
    const afterDash =
      SEPARATORS.has(lower[cut - 1] ?? '') && !SEPARATORS.has(suffix[0] ?? '') ? 0 : 1;
    const candidate = { text: family + suffix, distance, rank: [1, afterDash, -suffix.length] };
    if (better(candidate, best)) best = candidate;
  }
  return best;
}

/**
 * The closest known name to `name` (compared case-insensitively), or undefined when nothing is
 * close enough. `families` are prefixes ending in "-" whose remainder is free text (kept as given).
 */
export function suggest(
  name: string,
  exact: Iterable<string>,
  families: Iterable<string> = [],
): string | undefined {
  const lower = name.toLowerCase();
  let best: Scored | undefined;
  for (const candidate of exact) {
    const scored = exactCandidate(name, lower, candidate);
    if (scored !== undefined && better(scored, best)) best = scored;
  }
  for (const family of families) {
    const scored = familyCandidate(name, lower, family);
    if (scored !== undefined && scored.text !== name && better(scored, best)) best = scored;
  }
  return best?.text;
}

/** An exact name close enough to suggest (never the name itself). */
function exactCandidate(name: string, lower: string, candidate: string): Scored | undefined {
  if (candidate === name) return undefined;
  const max = allowedDistance(candidate);
  const distance = editDistance(lower, candidate.toLowerCase(), max);
  return distance > max ? undefined : { text: candidate, distance, rank: [0] };
}
