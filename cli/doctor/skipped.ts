// A read that failed becomes one finding naming the checks it skipped: a cluster-reader missing a
// permission still gets every other answer, and sees exactly what it did not get.
import type { DoctorFinding, Severity } from './findings.js';
import type { ReadFailure } from './snapshot.js';

export function skippedCheck(failure: ReadFailure, checks: readonly string[]): DoctorFinding {
  // An API that does not serve a kind is a fact about the cluster, not a problem to fix.
  const severity: Severity = failure.status === 'absent' ? 'info' : 'warning';
  const hint =
    failure.status === 'forbidden'
      ? 'grant the identity doctor runs as get and list on it (the built-in view role lacks Secrets and webhook configurations)'
      : undefined;
  const out: DoctorFinding = {
    code: 'check-skipped',
    severity,
    object: failure.object,
    message: `Cannot ${failure.what} (${failure.reason}), so ${checks.join(', ')} ${checks.length === 1 ? 'was' : 'were'} not checked.`,
  };
  return hint === undefined ? out : { ...out, hint };
}
