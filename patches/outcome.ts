// What the engine decided for one object. The same value drives the admission response, the
// server's log line and metrics, and the CLI's report, so every skip and denial carries a reason.
import type { Operation } from 'fast-json-patch';
import type { Pod } from './k8s-types.js';

/** Why an object was let through untouched (metric label values, snake_case as in linkerd). */
export type SkipReason =
  'not_create' | 'not_a_pod' | 'not_annotated' | 'disabled' | 'already_injected' | 'not_pending';

export type DenyReason = 'system_namespace' | 'invalid_annotations' | 'invalid_configuration';

/** The vault-k8s metric label for what was injected (reference §6). */
export type InjectionType = 'init_and_sidecar' | 'init_only' | 'sidecar_only';

/** One thing wrong with a pod: the annotation (or field) at fault, its value, and what is accepted. */
export interface Problem {
  /** Annotation key, e.g. "vault.hashicorp.com/agent-limits-cpu", or a pod field path. */
  readonly key: string;
  /** The offending value, when there is one. Omitted for values that may carry secrets. */
  readonly value?: string;
  readonly message: string;
}

export interface SkipOutcome {
  readonly decision: 'skip';
  readonly reason: SkipReason;
  readonly warnings: readonly string[];
}

export interface DenyOutcome {
  readonly decision: 'deny';
  readonly reason: DenyReason;
  readonly problems: readonly Problem[];
  /** Human text listing every problem: what status.message carries. */
  readonly message: string;
  readonly warnings: readonly string[];
}

export interface InjectOutcome {
  readonly decision: 'inject';
  /** RFC 6902 operations turning the original pod into `pod`; empty when nothing changes. */
  readonly patch: readonly Operation[];
  /** The desired (mutated) pod. */
  readonly pod: Pod;
  /** undefined when no agent container was added (pre-populate false and pre-populate-only true). */
  readonly injectionType: InjectionType | undefined;
  readonly warnings: readonly string[];
}

export type InjectionOutcome = SkipOutcome | DenyOutcome | InjectOutcome;

/** Formats problems one per clause so a denial names every annotation at fault. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems
    .map((p) =>
      p.value === undefined
        ? `${p.key}: ${p.message}`
        : `${p.key}=${JSON.stringify(p.value)}: ${p.message}`,
    )
    .join('; ');
}
