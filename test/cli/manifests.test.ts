import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { UsageError } from '../../cli/io.js';
import { formatJson, formatYamlStream, isList, parseManifests } from '../../cli/manifests.js';

function parseError(text: string): UsageError {
  try {
    parseManifests(text, 'in.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error('expected a parse error');
}

describe('parseManifests', () => {
  it('reads every document in order and skips empty ones', () => {
    const docs = parseManifests('---\nkind: A\n---\n---\nkind: B\n---\n', 'in.yaml');
    expect(docs).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  it('reads YAML 1.1 scalars as kubectl does', () => {
    const [doc] = parseManifests('a: yes\nb: "yes"\nc: 0755\nd: "0755"\ne: off\n', 'in.yaml');
    expect(doc).toEqual({ a: true, b: 'yes', c: 493, d: '0755', e: false });
  });

  it('keeps timestamps and base-60 numbers as strings, as kubectl (go-yaml v2) does', () => {
    const text =
      'a: 2024-01-01\nb: 2024-01-01 10:00:00\nc: 12:30\nd: 1:20:30.5\ne: !!timestamp 2024-01-01\n';
    const [doc] = parseManifests(text, 'in.yaml');
    expect(doc).toEqual({
      a: '2024-01-01',
      b: '2024-01-01 10:00:00',
      c: '12:30',
      d: '1:20:30.5',
      e: '2024-01-01',
    });
  });

  it('reads JSON', () => {
    expect(parseManifests('{"kind": "Pod", "metadata": {"name": "p"}}', 'in.json')).toEqual([
      { kind: 'Pod', metadata: { name: 'p' } },
    ]);
  });

  it('reports a syntax error with file, line and column (exit 2)', () => {
    const err = parseError('kind: Pod\nmetadata:\n  labels: [a, b\nspec: {}\n');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^in\.yaml:4:1: /);
    expect(err.message).not.toContain('\n');
  });

  it('reports duplicate keys with their position', () => {
    expect(parseError('kind: Pod\nkind: Service\n').message).toMatch(
      /^in\.yaml:2:1: Map keys must be unique/,
    );
  });

  it('reports a document that is not an object', () => {
    const err = parseError('kind: Pod\n---\njust some text\n');
    expect(err.message).toBe('in.yaml:3:1: expected a Kubernetes object (a mapping), got a string');
    expect(parseError('- a\n- b\n').message).toContain('got a list');
  });

  it('reports an unresolved alias with a position', () => {
    expect(parseError('a: *nowhere\n').message).toMatch(/^in\.yaml:1:1: /);
  });

  it('reads an empty input as no documents', () => {
    expect(parseManifests('', 'in.yaml')).toEqual([]);
    expect(parseManifests('# only a comment\n', 'in.yaml')).toEqual([]);
  });
});

describe('formatYamlStream', () => {
  it('separates documents and quotes strings YAML 1.1 would read otherwise', () => {
    const out = formatYamlStream([
      { a: 'yes', b: '0755', c: 'on' },
      { d: 'y', e: 'hello' },
    ]);
    expect(out).toBe('a: "yes"\nb: "0755"\nc: "on"\n---\nd: "y"\ne: hello\n');
    const docs = parseManifests(out, 'out.yaml');
    expect(docs).toEqual([
      { a: 'yes', b: '0755', c: 'on' },
      { d: 'y', e: 'hello' },
    ]);
  });

  it('does not fold long strings', () => {
    const long = 'x'.repeat(200) + ' ' + 'y'.repeat(50);
    const out = formatYamlStream([{ long }]);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(parseDocument(out).toJS()).toEqual({ long });
  });

  it('prints nothing for no documents', () => {
    expect(formatYamlStream([])).toBe('');
  });
});

describe('formatJson', () => {
  it('prints a single document as itself', () => {
    expect(JSON.parse(formatJson([{ kind: 'Pod' }]))).toEqual({ kind: 'Pod' });
  });

  it('wraps several documents in a v1 List, flattening Lists', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ kind: 'B' }, { kind: 'C' }] };
    expect(JSON.parse(formatJson([{ kind: 'A' }, list]))).toEqual({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ kind: 'A' }, { kind: 'B' }, { kind: 'C' }],
    });
  });

  it('prints an empty List for no documents', () => {
    expect(JSON.parse(formatJson([]))).toEqual({ apiVersion: 'v1', kind: 'List', items: [] });
  });
});

describe('isList', () => {
  it.each([
    [{ kind: 'List', items: [] }, true],
    [{ kind: 'PodList', items: [{}] }, true],
    [{ kind: 'List' }, false],
    [{ kind: 'Pod', items: [] }, false],
    [null, false],
  ])('%j → %s', (v, expected) => {
    expect(isList(v)).toBe(expected);
  });
});
