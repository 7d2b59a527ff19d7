// Type checks on the raw object before the engine trusts it as a Pod. The API server sends
// well-formed pods, but `review`, `mutate` and hostile clients may not: a wrong type anywhere the
// engine reads becomes a named problem, never an exception.
import { isRecord } from './is-record.js';
import type { Pod } from './k8s-types.js';
import type { Problem } from './outcome.js';

type Shape = { ok: true; pod: Pod } | { ok: false; problems: Problem[] };

function typeName(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'array' : typeof v;
}

function expect(problems: Problem[], key: string, v: unknown, want: string): void {
  problems.push({ key, message: `expected ${want}, got ${typeName(v)}` });
}

/** Checks what the decision reads (metadata, annotations, status) and drops managedFields. */
export function checkPodShape(object: unknown): Shape {
  const problems: Problem[] = [];
  if (!isRecord(object)) {
    return {
      ok: false,
      problems: [
        { key: 'request.object', message: `expected a Pod object, got ${typeName(object)}` },
      ],
    };
  }
  const { metadata, status } = object;
  if (metadata !== undefined && !isRecord(metadata))
    expect(problems, 'metadata', metadata, 'an object');
  if (isRecord(metadata)) {
    const ann = metadata.annotations;
    if (ann !== undefined && ann !== null && !isRecord(ann))
      expect(problems, 'metadata.annotations', ann, 'a map of strings');
    if (isRecord(ann)) {
      for (const [k, v] of Object.entries(ann)) {
        if (typeof v !== 'string')
          expect(problems, `metadata.annotations[${JSON.stringify(k)}]`, v, 'a string');
      }
    }
  }
  if (status !== undefined && status !== null && !isRecord(status))
    expect(problems, 'status', status, 'an object');
  if (isRecord(status) && status.phase !== undefined && typeof status.phase !== 'string') {
    expect(problems, 'status.phase', status.phase, 'a string');
  }
  if (problems.length > 0) return { ok: false, problems };
  // managedFields never change and only make diffing slower (istio drops them too).
  const pod = { ...object } as Pod & Record<string, unknown>;
  if (isRecord(metadata)) {
    const { managedFields: _drop, ...rest } = metadata;
    pod.metadata = rest.annotations === null ? (({ annotations: _n, ...m }) => m)(rest) : rest;
  }
  return { ok: true, pod };
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
    if (
      c.securityContext !== undefined &&
      c.securityContext !== null &&
      !isRecord(c.securityContext)
    ) {
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
export function checkPodSpecShape(pod: Pod): Problem[] {
  const problems: Problem[] = [];
  const spec: unknown = pod.spec;
  if (!isRecord(spec)) {
    expect(problems, 'spec', spec, 'a pod spec object');
    return problems;
  }
  checkContainers(problems, 'spec.containers', spec.containers, true);
  checkContainers(problems, 'spec.initContainers', spec.initContainers, false);
  checkList(problems, 'spec.volumes', spec.volumes, ['name']);
  if (
    spec.shareProcessNamespace !== undefined &&
    spec.shareProcessNamespace !== null &&
    typeof spec.shareProcessNamespace !== 'boolean'
  ) {
    expect(problems, 'spec.shareProcessNamespace', spec.shareProcessNamespace, 'a boolean');
  }
  return problems;
}
