// agent-json-patch / agent-init-json-patch: an RFC 6902 patch, given as a string annotation, that
// is applied to the generated agent container, for what no annotation covers.
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { Container } from './k8s-types.js';
import { toError } from './to-error.js';

export type PatchParse = { ok: true; ops: Operation[] } | { ok: false; message: string };

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** What is wrong with operation `i`, or undefined when it is a well-formed operation. */
function operationProblem(op: unknown, i: number): string | undefined {
  if (typeof op !== 'object' || op === null || Array.isArray(op)) {
    return `operation ${i} is not an object`;
  }
  const { op: name, path } = op as Record<string, unknown>;
  if (typeof name !== 'string' || !OPS.has(name)) {
    return `operation ${i} has op ${JSON.stringify(name)}; accepted: ${[...OPS].join(', ')}`;
  }
  if (typeof path !== 'string') return `operation ${i} has no string "path"`;
  return undefined;
}

function parseJson(raw: string): { ok: true; doc: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, doc: JSON.parse(raw) as unknown };
  } catch (err) {
    // Node 20's V8 adds " (line 1 column 14)" after the position and Node 22's does not: cut it,
    // so the denial reads the same on every supported Node.
    const why = toError(err).message.replace(/ \(line \d+ column \d+\)/, '');
    return { ok: false, message: `not valid JSON (${why}); expected an RFC 6902 JSON patch array` };
  }
}

/** "" and "null" and "[]" mean no patch. Anything else must be a JSON array of operation objects. */
export function parseJsonPatchAnnotation(raw: string): PatchParse {
  if (raw.trim() === '') return { ok: true, ops: [] };
  const parsed = parseJson(raw);
  if (!parsed.ok) return parsed;
  const { doc } = parsed;
  if (doc === null) return { ok: true, ops: [] };
  if (!Array.isArray(doc))
    return { ok: false, message: 'expected an RFC 6902 JSON patch: a JSON array of operations' };
  const problem = doc.map(operationProblem).find((p) => p !== undefined);
  if (problem !== undefined) return { ok: false, message: problem };
  return { ok: true, ops: doc as Operation[] };
}

export type PatchApply = { ok: true; container: Container } | { ok: false; message: string };

/** Applies the patch to a copy of the container; the result must still be a named container. */
export function applyContainerPatch(container: Container, ops: readonly Operation[]): PatchApply {
  if (ops.length === 0) return { ok: true, container };
  try {
    const doc = structuredClone(container);
    const result = jsonpatch.applyPatch(doc, structuredClone([...ops]), true, true)
      .newDocument as unknown;
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      return { ok: false, message: 'the patch must leave a container object' };
    }
    const patched = result as Container;
    if (typeof patched.name !== 'string' || patched.name === '') {
      return { ok: false, message: 'the patched container must keep a non-empty name' };
    }
    return { ok: true, container: patched };
  } catch (err) {
    const e = err as { index?: number; message: string };
    const at = typeof e.index === 'number' ? ` (operation ${e.index})` : '';
    return {
      ok: false,
      message: `cannot apply the patch to the agent container${at}: ${e.message.split('\n')[0]}`,
    };
  }
}
