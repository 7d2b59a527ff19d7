// Annotation linting: what the injector accepts but silently ignores or would regret. Runs on every
// admitted pod, so the known-name tables are built once, on first use, and edit distances are
// computed only for names that are not known.
import { FAMILIES } from './annotation-families.js';
import { ANNOTATIONS } from './annotation-table.js';
import * as A from './annotations.js';
import type { Finding } from './finding.js';
import { FLAVOURS, prefixedFlavours, VAULT_FLAVOUR, type Flavour } from './flavours.js';
import { parseGoBool } from './go-values.js';
import { declaredSecretNames } from './secrets.js';
import { suggest } from './suggest.js';

/** A lint finding names the annotation at fault by its full key. */
export type LintFinding = Finding;

interface KnownNames {
  /** Full keys of every exact annotation. */
  readonly keys: ReadonlySet<string>;
  /** Every prefix family (full prefix, ending in "-"). */
  readonly families: readonly string[];
  /** The same, without ANNOTATION_PREFIX, for suggestions. */
  readonly shortKeys: readonly string[];
  readonly shortFamilies: readonly string[];
}

let known: KnownNames | undefined;

/**
 * Derived from the annotation table rather than listed again, so an annotation added there is
 * known here at once and never reported as a typo.
 */
function knownNames(): KnownNames {
  if (known !== undefined) return known;
  const keys = new Set(Object.values(ANNOTATIONS).map((row) => row.key));
  const families = Object.values(FAMILIES).map((row) => row.key);
  const short = (k: string): string => k.slice(A.ANNOTATION_PREFIX.length);
  known = {
    keys,
    families,
    shortKeys: [...keys].map(short),
    shortFamilies: families.map(short),
  };
  return known;
}

const PER_SECRET: ReadonlySet<string> = new Set(A.PER_SECRET_PREFIXES);
const DECLARING: ReadonlySet<string> = new Set(A.SECRET_DECLARING_PREFIXES);

/** The display form used in messages: the key without vault.hashicorp.com/. */
export function shortKey(key: string): string {
  return key.startsWith(A.ANNOTATION_PREFIX) ? key.slice(A.ANNOTATION_PREFIX.length) : key;
}

/**
 * Suggestions for unknown keys, remembered: every replica of a Deployment repeats the same typo,
 * and the edit distances are the only costly part of linting. Bounded so hostile keys can't grow it.
 */
const unknownKeyCache = new Map<string, LintFinding>();
const UNKNOWN_KEY_CACHE_SIZE = 512;

function cachedUnknownKey(key: string, names: KnownNames): LintFinding {
  let finding = unknownKeyCache.get(key);
  if (finding === undefined) {
    if (unknownKeyCache.size >= UNKNOWN_KEY_CACHE_SIZE) unknownKeyCache.clear();
    finding = Object.freeze(unknownKey(key, names));
    unknownKeyCache.set(key, finding);
  }
  return finding;
}

/** Names real manifests use for the Vault address, which is the `service` annotation. */
const VAULT_ADDRESS_NAMES: ReadonlySet<string> = new Set([
  'vault-addr',
  'vault-address',
  'address',
]);

/**
 * Wrong names that are not typos: the Vault address under its variable's name, and an `agent-`
 * added to or dropped from a known name (`agent-log-level` for `log-level`).
 */
function misnamed(name: string, names: KnownNames): string | undefined {
  const lower = name.toLowerCase();
  if (VAULT_ADDRESS_NAMES.has(lower)) return shortKey(A.ANNOTATION_SERVICE);
  const toggled = lower.startsWith('agent-') ? lower.slice('agent-'.length) : `agent-${lower}`;
  return names.shortKeys.includes(toggled) ? toggled : undefined;
}

