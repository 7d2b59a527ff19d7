import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import * as rfc6902 from 'rfc6902';
import { describe, expect, it } from 'vitest';
import { diffJson, escapePointerToken } from '../../patches/diff.js';

function apply(doc: unknown, ops: ReturnType<typeof diffJson>): unknown {
  return jsonpatch.applyPatch(structuredClone(doc), structuredClone(ops), true, false).newDocument;
}

describe('diffJson', () => {
  it('escapes ~ before / (RFC 6901)', () => {
    expect(escapePointerToken('vault.hashicorp.com/a~b')).toBe('vault.hashicorp.com~1a~0b');
  });

  it('creates missing arrays and maps in one op each, so nothing is overwritten', () => {
    const from = { spec: { containers: [{ name: 'app' }] } };
    const to = {
      metadata: { annotations: { 'a/b': 'x' } },
      spec: { containers: [{ name: 'app' }], volumes: [{ name: 'v1' }, { name: 'v2' }] },
    };
    const ops = diffJson(from, to);
    expect(ops).toEqual([
      { op: 'add', path: '/metadata', value: { annotations: { 'a/b': 'x' } } },
      { op: 'add', path: '/spec/volumes', value: [{ name: 'v1' }, { name: 'v2' }] },
    ]);
    expect(apply(from, ops)).toEqual(to);
  });

  it('aligns named items: an insertion at the front is one add, the rest are recursed into', () => {
    const from = { initContainers: [{ name: 'setup', volumeMounts: [] as unknown[] }] };
    const to = {
      initContainers: [
        { name: 'vault-agent-init' },
        { name: 'setup', volumeMounts: [{ name: 's', mountPath: '/s' }] },
      ],
    };
    const ops = diffJson(from, to);
    expect(ops).toEqual([
      { op: 'add', path: '/initContainers/0', value: { name: 'vault-agent-init' } },
      {
        op: 'add',
        path: '/initContainers/1/volumeMounts/0',
        value: { name: 's', mountPath: '/s' },
      },
    ]);
    expect(apply(from, ops)).toEqual(to);
  });

  it('returns no ops for equal documents and leaves inputs untouched', () => {
    const a = { x: [1, { y: 2 }] };
    const frozen = JSON.stringify(a);
    expect(diffJson(a, structuredClone(a))).toEqual([]);
    expect(JSON.stringify(a)).toBe(frozen);
  });

  it('property: applying the diff with fast-json-patch and rfc6902 gives the target', () => {
    const named = fc.array(
      fc.record({ name: fc.string({ maxLength: 3 }), v: fc.jsonValue({ maxDepth: 2 }) }),
      { maxLength: 4 },
    );
    // "__proto__" is not a valid Kubernetes key and JSON-patch libraries refuse it on purpose.
    const doc = fc
      .record({
        a: fc.jsonValue({ maxDepth: 3 }),
        list: named,
        m: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
      })
      .filter((d) => !JSON.stringify(d).includes('__proto__'));
    fc.assert(
      fc.property(doc, doc, (from, to) => {
        const ops = diffJson(from, to);
        // Compared as JSON: -0 and 0 are the same number on the wire.
        const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
        expect(json(apply(from, ops))).toEqual(json(to));
        const viaRfc = structuredClone(from);
        rfc6902.applyPatch(viaRfc, structuredClone(ops) as rfc6902.Operation[]);
        expect(json(viaRfc)).toEqual(json(to));
      }),
      { numRuns: 300 },
    );
  });
});
