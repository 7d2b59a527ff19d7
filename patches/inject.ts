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
import { VAULT_NAMES, type InjectorNames } from './injector-names.js';
import { isRecord } from './is-record.js';
import type { OwnerReference, Pod } from './k8s-types.js';
import { lintAnnotations } from './lint.js';
import type { DenyReason, InjectionOutcome } from './outcome.js';
import { parseAgentSpec } from './parse-annotations.js';
import { checkPodShape, checkPodSpecShape } from './pod-shape.js';
import { toError } from './to-error.js';

export interface InjectContext {
  /** The request namespace (AdmissionRequest.namespace); pods from controllers have none in metadata. */
  readonly namespace: string;
  /** AdmissionRequest.kind.kind when known. */
  readonly kind?: string | undefined;
  /** AdmissionRequest.operation when known; the CLI's objects are about to be created. */
  readonly operation?: string | undefined;
  readonly config: InjectorConfig;
  /** The injector's own names; Vault's unless another product supplies its set. */
  readonly names?: InjectorNames;
}

function deny(
  reason: DenyReason,
  problems: readonly Problem[],
  warnings: readonly Finding[] = [],
): InjectionOutcome {
  return { decision: 'deny', reason, problems: asErrors(problems), warnings };
}

/** A classic sidecar never exits, so a Job's pod never completes: say so, and how to fix it. */
function jobWarning(pod: Pod, spec: AgentSpec): Finding[] {
  // ownerReferences is not shape-checked (only this warning reads it): tolerate anything.
  const owners: unknown = pod.metadata?.ownerReferences;
  const job = Array.isArray(owners)
    ? (owners as Array<OwnerReference | null>).find((o) => o?.kind === 'Job')
    : undefined;
  if (!job || spec.layout.sidecar !== 'container') return [];
  const name = typeof job.name === 'string' ? job.name : '';
  return [
    warning(
      'metadata.ownerReferences',
      `pod of Job ${name}: the ${spec.names.sidecarContainer} sidecar never exits, so the Job will never complete; set ${ANNOTATION_AGENT_NATIVE_SIDECAR}: "true" or ${ANNOTATION_AGENT_PRE_POPULATE_ONLY}: "true"`,
    ),
  ];
}

/** Typos and misplaced annotations are silently ignored by vault-k8s; here kubectl shows them. */
function annotationWarnings(pod: Pod, spec: AgentSpec | undefined): Finding[] {
  const declared = spec && new Set(spec.secrets.map((s) => s.rawName));
  // The webhook admits the pod anyway, so to its user every lint finding is a warning.
  return lintAnnotations(pod.metadata?.annotations ?? {}, declared).map((f) => ({
    ...f,
    severity: 'warning',
  }));
}

/** Parse → desired pod → diff, for a pod the decision step has accepted. */
function buildInjection(pod: Pod, ctx: InjectContext): InjectionOutcome {
  const shape = checkPodSpecShape(pod);
  if (shape.length > 0) return deny('invalid_configuration', shape);
  const parsed = parseAgentSpec(pod, ctx.namespace, ctx.config, ctx.names ?? VAULT_NAMES);
  const spec = parsed.ok ? parsed.spec : undefined;
  const warnings = [...parsed.warnings, ...annotationWarnings(pod, spec)];
  if (!parsed.ok) return deny('invalid_annotations', parsed.problems, warnings);
  const desired = buildDesiredPod(pod, parsed.spec);
  if (!desired.ok) return deny('invalid_annotations', desired.problems, warnings);
  return {
    decision: 'inject',
    patch: diffJson(pod, desired.pod),
    pod: desired.pod,
    spec: parsed.spec,
    injectionType: desired.injectionType,
    warnings: [...warnings, ...jobWarning(pod, parsed.spec)],
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
      key: 'object.kind',
      value: String(objectKind),
      message: 'the request is for a Pod but the object is not a Pod',
    },
  ]);
}

function injectPod(pod: Pod, ctx: InjectContext): InjectionOutcome {
  const decision = decideInjection(pod.metadata?.annotations ?? {}, pod.status?.phase);
  if (!decision.proceed) {
    if ('skip' in decision) return { decision: 'skip', reason: decision.skip, warnings: [] };
    return deny('invalid_annotations', [decision.problem]);
  }
  if (SYSTEM_NAMESPACES.has(ctx.namespace)) {
    return deny('system_namespace', [
      {
        key: 'request.namespace',
        value: ctx.namespace,
        message: 'cannot inject into system namespaces (kube-system, kube-public)',
      },
    ]);
  }
  return buildInjection(pod, ctx);
}

/**
 * Only a pod being created may gain containers: the API server refuses an UPDATE that adds them,
 * so patching an UPDATE would block every later edit of a pod admitted uninjected.
 */
function isCreate(ctx: InjectContext): boolean {
  return ctx.operation === undefined || ctx.operation === '' || ctx.operation === 'CREATE';
}

/** Never throws: every input yields an outcome. */
export function inject(object: unknown, ctx: InjectContext): InjectionOutcome {
  // First, because DELETE and CONNECT reviews carry no object at all.
  if (!isCreate(ctx)) return { decision: 'skip', reason: 'not_create', warnings: [] };
  const byKind = kindOutcome(object, ctx);
  if (byKind !== undefined) return byKind;
  const shape = checkPodShape(object);
  if (!shape.ok) return deny('invalid_configuration', shape.problems);
  try {
    return injectPod(shape.pod, ctx);
  } catch (err) {
    // A bug must not become a 500 for the API server: deny with the reason so it is visible.
    return deny('invalid_configuration', [
      {
        key: 'injector',
        message: `internal error while building the injection: ${toError(err).message}`,
      },
    ]);
  }
}
