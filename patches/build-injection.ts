// TEMPORARY: replaced by the real builder while the engine is written.
import type { InjectorConfig } from './injector-config.js';
import type { Pod } from './k8s-types.js';
import type { InjectionOutcome } from './outcome.js';

export function buildInjection(
  _pod: Pod,
  _namespace: string,
  _cfg: InjectorConfig,
): InjectionOutcome {
  return {
    decision: 'deny',
    reason: 'invalid_configuration',
    problems: [],
    message: 'engine not built yet',
    warnings: [],
  };
}
