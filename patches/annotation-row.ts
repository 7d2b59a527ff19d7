// The shape of one row of the annotation table and the helpers that build rows. A row is data: the
// key, the grammar of its value, the injector setting that gives its default, whether its value
// may carry a secret (logged by key only), the flavours whose injector reads it, one doc line.
import type { Grammar } from './annotation-grammar.js';
import type { InjectorConfig } from './injector-config.js';

export const ANNOTATION_PREFIX = 'vault.hashicorp.com/';

/** Flavour ids as flavours.ts names them. */
export type FlavourId = string;
const EVERY_FLAVOUR: readonly FlavourId[] = Object.freeze(['vault', 'openbao']);

interface RowFacts {
  /** The injector setting whose value is the default when the pod does not set the annotation. */
  readonly setting?: keyof InjectorConfig;
  /** Values may hold a secret, a token or a large template: logged and echoed by key only. */
  readonly secret?: boolean;
  /** Flavours whose injector reads it; every flavour unless said otherwise. */
  readonly flavours?: readonly FlavourId[];
  /** Not a vault-k8s annotation: this injector's own. */
  readonly beyondVaultK8s?: boolean;
  /** Written by the injector on the pod, never read from the user. */
  readonly written?: boolean;
}

interface CommonRow {
  readonly grammar: Grammar<unknown>;
  readonly setting: keyof InjectorConfig | undefined;
  readonly secret: boolean;
  readonly flavours: readonly FlavourId[];
  readonly beyondVaultK8s: boolean;
  readonly written: boolean;
  readonly doc: string;
}

type Setting = keyof InjectorConfig | undefined;

/** One annotation with a fixed key; `K` is the setting giving its default, kept in the type. */
export interface ExactRow<
  S extends string = string,
  T = unknown,
  K extends Setting = Setting,
> extends CommonRow {
  readonly kind: 'exact';
  readonly suffix: S;
  readonly key: `vault.hashicorp.com/${S}`;
  readonly grammar: Grammar<T>;
  readonly setting: K;
}

/**
 * What a family's NAME names: a secret it declares, a secret declared elsewhere, or a key of its
 * own (an auth-config field, a telemetry field, an environment variable, a container index).
 */
export type FamilyRole = 'declares' | 'per-secret' | 'own';

/** A family of annotations: a prefix ending in "-" followed by a NAME. */
export interface FamilyRow<S extends string = string> extends CommonRow {
  readonly kind: 'family';
  readonly suffix: S;
  readonly key: `vault.hashicorp.com/${S}`;
  readonly role: FamilyRole;
}

export type AnnotationRow = ExactRow | FamilyRow;

function common(grammar: Grammar<unknown>, doc: string, facts: RowFacts): CommonRow {
  return {
    grammar,
    doc,
    setting: facts.setting,
    secret: facts.secret ?? false,
    flavours: facts.flavours ?? EVERY_FLAVOUR,
    beyondVaultK8s: facts.beyondVaultK8s ?? false,
    written: facts.written ?? false,
  };
}

export function exact<S extends string, T, K extends Setting = undefined>(
  suffix: S,
  grammar: Grammar<T>,
  doc: string,
  facts: RowFacts & { readonly setting?: K } = {},
): ExactRow<S, T, K> {
  return Object.freeze({
    kind: 'exact',
    suffix,
    key: `${ANNOTATION_PREFIX}${suffix}` as const,
    ...common(grammar, doc, facts),
    grammar,
    setting: facts.setting as K,
  });
}

export function family<S extends `${string}-`>(
  suffix: S,
  grammar: Grammar<unknown>,
  doc: string,
  facts: RowFacts & { readonly role: FamilyRole },
): FamilyRow<S> {
  return Object.freeze({
    kind: 'family',
    suffix,
    key: `${ANNOTATION_PREFIX}${suffix}` as const,
    role: facts.role,
    ...common(grammar, doc, facts),
  });
}
