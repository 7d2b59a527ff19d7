// What doctor reports: one finding per problem, each naming the object, what is wrong and what to
// do. The code decides the severity, so the same problem always weighs the same wherever it is found.

export type Severity = 'error' | 'warning' | 'info';

export type FindingCode =
  | 'not-injected'
  | 'webhook-missing'
  | 'cabundle-empty'
  | 'cabundle-mismatch'
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

export interface Finding {
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
  'no-ready-injector',
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
export function finding(code: Exclude<FindingCode, 'check-skipped'>, f: FindingInput): Finding {
  const out: Record<string, unknown> = { code, severity: SEVERITY[code] };
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v;
  return out as unknown as Finding;
}

export { objectName } from '../object-name.js';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by code (table order), then by object: a stable report to diff. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding): number => CODE_ORDER.indexOf(f.code);
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      rank(a) - rank(b) ||
      a.object.localeCompare(b.object),
  );
}
