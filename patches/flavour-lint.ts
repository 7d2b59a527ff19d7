// Linting in the pod's own flavour: an OpenBao pod's keys are checked under either prefix and
// reported as the user wrote them, with suggestions in openbao.org/ spelling.
import { annotationView, presentFinding } from './flavour-annotations.js';
import { chooseFlavour } from './flavours.js';
import type { InjectorConfig } from './injector-config.js';
import { lintAnnotations, type LintFinding } from './lint.js';

export function lintPodAnnotations(
  annotations: Readonly<Record<string, string>>,
  cfg: Pick<InjectorConfig, 'rewriteVaultAnnotations'>,
  /** The declared secrets when the caller has them already (the engine's parse). */
  known?: ReadonlySet<string>,
): LintFinding[] {
  const flavour = chooseFlavour(annotations, cfg);
  const view = annotationView(annotations, flavour);
  return lintAnnotations(view, known).map((f) => presentFinding(f, annotations, flavour));
}
