// The engine's one entry point, used by the webhook and every CLI command: object → decide → parse
// annotations (all problems) → desired pod → RFC 6902 diff. Pod in, outcome out: no envelopes.
import type { AgentSpec } from './agent-spec.js';
import {
  ANNOTATION_AGENT_NATIVE_SIDECAR,
  ANNOTATION_AGENT_PRE_POPULATE_ONLY,
} from './annotations.js';
import { SYSTEM_NAMESPACES, decideInjection } from './decide.js';
import { buildDesiredPod } from './desired-pod.js';
import { diffJson } from './diff.js';
import { asErrors, warning, type Finding, type Problem } from './finding.js';
import type { InjectorConfig } from './injector-config.js';
import { agentProblems, checkAgent } from './flavour-checks.js';
import { annotationView, presentFinding, rewrittenAnnotations } from './flavour-annotations.js';
import { lintPodAnnotations } from './flavour-lint.js';
import { chooseFlavour, type Flavour } from './flavours.js';
import { isRecord } from './is-record.js';
import type { OwnerReference, Pod } from './k8s-types.js';
import type { DenyReason, InjectionOutcome } from './outcome.js';
import { parseAgentSpec } from './parse-annotations.js';
import { checkPodShape, checkPodSpecShape } from './pod-shape.js';

export interface InjectContext {
  /** The request namespace (AdmissionRequest.namespace); pods from controllers have none in metadata. */
  readonly namespace: string;
  /** AdmissionRequest.kind.kind when known. */
  readonly kind?: string | undefined;
  /** AdmissionRequest.operation when known; the CLI's objects are about to be created. */
  readonly operation?: string | undefined;
  /** Where the object sits in what the user sent (`request.object`), for naming its fields. */
  readonly objectPath?: string | undefined;
  readonly config: InjectorConfig;
  /** The flavours served, the default first (flavours.ts's FLAVOURS when absent). */
  readonly flavours?: readonly Flavour[] | undefined;
}

function deny(
  reason: DenyReason,
  problems: readonly Problem[],
  warnings: readonly Finding[] = [],
): InjectionOutcome {
  return { decision: 'deny', reason, problems: asErrors(problems), warnings };
}

/** A classic sidecar never exits, so a Job's pod never completes: say so, and how to fix it. */
function jobWarning(pod: Pod, spec: AgentSpec, namespace: string): Finding[] {
  // ownerReferences is not shape-checked (only this warning reads it): tolerate anything.
  const owners: unknown = pod.metadata?.ownerReferences;
  const job = Array.isArray(owners)
    ? (owners as Array<OwnerReference | null>).find((o) => o?.kind === 'Job')
    : undefined;
  if (!job || spec.layout.sidecar !== 'container') return [];
  const name = typeof job.name === 'string' ? job.name : '';
  // Named as every object is named to the user: Kind/namespace/name.
  const subject = namespace === '' ? `Job/${name}` : `Job/${namespace}/${name}`;
  return [
    warning(
      subject,
      `the ${spec.names.sidecarContainer} sidecar never exits, so the Job's pods never complete; set ${ANNOTATION_AGENT_NATIVE_SIDECAR}: "true" or ${ANNOTATION_AGENT_PRE_POPULATE_ONLY}: "true"`,
    ),
  ];
}

/** Typos and misplaced annotations are silently ignored by vault-k8s; here kubectl shows them. */
function annotationWarnings(pod: Pod, ctx: InjectContext, spec: AgentSpec | undefined): Finding[] {
  const declared = spec && new Set(spec.secrets.map((s) => s.rawName));
  const annotations = pod.metadata?.annotations ?? {};
  const found = lintPodAnnotations(annotations, ctx.config, declared, ctx.flavours);
  // The webhook admits the pod anyway, so to its user every lint finding is a warning.
  return found.map((f) => ({ ...f, severity: 'warning' }));
}

type Annotations = Readonly<Record<string, string>>;

/** The pod as the engine reads it: the flavour's annotations under the engine's prefix. */
interface FlavouredAnnotations {
  readonly flavour: Flavour;
  readonly view: Annotations;
}

/** The stored pod: in rewrite mode the annotations move, and the status is set last. */
function storedPod(desired: Pod, flavour: Flavour): Pod {
  if (!flavour.rewrite) return desired;
  const status = flavour.names.statusAnnotation;
  const moved = rewrittenAnnotations(desired.metadata?.annotations ?? {}, flavour);
  return {
    ...desired,
    metadata: { ...desired.metadata, annotations: { ...moved, [status]: 'injected' } },
  };
}

