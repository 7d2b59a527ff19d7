// The engine's one entry point, used by the webhook and every CLI command:
// object → decide → parse annotations (all problems) → desired pod → RFC 6902 diff.
import { isRecord } from './is-record.js';
import { SYSTEM_NAMESPACES, decideInjection } from './decide.js';
import type { InjectorConfig } from './injector-config.js';
import type { Pod } from './k8s-types.js';
import { formatProblems, type InjectionOutcome, type Problem } from './outcome.js';
import { checkPodShape } from './pod-shape.js';
import { buildInjection } from './build-injection.js';

export interface InjectContext {
  /** The request namespace (AdmissionRequest.namespace); pods from controllers have none in metadata. */
  readonly namespace: string;
  /** AdmissionRequest.kind.kind when known. */
  readonly kind?: string | undefined;
  /** AdmissionRequest.operation when known; the CLI's objects are about to be created. */
  readonly operation?: string | undefined;
  readonly config: InjectorConfig;
}

function deny(
  reason: 'invalid_annotations' | 'invalid_configuration' | 'system_namespace',
  problems: Problem[],
): InjectionOutcome {
  return { decision: 'deny', reason, problems, message: formatProblems(problems), warnings: [] };
}

/** Never throws: every input yields an outcome. */
export function inject(object: unknown, ctx: InjectContext): InjectionOutcome {
  // Only a pod being created may gain containers: the API server refuses an UPDATE that adds
  // them, so patching an UPDATE would block every later edit of a pod admitted uninjected. This
  // comes first because DELETE and CONNECT reviews carry no object at all.
  if (ctx.operation !== undefined && ctx.operation !== '' && ctx.operation !== 'CREATE') {
    return { decision: 'skip', reason: 'not_create', warnings: [] };
  }
  const objectKind = isRecord(object) ? object.kind : undefined;
  if (ctx.kind !== undefined && ctx.kind !== 'Pod')
    return { decision: 'skip', reason: 'not_a_pod', warnings: [] };
  if (objectKind !== undefined && objectKind !== 'Pod') {
    if (ctx.kind === undefined) return { decision: 'skip', reason: 'not_a_pod', warnings: [] };
    return deny('invalid_configuration', [
      {
        key: 'object.kind',
        value: String(objectKind),
        message: 'the request is for a Pod but the object is not a Pod',
      },
    ]);
  }
  const shape = checkPodShape(object);
  if (!shape.ok) return deny('invalid_configuration', shape.problems);
  const pod: Pod = shape.pod;
  const annotations = pod.metadata?.annotations ?? {};
  const decision = decideInjection(annotations, pod.status?.phase);
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
  try {
    return buildInjection(pod, ctx.namespace, ctx.config);
  } catch (err) {
    // A bug must not become a 500 for the API server: deny with the reason so it is visible.
    return deny('invalid_configuration', [
      {
        key: 'injector',
        message: `internal error while building the injection: ${(err as Error).message}`,
      },
    ]);
  }
}