function unknownKey(key: string, names: KnownNames): LintFinding {
  const bareFamily = names.families.find((f) => key === f || `${key}-` === f);
  if (bareFamily !== undefined) {
    return {
      severity: 'warning',
      key,
      message: `ignored: needs a name after the prefix, e.g. ${shortKey(bareFamily)}NAME`,
    };
  }
  const guess =
    suggest(shortKey(key), names.shortKeys, names.shortFamilies) ?? misnamed(shortKey(key), names);
  if (guess === undefined) {
    return { severity: 'warning', key, message: 'unknown annotation, ignored' };
  }
  // A near miss is almost certainly a typo, but the webhook still admits the pod: a warning, with
  // the fix. Only what the webhook denies is an error.
  return {
    severity: 'warning',
    key,
    message: 'unknown annotation, ignored',
    suggestion: `${A.ANNOTATION_PREFIX}${guess}`,
  };
}

function undeclaredSecret(key: string, prefix: string, declared: ReadonlySet<string>): LintFinding {
  const guess = suggest(key.slice(prefix.length), declared);
  const message = 'secret not declared, ignored';
  if (guess === undefined) return { severity: 'warning', key, message };
  return { severity: 'warning', key, message, suggestion: `${prefix}${guess}` };
}

function isTrue(value: string): boolean {
  const parsed = parseGoBool(value);
  return parsed.ok && parsed.value;
}

/** Worded with the pod's product. */
const SUSPICIOUS: ReadonlyArray<readonly [string, (product: string) => string]> = [
  [
    A.ANNOTATION_AGENT_INJECT_TOKEN,
    (product) => `writes the ${product} token into the app-readable secrets volume`,
  ],
  [
    A.ANNOTATION_TLS_SKIP_VERIFY,
    (product) => `the agent won't verify ${product}'s TLS certificate`,
  ],
];

function suspiciousValues(
  annotations: Readonly<Record<string, string>>,
  product: string,
): LintFinding[] {
  const out: LintFinding[] = [];
  for (const [key, wording] of SUSPICIOUS) {
    const value = annotations[key];
    if (value !== undefined && isTrue(value))
      out.push({ severity: 'warning', key, message: wording(product) });
  }
  return out;
}

function lintKey(
  key: string,
  value: string,
  declared: ReadonlySet<string>,
  names: KnownNames,
): LintFinding | undefined {
  if (names.keys.has(key)) return undefined;
  const family = A.splitFamilyKey(key);
  if (family === undefined) return cachedUnknownKey(key, names);
  const { prefix, suffix } = family;
  // A declaring annotation whose blank value leaves its secret undeclared (vault-k8s skips it).
  if (DECLARING.has(prefix) && value.trim() === '' && !declared.has(suffix)) {
    return {
      severity: 'warning',
      key,
      message: 'empty value: the secret is not declared, ignored',
    };
  }
  if (PER_SECRET.has(prefix) && !declared.has(suffix))
    return undeclaredSecret(key, prefix, declared);
  return undefined;
}

/** The Vault key an openbao.org key stands for: its own name if known, else the name meant. */
function vaultSpelling(engineKey: string): string | undefined {
  const names = knownNames();
  if (names.keys.has(engineKey) || A.splitFamilyKey(engineKey) !== undefined) return engineKey;
  return cachedUnknownKey(engineKey, names).suggestion;
}

/** Which flavour's drafts or prefix a key is written in, and the prefix found. */
function foreignPrefix(
  key: string,
  flavours: readonly Flavour[],
): { flavour: Flavour; prefix: string; draft: boolean } | undefined {
  for (const flavour of flavours) {
    const draft = flavour.draftPrefixes.find((p) => key.startsWith(p));
    if (draft !== undefined) return { flavour, prefix: draft, draft: true };
  }
  const other = prefixedFlavours(flavours).find((f) => key.startsWith(f.prefix));
  return other && { flavour: other, prefix: other.prefix, draft: false };
}

