// Parse → desired pod → diff, for a pod the decision step has accepted.
import { buildDesiredPod } from './desired-pod.js';
import { diffJson } from './diff.js';
import type { InjectorConfig } from './injector-config.js';
import type { Pod } from './k8s-types.js';
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

export function buildInjection(pod: Pod, namespace: string, cfg: InjectorConfig): InjectionOutcome {
  const shape = checkPodSpecShape(pod);
  if (shape.length > 0) return deny(shape, [], 'invalid_configuration');
  const parsed = parseAgentSpec(pod, namespace, cfg);
  if (!parsed.ok) return deny(parsed.problems, parsed.warnings, 'invalid_annotations');
  const desired = buildDesiredPod(pod, parsed.spec);
  if (!desired.ok) return deny(desired.problems, parsed.warnings, 'invalid_annotations');
  return {
    decision: 'inject',
    patch: diffJson(pod, desired.pod),
    pod: desired.pod,
    injectionType: desired.injectionType,
    warnings: parsed.warnings,
  };
}
