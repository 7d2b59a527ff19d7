// Findings as text, for where they leave the process: admission warnings, a denial's
// status.message and the CLI's lines. The engine names injector settings by their configuration
// key; the caller says how its users set them (a flag, an environment variable).
import type { Finding } from '../patches/finding.js';
import { ANNOTATION_PREFIX } from '../patches/annotations.js';
import { shortKey } from '../patches/lint.js';

/** An injector setting's configuration key → how the user sets it, e.g. "--vault-address". */
export type SettingNamer = (key: string) => string;

/** Keys and suggestions come from the request: a hostile one must not flood kubectl's output. */
const MAX_KEY = 80;
/** Messages of our own can be long (a list of accepted values); only runaway text is cut. */
const MAX_WARNING = 1024;

/** Keys come from the request before the API server validates them: keep them printable and short. */
function clean(text: string, max: number): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length <= max ? printable : `${printable.slice(0, max - 3)}...`;
}

/** The annotation, pod field or setting a finding is about, as the user would write it. */
export function findingSubject(f: Finding, settingName: SettingNamer): string {
  return f.setting === true ? settingName(f.key) : f.key;
}

/**
 * A suggested key as shown: without vault.hashicorp.com/ when the key at fault has that prefix too,
 * else in full, so `openbao.org/role` on a Vault pod reads "did you mean vault.hashicorp.com/role?".
 */
export function shownSuggestion(key: string, suggestion: string): string {
  return key.startsWith(ANNOTATION_PREFIX) ? shortKey(suggestion) : suggestion;
}

/** The message with what else would fix it and the likely intended key. */
export function findingText(f: Finding, settingName: SettingNamer): string {
  const alternative = f.orSetting === undefined ? '' : ` or ${settingName(f.orSetting)}`;
  const hint =
    f.suggestion === undefined
      ? ''
      : ` (did you mean ${clean(shownSuggestion(f.key, f.suggestion), MAX_KEY)}?)`;
  return `${f.message}${alternative}${hint}`;
}

/** One line for AdmissionResponse.warnings (kubectl prints each as "Warning: ..."). */
export function formatWarning(f: Finding, settingName: SettingNamer): string {
  const subject = clean(findingSubject(f, settingName), MAX_KEY);
  return clean(`${subject}: ${findingText(f, settingName)}`, MAX_WARNING);
}

/** One clause per problem, so a denial's status.message names every annotation at fault. */
export function formatProblems(problems: readonly Finding[], settingName: SettingNamer): string {
  return problems
    .map((p) => {
      const subject = findingSubject(p, settingName);
      const at = p.value === undefined ? subject : `${subject}=${JSON.stringify(p.value)}`;
      return `${at}: ${findingText(p, settingName)}`;
    })
    .join('; ');
}
