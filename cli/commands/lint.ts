// `vault-injector lint`: reports, per object of a manifest stream, the annotation findings the
// webhook would send as admission warnings, vault annotations on the wrong object, and everything
// that would get the pod denied, so CI can catch them before anything reaches a cluster.
import { Option, type Command } from 'commander';
import {
  findingSubject,
  findingText,
  shownSuggestion,
  type SettingNamer,
} from '../../admission/format-finding.js';
import type { Finding } from '../../patches/finding.js';
import type { InjectorConfig } from '../../patches/injector-config.js';
import { isRecord } from '../../patches/is-record.js';
import type { InjectionOutcome } from '../../patches/outcome.js';
import { addConfigOptions } from '../config.js';
import type { CliIO } from '../io.js';
import { addManifestOptions, objectsOf, readManifests } from '../manifest-input.js';
import { objectName } from '../object-name.js';
import { runPipeline } from '../pipeline.js';
import { settingsAsFlags } from '../settings-as-flags.js';

/** One line of the report; also the JSON shape of `--output json`. */
export interface ReportedFinding {
  readonly file: string;
  /** "Kind/namespace/name". */
  readonly object: string;
  readonly namespace: string;
  /** Annotation key, or a pod field or setting flag the engine names. */
  readonly annotation: string;
  readonly severity: Finding['severity'];
  readonly message: string;
  readonly suggestion?: string;
}

type Row = Omit<ReportedFinding, 'file' | 'object' | 'namespace'>;

interface LintFlags {
  file: string[];
  recursive?: boolean;
  output: 'text' | 'json';
  namespace?: string;
  strict?: boolean;
}

function toRow(f: Finding, settingName: SettingNamer): Row {
  const text = findingText({ ...f, suggestion: undefined }, settingName);
  const message = f.value === undefined ? text : `${JSON.stringify(f.value)}: ${text}`;
  const row = { annotation: findingSubject(f, settingName), severity: f.severity, message };
  return f.suggestion === undefined ? row : { ...row, suggestion: f.suggestion };
}

const identityOf = (f: Finding): string => `${f.key}\0${f.message}`;

/** The engine's verdict: denial problems are errors, its warnings warnings, each listed once. */
function engineFindings(outcome: InjectionOutcome, seen: readonly Finding[]): Finding[] {
  const already = new Set(seen.map(identityOf));
  const problems = outcome.decision === 'deny' ? outcome.problems : [];
  return [...problems, ...outcome.warnings.filter((w) => !already.has(identityOf(w)))];
}

export interface LintContext {
  readonly file: string;
  readonly namespace: string | undefined;
  readonly config: InjectorConfig;
  readonly settingName: SettingNamer;
}

/** Findings for one object; objects with no pods of their own only get the metadata check. */
export function lintObject(object: unknown, ctx: LintContext): ReportedFinding[] {
  if (!isRecord(object)) return [];
  // The pod as the webhook would receive it, exactly as `mutate` builds it.
  const { identity: id, misplaced, annotationFindings, run } = runPipeline(object, ctx);
  const where = {
    file: ctx.file,
    object: objectName(id.kind, id.namespace, id.name),
    namespace: id.namespace,
  };
  const findings = [...misplaced, ...annotationFindings];
  if (run !== undefined) findings.push(...engineFindings(run.outcome, annotationFindings));
  return findings.map((f) => ({ ...where, ...toRow(f, ctx.settingName) }));
}

function formatLine(f: ReportedFinding): string {
  const hint =
    f.suggestion === undefined
      ? ''
      : ` (did you mean ${shownSuggestion(f.annotation, f.suggestion)}?)`;
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
        'the wrong object, and anything the webhook would deny. Errors are what the webhook would ' +
        'deny, warnings what it admits. Exits 1 on errors (and, with --strict, on warnings), 2 ' +
        'when the input cannot be read or holds no object, or on a usage error.',
    );
  addManifestOptions(cmd)
    .addOption(
      new Option('-o, --output <format>', 'report format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option(
      '-n, --namespace <ns>',
      'namespace of the objects that name none (default: default); one an object names must match',
    )
    .option('--strict', 'exit 1 on warnings too');
  addConfigOptions(cmd).action(async (opts: LintFlags): Promise<void> => {
    const config = settingsAsFlags(cmd, io);
    const files = (await readManifests(opts, io)).map((f) => ({
      source: f.source,
      objects: objectsOf(f.documents),
    }));
    const objects = files.reduce((n, f) => n + f.objects.length, 0);
    const findings = files.flatMap((file) => {
      const ctx: LintContext = {
        file: file.source,
        namespace: opts.namespace,
        config: config.injector,
        settingName: config.settingName,
      };
      return file.objects.flatMap((o) => lintObject(o, ctx));
    });
    if (opts.output === 'json') io.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    else for (const f of findings) io.stdout.write(formatLine(f));
    const errors = findings.filter((f) => f.severity === 'error').length;
    const warnings = findings.filter((f) => f.severity === 'warning').length;
    const notes = findings.length - errors - warnings;
    if (opts.output !== 'json') {
      // A clean run says what it looked at: silence cannot be told apart from reading nothing.
      const info = notes === 0 ? '' : `, ${notes} info`;
      const summary =
        findings.length === 0
          ? `${plural(objects, 'object')} checked, no findings`
          : `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${info}`;
      io.stderr.write(`${summary}\n`);
    }
    if (errors > 0 || (opts.strict === true && warnings > 0)) setExit(1);
  });
}
