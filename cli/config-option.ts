// One row of the configuration table and the helpers that build rows: a setting's flag, the
// environment variables read for it (in lookup order), the field it fills and its grammar.
import { defaultFlavour, FLAVOURS, prefixedFlavours } from '../patches/flavours.js';
import type { Parsed } from '../patches/go-values.js';
import type { InjectorConfig } from '../patches/injector-config.js';
import type { ServerConfig } from '../webhook/server-config.js';
import * as v from './config-values.js';

export interface ConfigOption {
  /** The vault-k8s flag name without dashes; undefined for settings read only from the environment. */
  readonly flag: string | undefined;
  /** openbao-k8s's spellings of the same setting (`bao-address`); given on the command line, they win. */
  readonly aliases: readonly string[];
  /** Environment variables in lookup order; the first non-empty one is used. */
  readonly env: readonly string[];
  readonly section: 'injector' | 'server';
  readonly key: string;
  /** Boolean flags take no separate argument (`--x`, `--x=false`), as in Go's flag package. */
  readonly isBool: boolean;
  /** Shown in help after the flag, e.g. "<addr>". */
  readonly placeholder: string;
  readonly description: string;
  /** How help shows the default when the raw default value would read badly (e.g. milliseconds). */
  readonly defaultText: string | undefined;
  readonly parse: (raw: string) => Parsed<unknown>;
}

interface Described {
  readonly flag: string | undefined;
  readonly aliases?: readonly string[];
  readonly env: readonly string[];
  readonly placeholder?: string;
  readonly description: string;
  readonly defaultText?: string;
}

/** A typed row builder for one section: the parser must produce that setting's type. */
type RowBuilder<C> = <K extends keyof C & string>(
  key: K,
  d: Described,
  parse: (raw: string) => Parsed<C[K]>,
) => ConfigOption;

function rowsOf<C>(section: ConfigOption['section']): RowBuilder<C> {
  return (key, d, parse) => option(section, key, d, parse);
}

export const injector: RowBuilder<InjectorConfig> = rowsOf('injector');
export const server: RowBuilder<ServerConfig> = rowsOf('server');

function option(
  section: 'injector' | 'server',
  key: string,
  d: Described,
  parse: (raw: string) => Parsed<unknown>,
): ConfigOption {
  const isBool = parse === v.parseBool;
  return Object.freeze({
    section,
    key,
    flag: d.flag,
    aliases: Object.freeze([...(d.aliases ?? [])]),
    env: Object.freeze([...d.env]),
    isBool,
    placeholder: d.placeholder ?? (isBool ? '[bool]' : '<value>'),
    description: d.description,
    defaultText: d.defaultText,
    parse,
  });
}

/** The prefix of every environment variable vault-k8s reads. */
export const P = 'AGENT_INJECT_';

/**
 * openbao-k8s renamed six settings (`-bao-address`, AGENT_INJECT_BAO_ADDR) and reads its variable
 * before the Vault one, so both charts' environments configure us the same way: each flavour's
 * spelling, from its settings word, forks' variables first. `flag`/`env` are the part after it.
 */
export function flavourSpellings(flag: string, env: string): Pick<Described, 'aliases' | 'env'> {
  const forks = prefixedFlavours(FLAVOURS).map((f) => f.settingsWord);
  const words = [...forks, defaultFlavour(FLAVOURS).settingsWord];
  return {
    aliases: forks.map((w) => `${w}-${flag}`),
    env: words.map((w) => `${P}${w.toUpperCase()}_${env}`),
  };
}

/** vault-k8s's envconfig also reads these unprefixed names: kept so existing deployments work. */
export const tls = (name: string): readonly string[] => [`${P}${name}`, name];