/**
 * Keys no flavour reads: the flavours' unpublished drafts' prefixes, and another flavour's keys on
 * a pod served by `served` (a pod's own keys arrive here already under the engine's prefix).
 */
function foreignPrefixes(
  annotations: Readonly<Record<string, string>>,
  served: Flavour,
  flavours: readonly Flavour[],
): LintFinding[] {
  const out: LintFinding[] = [];
  for (const key of Object.keys(annotations)) {
    const found = foreignPrefix(key, flavours);
    if (found === undefined) continue;
    const { flavour: f, prefix } = found;
    const rest = key.slice(prefix.length);
    if (found.draft) {
      const message = `ignored: ${prefix} comes from unpublished ${f.names.product} docs; the prefix is ${f.prefix}`;
      out.push({ severity: 'warning', key, message, suggestion: f.prefix + rest });
    } else {
      const message = `ignored: without ${prefix}agent-inject this pod gets ${served.names.product}'s agent and reads only ${served.prefix} keys`;
      const suggestion = vaultSpelling(A.ANNOTATION_PREFIX + rest);
      out.push({ severity: 'warning', key, message, ...(suggestion && { suggestion }) });
    }
  }
  return out;
}

const byKey = (findings: LintFinding[]): LintFinding[] =>
  findings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

const ENV_SETTINGS = [
  A.ANNOTATION_AGENT_ENV_CONTAINERS,
  A.ANNOTATION_AGENT_ENV_COMMAND,
  A.ANNOTATION_AGENT_ENV_RESTART,
  A.ANNOTATION_AGENT_ENV_RESTART_SIGNAL,
];

/** Env settings without any env variable change nothing: the pod gets no env agent. */
function unusedEnvSettings(
  annotations: Readonly<Record<string, string>>,
  keys: string[],
): LintFinding[] {
  const declares = keys.some(
    (k) => k.startsWith(A.PREFIX_ENV) || k.startsWith(A.PREFIX_ENV_TEMPLATE),
  );
  if (declares) return [];
  return ENV_SETTINGS.filter((k) => annotations[k] !== undefined).map((key) => ({
    severity: 'warning',
    key,
    message: `ignored: no ${A.PREFIX_ENV}<VAR> annotation declares an env secret`,
  }));
}

/**
 * Findings for one pod's annotations in the engine's spelling, sorted by key. Never throws. Only
 * flavour-lint.ts calls it: everything else lints through its flavour-aware lintPodAnnotations.
 */
export function lintAnnotations(
  annotations: Readonly<Record<string, string>>,
  /** The declared secrets when the caller has them already (the engine's parse), saving a pass. */
  known?: ReadonlySet<string>,
  /** The pod's flavour, whose product the findings name. */
  served: Flavour = VAULT_FLAVOUR,
  flavours: readonly Flavour[] = FLAVOURS,
): LintFinding[] {
  const foreign = foreignPrefixes(annotations, served, flavours);
  const vaultKeys = Object.keys(annotations).filter((k) => k.startsWith(A.ANNOTATION_PREFIX));
  if (vaultKeys.length === 0) return byKey(foreign);
  const names = knownNames();
  // A set: pods with many secrets would otherwise make this quadratic.
  const declared = known ?? new Set(declaredSecretNames(annotations));
  const findings: LintFinding[] = [...foreign];
  for (const key of vaultKeys) {
    const finding = lintKey(key, annotations[key] ?? '', declared, names);
    if (finding !== undefined) findings.push(finding);
  }
  findings.push(
    ...suspiciousValues(annotations, served.names.product),
    ...unusedEnvSettings(annotations, vaultKeys),
  );
  if (annotations[A.ANNOTATION_AGENT_INJECT] === undefined) {
    findings.push({
      severity: 'warning',
      key: A.ANNOTATION_AGENT_INJECT,
      message: `missing, so no other annotation takes effect and the pod gets no ${served.names.product} agent (set it to "true")`,
    });
  }
  return byKey(findings);
}
