// What doctor reports: one finding per problem, each naming the object, what is wrong and what to
// do. The code decides the severity, so the same problem always weighs the same wherever it is found.

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'not-injected'
  | 'webhook-missing'
  | 'cabundle-empty'
  | 'cabundle-mismatch'
  | 'cabundle-flapping'
  | 'vault-k8s-leader-present'
  | 'failure-policy-ignore'
  | 'no-ready-injector'
  | 'job-sidecar-stuck'
  | 'env-config-missing'
  | 'would-deny'
  | 'lint'
  | 'misplaced-annotations'
  | 'check-skipped';

export type NotInjectedCause =
  'namespace-excluded' | 'object-excluded' | 'system-namespace' | 'webhook-missing' | 'unknown';

export interface DoctorFinding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** "Kind/namespace/name", or "Kind/name" for cluster-scoped objects. */
  readonly object: string;
  readonly message: string;
  readonly cause?: NotInjectedCause;
  /** The pod's top controller, e.g. "Deployment/shop/web". */
  readonly owner?: string;
  readonly hint?: string;
}

/** Severity by code; check-skipped is the one code whose weight depends on why (see skipped.ts). */
const SEVERITY: Readonly<Record<Exclude<FindingCode, 'check-skipped'>, Severity>> = {
  'not-injected': 'error',
  'webhook-missing': 'error',
  'cabundle-empty': 'error',
  'cabundle-mismatch': 'error',
  // Two writers taking turns: the API server trusts one CA, then the other, and calls to the
  // replicas serving the other side's certificate fail (silently under failurePolicy Ignore).
  'cabundle-flapping': 'error',
  // Not an error by itself: while the old leader is the only one writing the Secret and caBundle,
  // our replicas follow it and admission works. When it does fight, cabundle-flapping says so.
  'vault-k8s-leader-present': 'warning',
  'failure-policy-ignore': 'warning',
  'no-ready-injector': 'error',
  'job-sidecar-stuck': 'error',
  'env-config-missing': 'error',
  'would-deny': 'error',
  lint: 'warning',
  'misplaced-annotations': 'warning',
};

/** Code order in reports: the table's order, cluster-wide causes before their symptoms in pods. */
export const CODE_ORDER: readonly FindingCode[] = [
  'webhook-missing',
  'cabundle-empty',
  'cabundle-mismatch',
  'cabundle-flapping',
  'no-ready-injector',
  'vault-k8s-leader-present',
  'failure-policy-ignore',
  'not-injected',
  'job-sidecar-stuck',
  'env-config-missing',
  'would-deny',
  'lint',
  'misplaced-annotations',
  'check-skipped',
];

export interface FindingInput {
  readonly object: string;
  readonly message: string;
  readonly cause?: NotInjectedCause;
  readonly owner?: string;
  readonly hint?: string;
}

/** A finding of a fixed-severity code; optional fields left undefined are omitted (clean JSON). */
export function finding(
  code: Exclude<FindingCode, 'check-skipped'>,
  f: FindingInput,
): DoctorFinding {
  const given = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
  // object and message are in `given` already, so the keys keep the caller's order.
  return { code, severity: SEVERITY[code], ...given, object: f.object, message: f.message };
}

export { objectName } from '../object-name.js';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by code (table order), then by object: a stable report to diff. */
export function sortFindings(findings: readonly DoctorFinding[]): DoctorFinding[] {
  const rank = (f: DoctorFinding): number => CODE_ORDER.indexOf(f.code);
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      rank(a) - rank(b) ||
      a.object.localeCompare(b.object),
  );
}
