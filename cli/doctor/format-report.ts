// The two report formats: a table grouped by severity for people, `{findings, summary}` for tools.
import type { DoctorReport, DoctorSummary } from './diagnose.js';
import type { DoctorFinding, Severity } from './findings.js';

const GROUPS: ReadonlyArray<readonly [Severity, string]> = [
  ['error', 'ERRORS'],
  ['warning', 'WARNINGS'],
  ['info', 'INFO'],
];

function details(f: DoctorFinding): string {
  const parts = [
    f.cause === undefined ? '' : `cause: ${f.cause}`,
    f.owner === undefined ? '' : `owner: ${f.owner}`,
  ].filter((p) => p !== '');
  return parts.length === 0 ? '' : ` [${parts.join('; ')}]`;
}

/** One line per finding: code, object, what is wrong, and after "→" what to do. */
interface Widths {
  readonly code: number;
  readonly object: number;
}

/** Columns line up across all groups, so the report reads as one table. */
function widths(findings: readonly DoctorFinding[]): Widths {
  return {
    code: Math.max(0, ...findings.map((f) => f.code.length)),
    object: Math.max(0, ...findings.map((f) => f.object.length)),
  };
}

function table(findings: readonly DoctorFinding[], w: Widths): string[] {
  return findings.map((f) => {
    const fix = f.hint === undefined ? '' : ` → ${f.hint}`;
    return `  ${f.code.padEnd(w.code)}  ${f.object.padEnd(w.object)}  ${f.message}${details(f)}${fix}`;
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summaryLine(s: DoctorSummary): string {
  const scope = s.namespace === 'all' ? 'all namespaces' : `namespace ${s.namespace}`;
  const checked = `${plural(s.podsChecked, 'pod')} and ${plural(s.workloadsChecked, 'workload')} in ${scope}, webhook configuration ${s.webhookConfiguration}`;
  if (s.errors + s.warnings + s.info === 0) return `No problems found (checked ${checked}).`;
  return `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${s.info} info (checked ${checked}).`;
}

export function formatText(report: DoctorReport): string {
  const lines: string[] = [];
  const w = widths(report.findings);
  for (const [severity, title] of GROUPS) {
    const group = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(`${title} (${group.length})`, ...table(group, w), '');
  }
  lines.push(summaryLine(report.summary));
  return `${lines.join('\n')}\n`;
}

export function formatJson(report: DoctorReport): string {
  return `${JSON.stringify({ findings: report.findings, summary: report.summary }, null, 2)}\n`;
}
