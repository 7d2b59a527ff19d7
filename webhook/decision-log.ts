// The one log line per admission decision. Annotation values can hold Vault tokens, templates
// or keys, so only keys are logged, and problem values only for non-sensitive annotations.
import { findingSubject, type SettingNamer } from '../admission/format-finding.js';
import { isSensitiveAnnotation } from '../patches/annotations.js';
import type { RequestSummary } from '../admission/summary.js';
import type { Finding, InjectOutcome, InjectionOutcome } from '../patches/outcome.js';
import { directLineWriter, type Logger } from './logger.js';
import { withoutJsonExcerpt } from './redact.js';

/** A problem as the user set it: an injector setting by its flag, not its configuration key. */
function describeProblem(p: Finding, settingName: SettingNamer): string {
  if (isSensitiveAnnotation(p.key)) {
    // The engine's message can quote the value too (a JSON parse error of agent-json-patch).
    return `${p.key}: ${withoutJsonExcerpt(p.message)}`;
  }
  const value = p.value === undefined ? '' : `=${JSON.stringify(p.value)}`;
  return `${findingSubject(p, settingName)}${value}: ${p.message}`;
}

const byKey: SettingNamer = (key) => key;

function annotationKeys(object: unknown): string[] {
  const meta = (object as { metadata?: { annotations?: unknown } } | undefined)?.metadata;
  const ann = meta?.annotations;
  return typeof ann === 'object' && ann !== null ? Object.keys(ann).sort() : [];
}

/**
 * What the log line and the metrics read of an outcome: the verdict, not the pod. The answer
 * cache keeps only this, so a stored answer does not also hold the desired pod, patch and spec.
 */
export type OutcomeVerdict =
  | Exclude<InjectionOutcome, InjectOutcome>
  | Pick<InjectOutcome, 'decision' | 'injectionType' | 'warnings'>;

export function verdictOf(outcome: InjectionOutcome): OutcomeVerdict {
  if (outcome.decision !== 'inject') return outcome;
  const { decision, injectionType, warnings } = outcome;
  return { decision, injectionType, warnings };
}

function reasonOf(outcome: OutcomeVerdict): string {
  if (outcome.decision === 'inject') return outcome.injectionType ?? 'no_agent_container';
  return outcome.reason;
}

/** One decision: who it was about, what the engine decided, and the object (for its keys). */
export interface LoggedDecision {
  readonly summary: RequestSummary;
  readonly outcome: OutcomeVerdict;
  readonly object: unknown;
}

export function logDecision(
  logger: Logger,
  decision: LoggedDecision,
  durationMs: number,
  settingName: SettingNamer = byKey,
): void {
  const { summary, outcome, object } = decision;
  const fields: Record<string, unknown> = {
    decision: outcome.decision,
    uid: summary.uid,
    namespace: summary.namespace,
    pod: summary.name,
    owner: summary.ownerKind || undefined,
    operation: summary.operation || undefined,
    reason: reasonOf(outcome),
    duration_ms: Math.round(durationMs * 10) / 10,
  };
  if (outcome.decision === 'deny')
    fields.problems = outcome.problems.map((p) => describeProblem(p, settingName));
  if (outcome.warnings.length > 0) fields.warnings = outcome.warnings.length;
  if (logger.isLevelEnabled('debug')) fields.annotations = annotationKeys(object);
  const level = outcome.decision === 'deny' ? 'warn' : 'info';
  const direct = directLineWriter(logger);
  if (direct !== undefined) direct(logger, level, fields);
  else logger[level](fields);
}
