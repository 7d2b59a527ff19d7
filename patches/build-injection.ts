// Parse → desired pod → diff, for a pod the decision step has accepted.
import type { AgentSpec } from './agent-spec.js';
import {
  ANNOTATION_AGENT_NATIVE_SIDECAR,
  ANNOTATION_AGENT_PRE_POPULATE_ONLY,
} from './annotations.js';
import { buildDesiredPod } from './desired-pod.js';
import { diffJson } from './diff.js';
import type { InjectorConfig } from './injector-config.js';
import type { OwnerReference, Pod } from './k8s-types.js';
import { formatWarning, lintAnnotations } from './lint.js';
import { formatProblems, type InjectionOutcome, type Problem } from './outcome.js';
import { parseAgentSpec } from './parse-annotations.js';
import { checkPodSpecShape } from './pod-shape.js';

function deny(
  problems: Problem[],
  warnings: string[],
  reason: 'invalid_annotations' | 'invalid_configuration',
): InjectionOutcome {
  return { decision: 'deny', reason, problems, message: formatProblems(problems), warnings };
}

/** A classic sidecar never exits, so a Job's pod never completes: say so, and how to fix it. */
function jobWarning(pod: Pod, sidecar: AgentSpec['layout']['sidecar']): string[] {
  // ownerReferences is not shape-checked (only this warning reads it): tolerate anything.
  const owners: unknown = pod.metadata?.ownerReferences;
  const job = Array.isArray(owners)
    ? (owners as Array<OwnerReference | null>).find((o) => o?.kind === 'Job')
    : undefined;
  if (!job || sidecar !== 'container') return [];
  return [
    `pod of Job ${typeof job.name === 'string' ? job.name : ''}: the vault-agent sidecar never exits, so the Job will never complete; set ${ANNOTATION_AGENT_NATIVE_SIDECAR}: "true" or ${ANNOTATION_AGENT_PRE_POPULATE_ONLY}: "true"`,
  ];
}

export function buildInjection(pod: Pod, namespace: string, cfg: InjectorConfig): InjectionOutcome {
  const shape = checkPodSpecShape(pod);
  if (shape.length > 0) return deny(shape, [], 'invalid_configuration');
  const parsed = parseAgentSpec(pod, namespace, cfg);
  // Typos and misplaced annotations are silently ignored by vault-k8s; here kubectl shows them.
  const declared = parsed.ok ? new Set(parsed.spec.secrets.map((s) => s.rawName)) : undefined;
  const lint = lintAnnotations(pod.metadata?.annotations ?? {}, declared).map(formatWarning);
  const warnings = [...parsed.warnings, ...lint];
  if (!parsed.ok) return deny(parsed.problems, warnings, 'invalid_annotations');
  const desired = buildDesiredPod(pod, parsed.spec);
  if (!desired.ok) return deny(desired.problems, warnings, 'invalid_annotations');
  return {
    decision: 'inject',
    patch: diffJson(pod, desired.pod),
    pod: desired.pod,
    injectionType: desired.injectionType,
    warnings: [...warnings, ...jobWarning(pod, parsed.spec.layout.sidecar)],
  };
}
