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

export function discoverSecrets(
  annotations: Readonly<Record<string, string>>,
  globalMountPath: string,
  templateKind: DefaultTemplate,
  index: FamilyIndex = indexFamilies(annotations),
): SecretsResult {
  const problems: Problem[] = [];
  const secrets = declaredSecretNames(annotations, index).map((raw): SecretSpec => {
    // Per-secret values come from the index: no key strings are built per secret and prefix.
    const get = (prefix: string): string => index.get(prefix)?.get(raw) ?? '';
    const name = preserveCase(annotations, index, raw) ? raw : raw.toLowerCase();
    const path = get(PREFIX_SECRET);
    const template = get(PREFIX_TEMPLATE);
    const templateFile = template === '' ? get(PREFIX_TEMPLATE_FILE) : '';
    const ownMountPath = index.get(PREFIX_SECRET_VOLUME_PATH)?.get(raw);
    const mountPath = ownMountPath ?? globalMountPath;
    if (ownMountPath !== undefined && !mountPath.startsWith('/')) {
      problems.push({
        key: `${PREFIX_SECRET_VOLUME_PATH}${raw}`,
        value: mountPath,
        message: 'expected an absolute path such as /vault/db',
      });
    }
    const missingKeyRaw = index.get(PREFIX_ERROR_ON_MISSING_KEY)?.get(raw);
    const missingKey = parseGoBool(missingKeyRaw ?? '');
    if (!missingKey.ok) {
      problems.push({
        key: `${PREFIX_ERROR_ON_MISSING_KEY}${raw}`,
        value: missingKeyRaw,
        message: `expected ${missingKey.accepted}`,
      });
    }
    const file = get(PREFIX_FILE);
    const usesDefaultTemplate = template === '' && templateFile === '';
    return {
      rawName: raw,
      name,
      path,
      destination: file === '' ? `${mountPath}/${name}` : goJoin(mountPath, file),
      contents:
        template !== '' ? template : usesDefaultTemplate ? defaultTemplate(templateKind, path) : '',
      source: templateFile,
      mountPath,
      command: get(PREFIX_COMMAND),
      perms: get(PREFIX_PERMS),
      leftDelimiter: get(PREFIX_LEFT_DELIM) || '{{',
      rightDelimiter: get(PREFIX_RIGHT_DELIM) || '}}',
      errorOnMissingKey: missingKey.ok && missingKey.value,
      usesDefaultTemplate,
    };
  });
  return { secrets, problems };
}
