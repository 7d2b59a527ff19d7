// A workload's pod template, checked as the webhook will see its next pods: through the engine (as
// configured) for denials, through the lint rules for typos and risky values, and its own metadata
// for vault annotations that do nothing there. The same pipeline `mutate` and `lint` run.
import { formatProblems, formatWarning } from '../../admission/format-finding.js';
import type { Finding as EngineFinding } from '../../patches/finding.js';
import type { InjectorConfig } from '../../patches/injector-config.js';
import type { InjectionOutcome } from '../../patches/outcome.js';
import { runPipeline } from '../pipeline.js';
import { settingName } from '../setting-names.js';
import { finding, objectName, type DoctorFinding } from './findings.js';
import { field, list, type Obj } from './k8s-objects.js';

/** Controllers' own ReplicaSets and Jobs are checked through their Deployment or CronJob. */
export function isTopLevel(workload: Obj): boolean {
  return list(field(workload, 'metadata'), 'ownerReferences').length === 0;
}

function deniedFinding(object: string, outcome: InjectionOutcome): DoctorFinding[] {
  if (outcome.decision !== 'deny') return [];
  return [
    finding('would-deny', {
      object,
      message: `The injector would deny its pods: ${formatProblems(outcome.problems, settingName)}.`,
      hint: 'fix these annotations on the pod template; `vault-injector lint` reports the same offline',
    }),
  ];
}

function lintFinding(object: string, found: readonly EngineFinding[]): DoctorFinding[] {
  // Caveats the user acknowledged by an annotation are no problem of the workload.
  const shown = found.filter((f) => f.severity !== 'info');
  const lines = new Set(shown.map((f) => formatWarning(f, settingName)));
  if (lines.size === 0) return [];
  return [
    finding('lint', {
      object,
      message: `Its pod template's vault annotations have problems: ${[...lines].join('; ')}.`,
      hint: 'correct the annotations on the pod template; `vault-injector lint -f` on the manifest shows each with a suggestion',
    }),
  ];
}

function misplacedFinding(
  object: string,
  kind: string,
  misplaced: readonly EngineFinding[],
): DoctorFinding[] {
  const keys = misplaced.map((f) => f.key);
  if (keys.length === 0) return [];
  return [
    finding('misplaced-annotations', {
      object,
      message: `Vault annotations on the ${kind}'s own metadata do nothing there: ${[...new Set(keys)].join(', ')}.`,
      hint: "move them to the pod template's metadata.annotations",
    }),
  ];
}

/** Checks a workload that has a pod template; anything else (a Pod among them) has none here. */
export function checkWorkload(workload: Obj, config: InjectorConfig): DoctorFinding[] {
  if (workload.kind === 'Pod') return [];
  // The pod as the API server hands it to the webhook, exactly as `mutate` and `lint` build it.
  const {
    identity: id,
    misplaced,
    annotationFindings,
    run,
  } = runPipeline(workload, {
    namespace: undefined,
    config,
  });
  if (run === undefined) return [];
  const object = objectName(id.kind, id.namespace, id.name);
  return [
    ...deniedFinding(object, run.outcome),
    ...lintFinding(object, [...annotationFindings, ...run.outcome.warnings]),
    ...misplacedFinding(object, id.kind, misplaced),
  ];
}
