// Type checks on the raw object before the engine trusts it as a Pod. The API server sends
// well-formed pods, but `review`, `mutate` and hostile clients may not: a wrong type anywhere the
// engine reads becomes a named problem, never an exception.
import { isRecord } from './is-record.js';
import type { Pod } from './k8s-types.js';
import type { Problem } from './outcome.js';

type Shape = { ok: true; pod: Pod } | { ok: false; problems: Problem[] };

/** What was found, in JSON's words: a missing field is "nothing", not JavaScript's undefined. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  return Array.isArray(v) ? 'array' : typeof v;
}

/** A field of the object as the user names it: `spec`, or `request.object.spec` in a review. */
const fieldAt = (base: string, path: string): string => (base === '' ? path : `${base}.${path}`);

function expect(problems: Problem[], key: string, v: unknown, want: string): void {
  problems.push({ key, message: `expected ${want}, got ${typeName(v)}` });
}

/** Absent or null: Kubernetes treats both as unset. */
const unset = (v: unknown): boolean => v === undefined || v === null;

function checkMetadata(problems: Problem[], metadata: unknown, base: string): void {
  if (metadata === undefined) return;
  if (!isRecord(metadata))
    return expect(problems, fieldAt(base, 'metadata'), metadata, 'an object');
  const ann = metadata.annotations;
  if (unset(ann)) return;
  const path = fieldAt(base, 'metadata.annotations');
  if (!isRecord(ann)) return expect(problems, path, ann, 'a map of strings');
  for (const [k, v] of Object.entries(ann)) {
    if (typeof v === 'boolean' || typeof v === 'number') {
      // An unquoted `true` or `1` in a manifest: the user meant the text, the API wants a string.
      const quoted = JSON.stringify(String(v));
      problems.push({ key: k, message: `expected a string, got ${typeof v}: quote it: ${quoted}` });
    } else if (typeof v !== 'string') {
      expect(problems, `${path}[${JSON.stringify(k)}]`, v, 'a string');
    }
  }
}

function checkStatus(problems: Problem[], status: unknown, base: string): void {
  if (unset(status)) return;
  if (!isRecord(status)) return expect(problems, fieldAt(base, 'status'), status, 'an object');
  if (status.phase !== undefined && typeof status.phase !== 'string')
    expect(problems, fieldAt(base, 'status.phase'), status.phase, 'a string');
}

/** managedFields never change and only make diffing slower (istio drops them too). */
function withoutManagedFields(object: Record<string, unknown>): Pod {
  const pod = { ...object } as Pod & Record<string, unknown>;
  const { metadata } = object;
  if (!isRecord(metadata)) return pod;
  const { managedFields: _drop, ...rest } = metadata;
  pod.metadata = rest.annotations === null ? (({ annotations: _n, ...m }) => m)(rest) : rest;
  return pod;
}

/**
 * Checks what the decision reads (metadata, annotations, status) and drops managedFields. `base`
 * is where the object sits in what the user sent (`request.object` in an AdmissionReview).
 */
export function checkPodShape(object: unknown, base = ''): Shape {
  if (!isRecord(object)) {
    const message = `expected a Pod object, got ${typeName(object)}`;
    return { ok: false, problems: [{ key: base === '' ? 'object' : base, message }] };
  }
  const problems: Problem[] = [];
  checkMetadata(problems, object.metadata, base);
  checkStatus(problems, object.status, base);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, pod: withoutManagedFields(object) };
}

function checkContainers(
  problems: Problem[],
  path: string,
  list: unknown,
  required: boolean,
): void {
  if (list === undefined || (list === null && !required)) {
    if (required)
      problems.push({ key: path, message: 'expected a list of containers, got nothing' });
    return;
  }
  if (!Array.isArray(list)) return expect(problems, path, list, 'a list of containers');
  list.forEach((c, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(c)) return expect(problems, at, c, 'a container object');
    if (typeof c.name !== 'string' || c.name === '')
      expect(problems, `${at}.name`, c.name, 'a non-empty string');
    checkList(problems, `${at}.volumeMounts`, c.volumeMounts, ['name', 'mountPath']);
    checkList(problems, `${at}.env`, c.env, ['name']);
    // Env secrets move command and args into the agent config.
    for (const field of ['command', 'args'] as const) {
      const argv = c[field];
      if (!unset(argv) && !(Array.isArray(argv) && argv.every((a) => typeof a === 'string')))
        expect(problems, `${at}.${field}`, argv, 'a list of strings');
    }
    if (!unset(c.securityContext) && !isRecord(c.securityContext)) {
      expect(problems, `${at}.securityContext`, c.securityContext, 'an object');
    }
  });
}

function checkList(problems: Problem[], path: string, list: unknown, stringFields: string[]): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) return expect(problems, path, list, 'a list');
  list.forEach((item, i) => {
    if (!isRecord(item)) return expect(problems, `${path}[${i}]`, item, 'an object');
    for (const f of stringFields) {
      if (typeof item[f] !== 'string') expect(problems, `${path}[${i}].${f}`, item[f], 'a string');
    }
  });
}

/** Checks the parts of spec the builder reads and writes; run only for pods that will be injected. */
export function checkPodSpecShape(pod: Pod, base = ''): Problem[] {
  const problems: Problem[] = [];
  const spec: unknown = pod.spec;
  const path = fieldAt(base, 'spec');
  if (!isRecord(spec)) {
    expect(problems, path, spec, 'a pod spec object');
    return problems;
  }
  checkContainers(problems, `${path}.containers`, spec.containers, true);
  checkContainers(problems, `${path}.initContainers`, spec.initContainers, false);
  checkList(problems, `${path}.volumes`, spec.volumes, ['name']);
  const share = spec.shareProcessNamespace;
  if (!unset(share) && typeof share !== 'boolean') {
    expect(problems, `${path}.shareProcessNamespace`, share, 'a boolean');
  }
  return problems;
}
