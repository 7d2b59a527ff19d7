// Whether a pod is a candidate for injection at all. A skip is data: the reason code goes to the
// log line and the skipped-requests metric.
import { ANNOTATION_AGENT_INJECT, ANNOTATION_AGENT_INJECT_STATUS } from './annotations.js';
import { parseGoBool } from './go-values.js';
import type { Problem, SkipReason } from './outcome.js';

export type Decision =
  { proceed: true } | { proceed: false; skip: SkipReason } | { proceed: false; problem: Problem };

export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public']);

/** annotations: the pod's annotations map (already type-checked); phase: status.phase if any. */
export function decideInjection(
  annotations: Readonly<Record<string, string>>,
  phase: string | undefined,
): Decision {
  const raw = annotations[ANNOTATION_AGENT_INJECT];
  if (raw === undefined) return { proceed: false, skip: 'not_annotated' };
  const parsed = parseGoBool(raw);
  if (!parsed.ok) {
    return {
      proceed: false,
      problem: { key: ANNOTATION_AGENT_INJECT, value: raw, message: `expected ${parsed.accepted}` },
    };
  }
  if (!parsed.value) return { proceed: false, skip: 'disabled' };
  // Pods are admitted in phase Pending (or with no status at all); anything later is too late.
  if (phase !== undefined && phase !== '' && phase !== 'Pending') {
    return { proceed: false, skip: 'not_pending' };
  }
  if (annotations[ANNOTATION_AGENT_INJECT_STATUS] === 'injected') {
    return { proceed: false, skip: 'already_injected' };
  }
  return { proceed: true };
}
