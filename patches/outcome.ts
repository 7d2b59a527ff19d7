// What the engine decided for one object. The same value drives the admission response, the
// server's log line and metrics, and the CLI's report, so every skip and denial carries a reason.
import type { Operation } from 'fast-json-patch';
import type { AgentSpec } from './agent-spec.js';
import type { Finding } from './finding.js';
import type { Pod } from './k8s-types.js';

export type { Finding, Problem } from './finding.js';

/** Why an object was let through untouched (metric label values, snake_case as in linkerd). */
export type SkipReason =
  'not_create' | 'not_a_pod' | 'not_annotated' | 'disabled' | 'already_injected' | 'not_pending';

export type DenyReason = 'system_namespace' | 'invalid_annotations' | 'invalid_configuration';

/** The metric label for what was injected, with vault-k8s's values so dashboards carry over. */
export type InjectionType = 'init_and_sidecar' | 'init_only' | 'sidecar_only';

export interface SkipOutcome {
  readonly decision: 'skip';
  readonly reason: SkipReason;
  readonly warnings: readonly Finding[];
}

export interface DenyOutcome {
  readonly decision: 'deny';
  readonly reason: DenyReason;
  /** Every problem found (severity error), each naming its annotation, field or setting. */
  readonly problems: readonly Finding[];
  readonly warnings: readonly Finding[];
}

export interface InjectOutcome {
  readonly decision: 'inject';
  /** RFC 6902 operations turning the original pod into `pod`; empty when nothing changes. */
  readonly patch: readonly Operation[];
  /** The desired (mutated) pod. */
  readonly pod: Pod;
  /** The agent as the annotations and configuration define it (what `policy` reads). */
  readonly spec: AgentSpec;
  /** undefined when no agent container was added (pre-populate false and pre-populate-only true). */
  readonly injectionType: InjectionType | undefined;
  readonly warnings: readonly Finding[];
}

export type InjectionOutcome = SkipOutcome | DenyOutcome | InjectOutcome;
