// A workload's pod template, checked as the webhook will see its next pods: through the engine (as
// configured) for denials, through the lint rules for typos and risky values, and its own metadata
// for vault annotations that do nothing there. The same functions `mutate` and `lint` use.
import { formatProblems, formatWarning } from '../../admission/format-finding.js';
import type { Finding as EngineFinding } from '../../patches/finding.js';
import { lintPodAnnotations } from '../../patches/flavour-lint.js';
import { inject } from '../../patches/inject.js';
import type { InjectorConfig } from '../../patches/injector-config.js';
import { misplacedAnnotations } from '../misplaced-annotations.js';
import { settingName } from '../setting-names.js';
import { identify, podAsAdmitted, templateOf } from '../workloads.js';
import { finding, objectName, type DoctorFinding } from './findings.js';
import { annotationsOf, field, list, type Obj } from './k8s-objects.js';

/** Controllers' own ReplicaSets and Jobs are checked through their Deployment or CronJob. */
export function isTopLevel(workload: Obj): boolean {
  return list(field(workload, 'metadata'), 'ownerReferences').length === 0;
}

function wouldDeny(object: string, template: Obj, workload: Obj, config: InjectorConfig) {
  const id = identify(workload, undefined);
  // The pod as the API server hands it to the webhook, exactly as `mutate` and `lint` build it.
  const { pod } = podAsAdmitted(template, id);
  const outcome = inject(pod, { namespace: id.namespace, kind: 'Pod', config });
  const denied =
    outcome.decision === 'deny'
      ? [
          finding('would-deny', {
            object,
            message: `The injector would deny its pods: ${formatProblems(outcome.problems, settingName)}.`,
            hint: 'fix these annotations on the pod template; `vault-injector lint` reports the same offline',
          }),
        ]
      : [];
  return { denied, warnings: outcome.warnings };
}

function lintFinding(
  object: string,
  template: Obj,
  engineWarnings: readonly EngineFinding[],
  config: InjectorConfig,
): DoctorFinding[] {
  const found = [...lintPodAnnotations(annotationsOf(template), config), ...engineWarnings].filter(
    // Caveats the user acknowledged by an annotation are no problem of the workload.
    (f) => f.severity !== 'info',
  );
  const lines = new Set(found.map((f) => formatWarning(f, settingName)));
  if (lines.size === 0) return [];
  return [
    finding('lint', {
      object,
      message: `Its pod template's vault annotations have problems: ${[...lines].join('; ')}.`,
      hint: 'correct the annotations on the pod template; `vault-injector lint -f` on the manifest shows each with a suggestion',
    }),
  ];
}

function misplacedFinding(object: string, workload: Obj, template: Obj): DoctorFinding[] {
  const id = identify(workload, undefined);
  const keys = misplacedAnnotations(workload, id.name, annotationsOf(template)).map((f) => f.key);
  if (keys.length === 0) return [];
  return [
    finding('misplaced-annotations', {
      object,
      message: `Vault annotations on the ${id.kind}'s own metadata do nothing there: ${[...new Set(keys)].join(', ')}.`,
      hint: "move them to the pod template's metadata.annotations",
    }),
  ];
}

export function checkWorkload(workload: Obj, config: InjectorConfig): DoctorFinding[] {
  const template = templateOf(workload);
  if (template === undefined) return [];
  const id = identify(workload, undefined);
  const object = objectName(id.kind, id.namespace, id.name);
  const { denied, warnings } = wouldDeny(object, template, workload, config);
  return [
    ...denied,
    ...lintFinding(object, template, warnings, config),
    ...misplacedFinding(object, workload, template),
  ];
}
