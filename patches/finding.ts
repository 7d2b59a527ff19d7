// One shape for everything the engine has to say about a pod: denials and warnings alike. It stays
// structured all the way to the edges, which alone turn it into text (admission warnings, a
// denial's status.message, CLI lines, JSON), so nothing ever has to parse a message back.

/**
 * error: the webhook would deny the pod. warning: admitted, but probably not what was meant.
 * info: admitted, and the user has said by an annotation that it is what they meant.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /**
   * What is at fault: an annotation key ("vault.hashicorp.com/agent-limits-cpu"), a pod field path
   * ("spec.volumes[].name"), or, with `setting`, an injector setting (an InjectorConfig field).
   */
  readonly key: string;
  readonly severity: Severity;
  readonly message: string;
  /** The offending value, when there is one. Omitted for values that may carry secrets. */
  readonly value?: string;
  /** The full key the user probably meant. */
  readonly suggestion?: string;
  /** True when `key` is an injector setting: edges show it as the flag or variable that sets it. */
  readonly setting?: boolean;
  /** An injector setting that would also fix it; edges append it as "or <flag>". */
  readonly orSetting?: string;
}

/** A finding as the engine's parts record it; the orchestrator decides its severity. */
export type Problem = Omit<Finding, 'severity'>;

export function asErrors(problems: readonly Problem[]): Finding[] {
  return problems.map((p) => ({ ...p, severity: 'error' }));
}

export function warning(key: string, message: string): Finding {
  return { key, severity: 'warning', message };
}

/** A caveat the user has acknowledged: still said, never a reason to fail `lint --strict`. */
export function info(key: string, message: string): Finding {
  return { key, severity: 'info', message };
}
