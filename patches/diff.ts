// RFC 6902 operations that turn `from` into `to`. Patches are always derived by diffing the original
// pod against the desired pod, never placed by hand, so two `add /spec/volumes` ops can never
// overwrite each other as hand-built positional patches can. Arrays of named items (containers,
// volumes, mounts, env) are aligned by name so an insertion is one `add`, not a cascade of replaces.
import { isRecord } from './is-record.js';
import type { Operation } from 'fast-json-patch';

type Json = unknown;

/** RFC 6901: "~" becomes "~0" first, then "/" becomes "~1". */
export function escapePointerToken(token: string): string {
  // Most keys need no escaping; skip the two regex passes for them (this runs for every key visited).
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function nameOf(v: Json): string | undefined {
  return isRecord(v) && typeof v.name === 'string' ? v.name : undefined;
}

/** Names are usable for alignment only when every element has one and none repeats. */
function uniqueNames(list: Json[]): string[] | undefined {
  const names = list.map(nameOf);
  if (names.some((n) => n === undefined)) return undefined;
  const set = new Set(names);
  return set.size === names.length ? (names as string[]) : undefined;
}

function diffNamedArrays(from: Json[], to: Json[], path: string, ops: Operation[]): boolean {
  const fromNames = uniqueNames(from);
  const toNames = uniqueNames(to);
  if (!fromNames || !toNames) return false;
  const kept = fromNames.filter((n) => toNames.includes(n));
  const keptInTo = toNames.filter((n) => fromNames.includes(n));
  if (kept.join('\u0000') !== keptInTo.join('\u0000')) return false; // reordered: not ours to untangle
  const work: string[] = [...fromNames];
  // Removals first (from the end so indices stay valid), then walk the target in order.
  for (let i = fromNames.length - 1; i >= 0; i--) {
    if (!toNames.includes(fromNames[i] as string)) {
      ops.push({ op: 'remove', path: `${path}/${i}` });
      work.splice(i, 1);
    }
  }
  toNames.forEach((name, i) => {
    if (work[i] === name) {
      diffValue(from[fromNames.indexOf(name)], to[i], `${path}/${i}`, ops);
    } else {
      ops.push({ op: 'add', path: `${path}/${i}`, value: to[i] });
      work.splice(i, 0, name);
    }
  });
  return true;
}

function diffArrays(from: Json[], to: Json[], path: string, ops: Operation[]): void {
  if (diffNamedArrays(from, to, path, ops)) return;
  if (to.length >= from.length && from.every((x, i) => deepEqual(x, to[i]))) {
    for (let i = from.length; i < to.length; i++)
      ops.push({ op: 'add', path: `${path}/${i}`, value: to[i] });
    return;
  }
  if (from.length === to.length) {
    from.forEach((x, i) => diffValue(x, to[i], `${path}/${i}`, ops));
    return;
  }
  ops.push({ op: 'replace', path, value: to });
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

function pushRemovals(
  from: Record<string, Json>,
  to: Record<string, Json>,
  path: string,
  ops: Operation[],
): void {
  for (const key in from) {
    if (!hasOwn(from, key) || from[key] === undefined) continue;
    if (!hasOwn(to, key) || to[key] === undefined) {
      ops.push({ op: 'remove', path: `${path}/${escapePointerToken(key)}` });
    }
  }
}

function diffObjects(
  from: Record<string, Json>,
  to: Record<string, Json>,
  path: string,
  ops: Operation[],
): void {
  pushRemovals(from, to, path, ops);
  for (const key in to) {
    const next = to[key];
    // Most keys of a copy-on-write pod hold the very same value: skip them before building a path.
    if (next === undefined || from[key] === next || !hasOwn(to, key)) continue;
    const child = `${path}/${escapePointerToken(key)}`;
    if (!hasOwn(from, key) || from[key] === undefined) {
      ops.push({ op: 'add', path: child, value: next });
    } else {
      diffValue(from[key], next, child, ops);
    }
  }
}

function diffValue(from: Json, to: Json, path: string, ops: Operation[]): void {
  // Shared subtrees (copy-on-write) end here by identity; containers recurse without a full
  // deep comparison first, so each node is visited once.
  if (from === to) return;
  if (Array.isArray(from) && Array.isArray(to)) return diffArrays(from, to, path, ops);
  if (isRecord(from) && isRecord(to)) return diffObjects(from, to, path, ops);
  if (!deepEqual(from, to)) ops.push({ op: 'replace', path, value: to });
}

/** Operations that turn `from` into `to`; empty when they are equal. Neither input is modified. */
export function diffJson(from: Json, to: Json): Operation[] {
  const ops: Operation[] = [];
  if (isRecord(from) && isRecord(to)) diffObjects(from, to, '', ops);
  else if (!deepEqual(from, to)) ops.push({ op: 'replace', path: '', value: to });
  return ops;
}
