// Vault annotations on an object the injector never sees: a Deployment's own metadata, a CronJob's
// jobTemplate. The webhook only receives pods, so these do nothing; `lint` says where they belong.
import { ANNOTATION_PREFIX } from '../patches/annotations.js';
import type { Finding } from '../patches/finding.js';
import { isRecord } from '../patches/is-record.js';

type Obj = Record<string, unknown>;

function stringAt(obj: Obj, key: string): string {
  const v = obj[key];
  return typeof v === 'string' ? v : '';
}

/**
 * Vault annotations on a non-Pod object's own metadata. Keys also present on the pod template
 * (`templateAnnotations`, found by the caller) are fine: charts often set both.
 */
export function lintWorkloadMetadata(
  obj: unknown,
  templateAnnotations: Readonly<Record<string, string>> = {},
): Finding[] {
  if (!isRecord(obj) || !isRecord(obj.metadata)) return [];
  const kind = stringAt(obj, 'kind');
  if (kind === 'Pod' || !isRecord(obj.metadata.annotations)) return [];
  const name = stringAt(obj.metadata, 'name') || '(unnamed)';
  return Object.keys(obj.metadata.annotations)
    .filter((k) => k.startsWith(ANNOTATION_PREFIX) && templateAnnotations[k] === undefined)
    .sort()
    .map((key) => ({
      severity: 'warning',
      key,
      message: `ignored on ${kind || 'object'}/${name}'s own metadata: move it to the pod template's annotations`,
    }));
}

/** A workload's own metadata and, for a CronJob, its jobTemplate's. */
export function misplacedAnnotations(
  object: Obj,
  kind: string,
  name: string,
  annotations: Readonly<Record<string, string>>,
): Finding[] {
  const found = lintWorkloadMetadata(object, annotations);
  const spec = object.spec;
  if (kind !== 'CronJob' || !isRecord(spec) || !isRecord(spec.jobTemplate)) return found;
  const jobMeta = spec.jobTemplate.metadata;
  if (!isRecord(jobMeta)) return found;
  const jobTemplate = { kind, metadata: { ...jobMeta, name: `${name} jobTemplate` } };
  return [...found, ...lintWorkloadMetadata(jobTemplate, annotations)];
}
