// Vault annotations on a workload's own metadata, or on a CronJob's jobTemplate, do nothing: the
// injector only ever sees pods. `lint` reports them and `mutate` warns about them, from this rule.
import { ANNOTATION_PREFIX } from '../patches/annotations.js';
import { FLAVOURS } from '../patches/flavours.js';
import type { Finding } from '../patches/finding.js';
import { isRecord } from '../patches/is-record.js';

type Obj = Record<string, unknown>;

function stringAt(obj: Obj, key: string): string {
  const v = obj[key];
  return typeof v === 'string' ? v : '';
}

/**
 * A pod's or template's annotations as lint reads them: the strings, and an unquoted YAML `true`
 * or `1` as the text it was meant to be, since the engine reports its type once ("quote it"); a
 * dropped `agent-inject: true` would also read as "agent-inject missing". Other values are the
 * engine's to report.
 */
export function stringAnnotations(podLike: Obj | undefined): Record<string, string> {
  const meta = podLike?.metadata;
  const raw = isRecord(meta) && isRecord(meta.annotations) ? meta.annotations : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number')
      out[k] = String(v);
  }
  return out;
}

const isInjectorKey = (k: string): boolean =>
  k.startsWith(ANNOTATION_PREFIX) || FLAVOURS.some((f) => k.startsWith(f.prefix));

/**
 * Vault (or OpenBao) annotations on a non-Pod object's own metadata. Keys also present on the pod template
 * (`templateAnnotations`, found by the caller) are fine: charts often set both.
 */
export function lintWorkloadMetadata(
  obj: unknown,
  templateAnnotations: Readonly<Record<string, string>> = {},
  /** How the message names the object; default "Kind/name". */
  label?: string,
): Finding[] {
  if (!isRecord(obj) || !isRecord(obj.metadata)) return [];
  const kind = stringAt(obj, 'kind');
  if (kind === 'Pod' || !isRecord(obj.metadata.annotations)) return [];
  const name = stringAt(obj.metadata, 'name') || '(unnamed)';
  const shown = label ?? `${kind || 'object'}/${name}`;
  const message = hasPodTemplate(obj)
    ? `ignored on ${shown}'s own metadata: move it to the pod template's annotations`
    : `does nothing on ${shown}: it has no pod template, and the injector reads only pods' annotations`;
  return Object.keys(obj.metadata.annotations)
    .filter((k) => isInjectorKey(k) && templateAnnotations[k] === undefined)
    .sort()
    .map((key) => ({ severity: 'warning', key, message }));
}

/**
 * Whether the object makes pods from a template of its own (a Deployment, a CronJob's job, or a
 * custom workload such as an Argo Rollout): only then is there a better place for the annotation.
 * A ConfigMap or Service that kustomize's commonAnnotations gave it has none.
 */
function hasPodTemplate(obj: Obj): boolean {
  const spec = obj.spec;
  return isRecord(spec) && (isRecord(spec.template) || isRecord(spec.jobTemplate));
}

/**
 * Findings for vault annotations the injector never sees. Keys also set on the pod template
 * (`templateAnnotations`) are left out: charts often set both, and the template's copy works.
 */
export function misplacedAnnotations(
  object: Obj,
  /** How messages name the object: "Kind/namespace/name" (objectName). */
  name: string,
  templateAnnotations: Readonly<Record<string, string>>,
): Finding[] {
  const found = lintWorkloadMetadata(object, templateAnnotations, name);
  const spec = object.spec;
  if (object.kind !== 'CronJob' || !isRecord(spec) || !isRecord(spec.jobTemplate)) return found;
  const jobMeta = spec.jobTemplate.metadata;
  if (!isRecord(jobMeta)) return found;
  const jobTemplate = {
    kind: 'CronJob',
    metadata: { ...jobMeta, name: `${name} jobTemplate` },
    // Its pods come from the job's pod template: that is where the annotation belongs.
    spec: { template: {} },
  };
  return [
    ...found,
    ...lintWorkloadMetadata(jobTemplate, templateAnnotations, `${name} jobTemplate`),
  ];
}
