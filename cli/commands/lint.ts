// `vault-injector lint`: reports, per object of a manifest stream, the annotation findings the
// webhook would send as admission warnings, vault annotations on the wrong object, and everything
// that would get the pod denied, so CI can catch them before anything reaches a cluster.
import { isRecord } from '../../patches/is-record.js';
import { Option, type Command } from 'commander';
import { ANNOTATION_PREFIX } from '../../patches/annotations.js';
import type { InjectorConfig } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import {
  formatWarning,
  lintAnnotations,
  lintWorkloadMetadata,
  type LintFinding,
} from '../../patches/lint.js';
import type { InjectionOutcome } from '../../patches/outcome.js';
import { addConfigOptions, configFromCommand } from '../config.js';
import type { CliIO } from '../io.js';
import { isList, parseManifests } from '../manifests.js';
import { readInput } from '../read-input.js';
import { addServiceAccountToken } from '../service-account-admission.js';
import { identify, podFromTemplate, templateOf } from '../workloads.js';

/** One line of the report; also the JSON shape of `--output json`. */
export interface ReportedFinding {
  readonly file: string;
  /** "Kind/name". */
  readonly object: string;
  readonly namespace: string;
  /** Annotation key, or a field or flag the engine names ("" when it names none). */
  readonly annotation: string;
  readonly severity: 'warning' | 'error';
  readonly message: string;
  readonly suggestion?: string;
}

interface LintFlags {
  file: string;
  output: 'text' | 'json';
  namespace?: string;
  strict?: boolean;
}

type Obj = Record<string, unknown>;

/** Only string values: anything else is a shape problem the engine itself reports. */
function annotationsOf(podLike: Obj | undefined): Record<string, string> {
  const meta = podLike?.metadata;
  const raw = isRecord(meta) && isRecord(meta.annotations) ? meta.annotations : {};
  return Object.fromEntries(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/** The engine's verdict as findings: denial problems are errors, its warnings are warnings. */
function engineFindings(outcome: InjectionOutcome, alreadyReported: ReadonlySet<string>) {
  const out: Omit<ReportedFinding, 'file' | 'object' | 'namespace'>[] = [];
  if (outcome.decision === 'deny') {
    for (const p of outcome.problems) {
      const message =
        p.value === undefined ? p.message : `${JSON.stringify(p.value)}: ${p.message}`;
      out.push({ annotation: p.key, severity: 'error', message });
    }
  }
  // Once the engine sends lint findings as warnings too, they are already listed above in full.
  for (const w of outcome.warnings.filter((w) => !alreadyReported.has(w))) {
    const split = w.startsWith(ANNOTATION_PREFIX) ? w.indexOf(': ') : -1;
    out.push(
      split > 0
        ? { annotation: w.slice(0, split), severity: 'warning', message: w.slice(split + 2) }
        : { annotation: '', severity: 'warning', message: w },
    );
  }
  return out;
}

function fromLint(f: LintFinding): Omit<ReportedFinding, 'file' | 'object' | 'namespace'> {
  const base = { annotation: f.key, severity: f.severity, message: f.message };
  return f.suggestion === undefined ? base : { ...base, suggestion: f.suggestion };
}

/** Findings for one object; objects with no pods of their own only get the metadata check. */
/** Vault annotations on a workload's own metadata, and on a CronJob's jobTemplate, do nothing. */
export function misplaced(
  object: Record<string, unknown>,
  kind: string,
  name: string,
  annotations: Readonly<Record<string, string>>,
): LintFinding[] {
  const found = lintWorkloadMetadata(object, annotations);
  const spec = object.spec;
  if (kind !== 'CronJob' || !isRecord(spec) || !isRecord(spec.jobTemplate)) return found;
  const jobMeta = spec.jobTemplate.metadata;
  if (!isRecord(jobMeta)) return found;
  const jobTemplate = { kind, metadata: { ...jobMeta, name: `${name} jobTemplate` } };
  return [...found, ...lintWorkloadMetadata(jobTemplate, annotations)];
}

export function lintObject(
  object: unknown,
  file: string,
  namespace: string | undefined,
  config: InjectorConfig,
): ReportedFinding[] {
  if (!isRecord(object)) return [];
  const id = identify(object, namespace);
  const where = { file, object: `${id.kind || 'object'}/${id.name}`, namespace: id.namespace };
  const template = id.kind === 'Pod' ? object : templateOf(object);
  const annotations = annotationsOf(template);
  const lint = id.kind === 'Pod' ? [] : misplaced(object, id.kind, id.name, annotations);
  const found = template === undefined ? [] : lintAnnotations(annotations);
  const rows = [...lint, ...found].map(fromLint);
  if (template !== undefined) {
    // The pod as the webhook would receive it, exactly as `mutate` builds it.
    const pod = structuredClone(id.kind === 'Pod' ? object : podFromTemplate(template, id));
    addServiceAccountToken(pod.spec);
    const outcome = inject(pod, { namespace: id.namespace, kind: 'Pod', config });
    rows.push(...engineFindings(outcome, new Set(found.map(formatWarning))));
  }
  return rows.map((r) => ({ ...where, ...r }));
}

function formatLine(f: ReportedFinding): string {
  const hint =
    f.suggestion === undefined
      ? ''
      : ` (did you mean ${f.suggestion.startsWith(ANNOTATION_PREFIX) ? f.suggestion.slice(ANNOTATION_PREFIX.length) : f.suggestion}?)`;
  const at = f.annotation === '' ? '' : `${f.annotation}: `;
  return `${f.file}: ${f.object}: ${at}${f.severity}: ${f.message}${hint}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function registerLintCommand(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  const cmd = program
    .command('lint')
    .description(
      'check the vault.hashicorp.com annotations of Pods and pod templates: unknown names (with ' +
        'suggestions), per-secret settings for undeclared secrets, risky values, annotations on ' +
        'the wrong object, and anything the webhook would deny. Exits 1 on errors (and, with ' +
        '--strict, on warnings), 2 when the input cannot be read.',
    )
    .requiredOption('-f, --file <path>', 'manifest file to read ("-" for stdin)')
    .addOption(
      new Option('-o, --output <format>', 'report format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option('-n, --namespace <ns>', "namespace to check as (default: each object's, else default)")
    .option('--strict', 'exit 1 on warnings too');
  addConfigOptions(cmd).action(async (opts: LintFlags): Promise<void> => {
    const config = configFromCommand(cmd, io.env);
    const input = await readInput(opts.file, io);
    const objects = parseManifests(input.text, input.source).flatMap((d) =>
      isList(d) ? d.items : [d],
    );
    const findings = objects.flatMap((o) =>
      lintObject(o, input.source, opts.namespace, config.injector),
    );
    if (opts.output === 'json') io.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    else for (const f of findings) io.stdout.write(formatLine(f));
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.length - errors;
    if (findings.length > 0 && opts.output !== 'json') {
      io.stderr.write(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`);
    }
    if (errors > 0 || (opts.strict === true && warnings > 0)) setExit(1);
  });
}
