// Vault annotations on a workload's own metadata, or on a CronJob's jobTemplate, do nothing: the
// injector only ever sees pods. `lint` reports them and `mutate` warns about them, from this rule.
import { isRecord } from '../patches/is-record.js';
import { lintWorkloadMetadata, type LintFinding } from '../patches/lint.js';

type Obj = Record<string, unknown>;

/** A pod's or template's annotations, only the string values (others are the engine's to report). */
export function stringAnnotations(podLike: Obj | undefined): Record<string, string> {
  const meta = podLike?.metadata;
  const raw = isRecord(meta) && isRecord(meta.annotations) ? meta.annotations : {};
  return Object.fromEntries(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/**
 * Findings for vault annotations the injector never sees. Keys also set on the pod template
 * (`templateAnnotations`) are left out: charts often set both, and the template's copy works.
 */
export function misplacedAnnotations(
  object: Obj,
  /** How messages name the object (its name, else its generateName). */
  name: string,
  templateAnnotations: Readonly<Record<string, string>>,
): LintFinding[] {
  const found = lintWorkloadMetadata(object, templateAnnotations);
  const spec = object.spec;
  if (object.kind !== 'CronJob' || !isRecord(spec) || !isRecord(spec.jobTemplate)) return found;
  const jobMeta = spec.jobTemplate.metadata;
  if (!isRecord(jobMeta)) return found;
  const jobTemplate = { kind: 'CronJob', metadata: { ...jobMeta, name: `${name} jobTemplate` } };
  return [...found, ...lintWorkloadMetadata(jobTemplate, templateAnnotations)];
}
