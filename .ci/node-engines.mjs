// Whether a Node version meets package.json's engines.node, with the subset of npm's range syntax
// the dependency tree uses (||, >=, >, <=, <, ^, ~, x/* wildcards, bare versions; ^0.x is not
// needed for Node and not special-cased). Run directly, it
// checks the running node and exits 0 (meets it) or 1; .ci/run fetches a newer node on 1.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** [major, minor, patch] with undefined for a missing or wildcard part. */
function parts(text) {
  const [major, minor, patch] = text
    .replace(/^v/, '')
    .split('.')
    .map((p) => (p === '' || p === 'x' || p === 'X' || p === '*' ? undefined : Number(p)));
  return [major, minor, patch];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The same release line as `want` up to its first wildcard: 20 matches 20.x.y, 22.13 22.13.y. */
function prefixMatch(v, want) {
  return want.every((p, i) => p === undefined || v[i] === p);
}

function meets(v, comparator) {
  const m = /^(>=|<=|>|<|=|\^|~)?(.*)$/.exec(comparator);
  const op = m[1] ?? '';
  const want = parts(m[2]);
  const c = compare(v, want);
  switch (op) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0 && !prefixMatch(v, want);
    case '<=':
      return c <= 0 || prefixMatch(v, want);
    case '<':
      return c < 0;
    case '^':
      return c >= 0 && v[0] === want[0];
    case '~':
      return c >= 0 && v[0] === want[0] && (want[1] === undefined || v[1] === want[1]);
    default:
      return prefixMatch(v, want);
  }
}

/** Whether `version` (e.g. "22.23.5" or "v20.20.2") satisfies the range. */
export function satisfies(version, range) {
  const v = parts(version);
  return range.split('||').some((alternative) => {
    const comparators = alternative
      .trim()
      .replace(/(>=|<=|>|<|=|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .filter((c) => c !== '');
    return comparators.every((c) => meets(v, c));
  });
}

/** package.json's engines.node. */
export function enginesRange(root = new URL('../', import.meta.url)) {
  return JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).engines.node;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const range = enginesRange();
  const ok = satisfies(process.versions.node, range);
  if (!ok) console.error(`node ${process.versions.node} does not meet engines.node "${range}"`);
  process.exit(ok ? 0 : 1);
}
