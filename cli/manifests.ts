// Reads and writes manifest streams (YAML or JSON, several documents) the way kubectl does: YAML
// 1.1 scalars, so `yes` and `0755` mean what they mean to the API server (a bool, an octal number).
import { createRequire } from 'node:module';

// yaml is loaded on first use (CommonJS build) so `serve`, which never reads manifests, does not
// carry it in memory.
type Yaml = typeof import('yaml');
let yamlLib: Yaml | undefined;
function yaml(): Yaml {
  yamlLib ??= createRequire(import.meta.url)('yaml') as Yaml;
  return yamlLib;
}
import { UsageError } from './io.js';
import { toError } from '../patches/to-error.js';

function firstLine(message: string): string {
  // yaml appends " at line L, column C:" and a source excerpt; the location is printed up front.
  return (message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'a list' : `a ${typeof v}`;
}

type Tags = Exclude<
  NonNullable<import('yaml').SchemaOptions['customTags']>,
  (...args: never[]) => unknown
>;

/**
 * kubectl's YAML (go-yaml v2) reads YAML 1.1 scalars but keeps timestamps as strings when decoding
 * into untyped JSON and never reads base-60 numbers: `2024-01-01` and `12:30` stay strings there,
 * where yaml's 1.1 schema makes a Date and the number 750 (a pod would then be denied for a
 * non-string annotation, or print a changed env value). The output side keeps quoting them.
 */
function asKubectl(tags: Tags): Tags {
  return tags.filter(
    (t) =>
      typeof t !== 'object' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp'),
  );
}

/**
 * Every non-empty document, in order. Syntax errors, and documents that are not objects, throw
 * UsageError (exit 2) as "source:line:column: message".
 */
export function parseManifests(text: string, source: string): unknown[] {
  const { LineCounter, parseAllDocuments } = yaml();
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { version: '1.1', lineCounter, customTags: asKubectl });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${source}:${line}:${col}`;
  };
  const out: unknown[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error !== undefined)
      throw new UsageError(`${at(error.pos[0])}: ${firstLine(error.message)}`, 2);
    if (doc.contents === null) continue;
    // The content's own position: the document's range starts at its `---` marker.
    const start = doc.contents.range[0];
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      throw new UsageError(`${at(start)}: ${firstLine(toError(err).message)}`, 2);
    }
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new UsageError(
        `${at(start)}: expected a Kubernetes object (a mapping), got ${typeName(value)}`,
        2,
      );
    }
    out.push(value);
  }
  return out;
}

/** A multi-document YAML stream, with strings quoted wherever YAML 1.1 would read them otherwise. */
export function formatYamlStream(documents: readonly unknown[]): string {
  const { stringify } = yaml();
  return documents.map((d) => stringify(d, { version: '1.1', lineWidth: 0 })).join('---\n');
}

/** One object, or a v1 List when there are several (Lists among them are flattened). */
export function formatJson(documents: readonly unknown[]): string {
  const only = documents.length === 1 ? documents[0] : undefined;
  const value = only ?? {
    apiVersion: 'v1',
    kind: 'List',
    items: documents.flatMap((d) => (isList(d) ? d.items : [d])),
  };
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** kind: List, or a typed list such as PodList, as `kubectl get -o yaml` prints them. */
export function isList(v: unknown): v is { kind: string; items: unknown[] } {
  if (typeof v !== 'object' || v === null) return false;
  const { kind, items } = v as { kind?: unknown; items?: unknown };
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(items);
}
