// A flavour's annotations as the engine reads them, and the engine's findings as the user wrote
// them. The engine knows one spelling (vault.hashicorp.com/<suffix>); an OpenBao pod may use
// openbao.org/<suffix>, vault.hashicorp.com/<suffix> or both, the openbao.org key winning key by
// key, as openbao-k8s reads them.
import { ANNOTATION_PREFIX } from './annotations.js';
import type { Finding } from './finding.js';
import type { Flavour } from './flavours.js';

type Annotations = Readonly<Record<string, string>>;

/** The engine's view: every openbao.org/<suffix> under vault.hashicorp.com/<suffix>. */
export function annotationView(annotations: Annotations, flavour: Flavour): Annotations {
  if (flavour.prefix === ANNOTATION_PREFIX) return annotations;
  const view: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(flavour.prefix)) view[key] ??= value;
  }
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(flavour.prefix))
      view[ANNOTATION_PREFIX + key.slice(flavour.prefix.length)] = value;
  }
  return view;
}

/**
 * The key the user wrote for an engine key: the flavour's own unless only the Vault spelling is
 * on the pod (and not being rewritten). Keys the pod does not carry are named in the flavour's.
 */
function userKey(engineKey: string, annotations: Annotations, flavour: Flavour): string {
  if (!engineKey.startsWith(ANNOTATION_PREFIX)) return engineKey;
  const own = flavour.prefix + engineKey.slice(ANNOTATION_PREFIX.length);
  if (annotations[own] !== undefined || flavour.rewrite) return own;
  return annotations[engineKey] !== undefined ? engineKey : own;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Engine keys named in a message: ANNOTATION_PREFIX and the rest of a key. */
const ENGINE_KEYS = new RegExp(`${escape(ANNOTATION_PREFIX)}[A-Za-z0-9._-]+`, 'g');

/**
 * A finding in the user's terms: their annotation keys. The product word is the flavour's
 * already: every message is worded with it where it is made.
 */
export function presentFinding(
  finding: Finding,
  annotations: Annotations,
  flavour: Flavour,
): Finding {
  if (flavour.prefix === ANNOTATION_PREFIX) return finding;
  const rename = (text: string): string =>
    text.replace(ENGINE_KEYS, (k) => userKey(k, annotations, flavour));
  const out: Finding = { ...finding, key: userKey(finding.key, annotations, flavour) };
  return {
    ...out,
    message: rename(finding.message),
    ...(finding.suggestion === undefined
      ? {}
      : { suggestion: userKey(finding.suggestion, annotations, flavour) }),
  };
}

/**
 * The stored pod's annotations in rewrite mode: each vault.hashicorp.com/<suffix> moved to the
 * flavour's prefix unless that key exists already (then its own value stays). The status key is
 * set afterwards by the caller, so it always ends "injected".
 */
export function rewrittenAnnotations(annotations: Annotations, flavour: Flavour): Annotations {
  if (!flavour.rewrite) return annotations;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(ANNOTATION_PREFIX)) out[key] = value;
  }
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(ANNOTATION_PREFIX))
      out[flavour.prefix + key.slice(ANNOTATION_PREFIX.length)] ??= value;
  }
  return out;
}
