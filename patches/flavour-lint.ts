// The one lint entry point: the webhook's engine, `lint`, `mutate` and `doctor` all lint a pod's
// annotations here, in the pod's own flavour. An OpenBao pod's keys are checked under either
// prefix and reported as the user wrote them, with suggestions in openbao.org/ spelling; so are
// any other flavour's.
// lint.ts's rules know only the engine's spelling and are not called from anywhere else.
import { ANNOTATION_AGENT_INJECT, ANNOTATION_PREFIX } from './annotations.js';
import { annotationView, presentFinding } from './flavour-annotations.js';
import { chooseFlavour, FLAVOURS, prefixedFlavours, type Flavour } from './flavours.js';
import type { InjectorConfig } from './injector-config.js';
import { lintAnnotations, type LintFinding } from './lint.js';

type Annotations = Readonly<Record<string, string>>;

/**
 * The flavour the pod was written for. A pod without agent-inject in either spelling gets no
 * agent at all, and if it carries openbao.org keys it was written for OpenBao: linted as an OpenBao
 * pod, `openbao.org/agent-injec` is a typo of `openbao.org/agent-inject` and `openbao.org/role`
 * is fine, instead of every key being "ignored, Vault reads only vault.hashicorp.com/ keys".
 */
function lintFlavour(
  annotations: Annotations,
  cfg: Pick<InjectorConfig, 'rewriteVaultAnnotations'>,
  flavours: readonly Flavour[],
): Flavour {
  const chosen = chooseFlavour(annotations, cfg, flavours);
  if (chosen.prefix !== ANNOTATION_PREFIX || annotations[ANNOTATION_AGENT_INJECT] !== undefined)
    return chosen;
  const keys = Object.keys(annotations);
  const writtenFor = prefixedFlavours(flavours).find((f) =>
    keys.some((k) => k.startsWith(f.prefix)),
  );
  return writtenFor ?? chosen;
}

/**
 * Findings for one pod's annotations (a Pod's or a pod template's), sorted by key, named as the
 * user wrote them. Presenting them again (as the engine does with all its findings) changes
 * nothing. Never throws.
 */
export function lintPodAnnotations(
  annotations: Annotations,
  cfg: Pick<InjectorConfig, 'rewriteVaultAnnotations'>,
  /** The declared secrets when the caller has them already (the engine's parse). */
  known?: ReadonlySet<string>,
  /** The flavours served (the engine's InjectContext.flavours). */
  flavours: readonly Flavour[] = FLAVOURS,
): LintFinding[] {
  const flavour = lintFlavour(annotations, cfg, flavours);
  const view = annotationView(annotations, flavour);
  return lintAnnotations(view, known, flavour, flavours).map((f) =>
    presentFinding(f, annotations, flavour),
  );
}
