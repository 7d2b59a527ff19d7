// Secret discovery and file-name derivation from the per-secret annotations. Secrets are sorted by
// raw name so the template order and custom-volume numbering are stable (vault-k8s iterates a Go
// map, whose order is random).
import { posix } from 'node:path';
import {
  PREFIX_COMMAND,
  PREFIX_ERROR_ON_MISSING_KEY,
  PREFIX_FILE,
  PREFIX_LEFT_DELIM,
  PREFIX_PERMS,
  PREFIX_PRESERVE_SECRET_CASE,
  PREFIX_RIGHT_DELIM,
  PREFIX_SECRET,
  PREFIX_SECRET_VOLUME_PATH,
  PREFIX_TEMPLATE,
  PREFIX_TEMPLATE_FILE,
  SECRET_DECLARING_PREFIXES,
  indexFamilies,
  type FamilyIndex,
  ANNOTATION_PRESERVE_SECRET_CASE,
} from './annotations.js';
import type { SecretSpec } from './agent-spec.js';
import { parseGoBool } from './go-values.js';
import type { Problem } from './outcome.js';

export type DefaultTemplate = 'map' | 'json';

/** The default templates, with the Vault path substituted verbatim as vault-k8s does. */
export function defaultTemplate(kind: DefaultTemplate, path: string): string {
  if (kind === 'json') return `{{ with secret "${path}" }}{{ .Data | toJSON }}\n{{ end }}`;
  return `{{ with secret "${path}" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}`;
}

/** Raw names of declared secrets: one per distinct suffix of a non-blank declaring annotation. */
export function declaredSecretNames(
  annotations: Readonly<Record<string, string>>,
  index: FamilyIndex = indexFamilies(annotations),
): string[] {
  const names = new Set<string>();
  for (const prefix of SECRET_DECLARING_PREFIXES) {
    for (const [suffix, value] of index.get(prefix) ?? []) {
      if (value.trim() !== '') names.add(suffix);
    }
  }
  return [...names].sort();
}

/** Go's filepath.Join: joins and cleans (an absolute second part is re-rooted under the first). */
function goJoin(base: string, rel: string): string {
  const joined = posix.normalize(`${base}/${rel}`);
  return joined.length > 1 && joined.endsWith('/') ? joined.slice(0, -1) : joined;
}

function preserveCase(
  annotations: Readonly<Record<string, string>>,
  index: FamilyIndex,
  raw: string,
): boolean {
  const own = index.get(PREFIX_PRESERVE_SECRET_CASE)?.get(raw);
  // As in vault-k8s: the per-secret annotation alone decides when present; parse errors mean false.
  if (own !== undefined) {
    const parsed = parseGoBool(own);
    return parsed.ok && parsed.value;
  }
  const global = annotations[ANNOTATION_PRESERVE_SECRET_CASE];
  if (global === undefined) return false;
  const parsed = parseGoBool(global);
  return parsed.ok && parsed.value;
}

export interface SecretsResult {
  readonly secrets: SecretSpec[];
  readonly problems: Problem[];
}

/** Looks up one secret's per-secret annotations through the index. */
type SecretLookup = (prefix: string) => string | undefined;

function mountPathOf(
  get: SecretLookup,
  raw: string,
  globalMountPath: string,
  problems: Problem[],
): string {
  const own = get(PREFIX_SECRET_VOLUME_PATH);
  if (own !== undefined && !own.startsWith('/')) {
    problems.push({
      key: `${PREFIX_SECRET_VOLUME_PATH}${raw}`,
      value: own,
      message: 'expected an absolute path such as /vault/db',
    });
  }
  return own ?? globalMountPath;
}

function errorOnMissingKey(get: SecretLookup, raw: string, problems: Problem[]): boolean {
  const value = get(PREFIX_ERROR_ON_MISSING_KEY);
  const parsed = parseGoBool(value ?? '');
  if (parsed.ok) return parsed.value;
  problems.push({
    key: `${PREFIX_ERROR_ON_MISSING_KEY}${raw}`,
    value,
    message: `expected ${parsed.accepted}`,
  });
  return false;
}

/** An inline template wins over a template file; with neither, the default template renders. */
function templateOf(
  get: SecretLookup,
  kind: DefaultTemplate,
  path: string,
): Pick<SecretSpec, 'contents' | 'source' | 'usesDefaultTemplate'> {
  const template = get(PREFIX_TEMPLATE) ?? '';
  if (template !== '') return { contents: template, source: '', usesDefaultTemplate: false };
  const source = get(PREFIX_TEMPLATE_FILE) ?? '';
  if (source !== '') return { contents: '', source, usesDefaultTemplate: false };
  return { contents: defaultTemplate(kind, path), source: '', usesDefaultTemplate: true };
}

export function discoverSecrets(
  annotations: Readonly<Record<string, string>>,
  globalMountPath: string,
  templateKind: DefaultTemplate,
  index: FamilyIndex = indexFamilies(annotations),
): SecretsResult {
  const problems: Problem[] = [];
  const secrets = declaredSecretNames(annotations, index).map((raw): SecretSpec => {
    // Per-secret values come from the index: no key strings are built per secret and prefix.
    const get: SecretLookup = (prefix) => index.get(prefix)?.get(raw);
    const text = (prefix: string): string => get(prefix) ?? '';
    const name = preserveCase(annotations, index, raw) ? raw : raw.toLowerCase();
    const path = text(PREFIX_SECRET);
    const mountPath = mountPathOf(get, raw, globalMountPath, problems);
    const file = text(PREFIX_FILE);
    return {
      rawName: raw,
      name,
      path,
      destination: file === '' ? `${mountPath}/${name}` : goJoin(mountPath, file),
      ...templateOf(get, templateKind, path),
      mountPath,
      command: text(PREFIX_COMMAND),
      perms: text(PREFIX_PERMS),
      leftDelimiter: text(PREFIX_LEFT_DELIM) || '{{',
      rightDelimiter: text(PREFIX_RIGHT_DELIM) || '}}',
      errorOnMissingKey: errorOnMissingKey(get, raw, problems),
    };
  });
  return { secrets, problems };
}