/** Parse → desired pod → diff, for a pod the decision step has accepted. */
function buildInjection(
  pod: Pod,
  ctx: InjectContext,
  { flavour, view }: FlavouredAnnotations,
): InjectionOutcome {
  const shape = checkPodSpecShape(pod, ctx.objectPath);
  if (shape.length > 0) return deny('invalid_configuration', shape);
  const viewPod = { ...pod, metadata: { ...pod.metadata, annotations: { ...view } } };
  const parsed = parseAgentSpec(viewPod, ctx.namespace, ctx.config, flavour);
  const spec = parsed.ok ? parsed.spec : undefined;
  const refused = agentProblems(view, ctx.config, flavour);
  const warnings = [...parsed.warnings, ...annotationWarnings(pod, ctx, spec)];
  if (!parsed.ok || refused.length > 0) {
    return deny(
      'invalid_annotations',
      [...(parsed.ok ? [] : parsed.problems), ...refused],
      warnings,
    );
  }
  const checked = checkAgent(parsed.spec, flavour, view);
  warnings.push(...checked.warnings);
  // Built from the pod as stored: only the status annotation is added (or, rewriting, moved).
  const desired = buildDesiredPod(pod, checked.spec);
  if (!desired.ok) return deny('invalid_annotations', desired.problems, warnings);
  const stored = storedPod(desired.pod, flavour);
  return {
    decision: 'inject',
    patch: diffJson(pod, stored),
    pod: stored,
    spec: checked.spec,
    injectionType: desired.injectionType,
    warnings: [...warnings, ...jobWarning(pod, checked.spec, ctx.namespace)],
  };
}

/** A request for another kind is skipped; a Pod request carrying something else is denied. */
function kindOutcome(object: unknown, ctx: InjectContext): InjectionOutcome | undefined {
  const objectKind = isRecord(object) ? object.kind : undefined;
  if (ctx.kind !== undefined && ctx.kind !== 'Pod')
    return { decision: 'skip', reason: 'not_a_pod', warnings: [] };
  if (objectKind === undefined || objectKind === 'Pod') return undefined;
  if (ctx.kind === undefined) return { decision: 'skip', reason: 'not_a_pod', warnings: [] };
  return deny('invalid_configuration', [
    {
      key: `${ctx.objectPath ?? 'object'}.kind`,
      value: String(objectKind),
      message: 'the request is for a Pod but the object is not a Pod',
    },
  ]);
}

function injectPod(pod: Pod, ctx: InjectContext, reading: FlavouredAnnotations): InjectionOutcome {
  const decision = decideInjection(reading.view, pod.status?.phase);
  if (!decision.proceed) {
    if ('skip' in decision) return { decision: 'skip', reason: decision.skip, warnings: [] };
    return deny('invalid_annotations', [decision.problem]);
  }
  if (SYSTEM_NAMESPACES.has(ctx.namespace)) {
    return deny('system_namespace', [
      {
        key: 'namespace',
        value: ctx.namespace,
        message: 'cannot inject into system namespaces (kube-system, kube-public)',
      },
    ]);
  }
  return buildInjection(pod, ctx, reading);
}

/** Findings named as the user wrote them: their prefix, their product. */
function presented(
  outcome: InjectionOutcome,
  annotations: Annotations,
  flavour: Flavour,
): InjectionOutcome {
  const show = (fs: readonly Finding[]): Finding[] =>
    fs.map((f) => presentFinding(f, annotations, flavour));
  const warnings = show(outcome.warnings);
  if (outcome.decision === 'deny')
    return { ...outcome, problems: show(outcome.problems), warnings };
  return { ...outcome, warnings };
}

/** Chooses the pod's flavour and reads it; findings come back in the pod's own spelling. */
function injectInFlavour(pod: Pod, ctx: InjectContext): InjectionOutcome {
  const annotations = pod.metadata?.annotations ?? {};
  const flavour = chooseFlavour(annotations, ctx.config, ctx.flavours);
  const reading = { flavour, view: annotationView(annotations, flavour) };
  return presented(injectPod(pod, ctx, reading), annotations, flavour);
}

/**
 * Only a pod being created may gain containers: the API server refuses an UPDATE that adds them,
 * so patching an UPDATE would block every later edit of a pod admitted uninjected.
 */
function isCreate(ctx: InjectContext): boolean {
  return ctx.operation === undefined || ctx.operation === '' || ctx.operation === 'CREATE';
}

/**
 * Every input yields an outcome; a throw is a bug in the engine, which its callers answer as an
 * internal error (the webhook: an InternalError review, logged and counted; the CLI: exit 3).
 */
export function inject(object: unknown, ctx: InjectContext): InjectionOutcome {
  // First, because DELETE and CONNECT reviews carry no object at all.
  if (!isCreate(ctx)) return { decision: 'skip', reason: 'not_create', warnings: [] };
  const byKind = kindOutcome(object, ctx);
  if (byKind !== undefined) return byKind;
  const shape = checkPodShape(object, ctx.objectPath);
  if (!shape.ok) return deny('invalid_configuration', shape.problems);
  return injectInFlavour(shape.pod, ctx);
}
