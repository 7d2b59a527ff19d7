// Field access on API objects as plain JSON. Everything read from the cluster passes through here,
// so a field of an unexpected type reads as absent instead of throwing.
import { isRecord } from '../../patches/is-record.js';

export type Obj = Record<string, unknown>;

export function field(obj: unknown, key: string): Obj {
  return isRecord(obj) && isRecord(obj[key]) ? obj[key] : {};
}

export function list(obj: unknown, key: string): Obj[] {
  const v = isRecord(obj) ? obj[key] : undefined;
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

export function text(obj: unknown, key: string): string {
  const v = isRecord(obj) ? obj[key] : undefined;
  return typeof v === 'string' ? v : '';
}

/** A string map (labels, annotations); non-string values are dropped as the API would reject them. */
export function stringMap(obj: unknown, key: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(field(obj, key)).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

export const nameOf = (obj: unknown): string => text(field(obj, 'metadata'), 'name');
export const namespaceOf = (obj: unknown): string => text(field(obj, 'metadata'), 'namespace');
export const labelsOf = (obj: unknown): Record<string, string> =>
  stringMap(field(obj, 'metadata'), 'labels');
export const annotationsOf = (obj: unknown): Record<string, string> =>
  stringMap(field(obj, 'metadata'), 'annotations');

export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

/** The owner reference marked controller: the object that created this one. */
export function controllerOf(obj: unknown): OwnerRef | undefined {
  const ref = list(field(obj, 'metadata'), 'ownerReferences').find((r) => r.controller === true);
  return ref === undefined ? undefined : { kind: text(ref, 'kind'), name: text(ref, 'name') };
}
