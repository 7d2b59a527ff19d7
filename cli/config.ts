// The one configuration every command shares (serve, review, mutate, lint, policy): vault-k8s's
// flags and AGENT_INJECT_* variables resolved into InjectorConfig and ServerConfig. Unlike
// vault-k8s, where the environment wins, a flag given on the command line beats its environment
// variable, so a one-off `--vault-image=...` works inside a pod whose manifest sets
// AGENT_INJECT_VAULT_IMAGE.
import { Option, type Command } from 'commander';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../patches/injector-config.js';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from '../webhook/server-config.js';
import { crossSettingProblem } from './config-checks.js';
import { configOptions, type ConfigOption } from './config-options.js';
import { normaliseGoFlags } from './go-flags.js';
import { settingName } from './setting-names.js';
import type { SettingNamer } from '../admission/format-finding.js';
import { UsageError } from './io.js';

/** Flag values as given on the command line, keyed by flag name without dashes. */
export type ConfigFlags = Readonly<Record<string, string | boolean | undefined>>;
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

export interface ResolvedConfig {
  readonly injector: InjectorConfig;
  readonly server: ServerConfig;
  /** How findings name a setting to the user: by its flag. */
  readonly settingName: SettingNamer;
}

interface RawSetting {
  readonly value: string;
  /** How the user named it: "--flag", "--flag (from VARIABLE)", or "VARIABLE" without a flag. */
  readonly source: string;
}

/** Every spelling of a setting's flag: openbao-k8s's first, as its variable is read first. */
function flagNames(opt: ConfigOption): readonly string[] {
  return opt.flag === undefined ? [] : [...opt.aliases, opt.flag];
}

function rawSetting(opt: ConfigOption, flags: ConfigFlags, env: ConfigEnv): RawSetting | undefined {
  const flag = flagNames(opt).find((f) => flags[f] !== undefined);
  const given = flag === undefined ? undefined : flags[flag];
  if (given !== undefined) {
    return { value: given === true ? 'true' : String(given), source: `--${flag}` };
  }
  const name = opt.env.find((n) => (env[n] ?? '') !== '');
  if (name === undefined) return undefined;
  const source = opt.flag === undefined ? name : `--${opt.flag} (from ${name})`;
  return { value: env[name] ?? '', source };
}

/**
 * Flag, else the first non-empty environment variable, else the default. Every value is checked
 * against its grammar, then against the others (config-checks.ts); the first problem throws a
 * UsageError with `exitCode` naming the flag and the variable it came from, the bad value and
 * what is accepted.
 */
export function resolveConfig(flags: ConfigFlags, env: ConfigEnv, exitCode = 1): ResolvedConfig {
  const options = configOptions();
  const unknown = Object.keys(flags).filter((f) => !options.some((o) => flagNames(o).includes(f)));
  if (unknown.length > 0) throw new Error(`resolveConfig: unknown flags ${unknown.join(', ')}`);
  let injector: InjectorConfig = DEFAULT_INJECTOR_CONFIG;
  let server: ServerConfig = DEFAULT_SERVER_CONFIG;
  const sources = new Map<string, string>();
  for (const opt of options) {
    const raw = rawSetting(opt, flags, env);
    if (raw === undefined) continue;
    const parsed = opt.parse(raw.value);
    if (!parsed.ok) {
      throw new UsageError(
        `invalid value ${JSON.stringify(raw.value)} for ${raw.source}: expected ${parsed.accepted}`,
        exitCode,
      );
    }
    // opt.parse produces the type of opt.key's field (config-option.ts's typed row builders).
    if (opt.section === 'injector') injector = { ...injector, [opt.key]: parsed.value };
    else server = { ...server, [opt.key]: parsed.value };
    sources.set(opt.key, raw.source);
  }
  const resolved = {
    injector: Object.freeze({ ...injector }),
    server: Object.freeze({ ...server }),
  };
  const problem = crossSettingProblem(resolved, (key) => sources.get(key), settingName);
  if (problem !== undefined) throw new UsageError(problem, exitCode);
  return Object.freeze({ ...resolved, settingName });
}

function defaultText(opt: ConfigOption): string {
  if (opt.defaultText !== undefined) return opt.defaultText;
  const defaults: Readonly<Record<string, unknown>> =
    opt.section === 'injector' ? { ...DEFAULT_INJECTOR_CONFIG } : { ...DEFAULT_SERVER_CONFIG };
  const value = defaults[opt.key];
  if (value === '' || (Array.isArray(value) && value.length === 0)) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}

function helpText(opt: ConfigOption): string {
  const def = defaultText(opt);
  const parts = [def === '' ? '' : `default: ${def}`, `env: ${opt.env.join(' or ')}`];
  return `${opt.description} (${parts.filter((p) => p !== '').join('; ')})`;
}

/**
 * Adds every configuration flag to a command. No commander defaults are set, so a flag's value is
 * present only when the user gave it; resolveConfig fills in the environment and the defaults.
 */
export function addConfigOptions(cmd: Command): Command {
  for (const opt of configOptions()) {
    if (opt.flag === undefined) continue;
    const group = opt.section === 'injector' ? 'Injection settings:' : 'Server settings:';
    cmd.addOption(new Option(`--${opt.flag} ${opt.placeholder}`, helpText(opt)).helpGroup(group));
    for (const alias of opt.aliases) {
      const help = `alias of --${opt.flag}, wins over it`;
      cmd.addOption(new Option(`--${alias} ${opt.placeholder}`, help).helpGroup(group));
    }
  }
  return cmd;
}

/** The configuration flags the user gave to a parsed command, keyed by flag name. */
export function readConfigFlags(cmd: Command): ConfigFlags {
  const out: Record<string, string | boolean> = {};
  for (const name of configOptions().flatMap(flagNames)) {
    const option = cmd.options.find((o) => o.long === `--${name}`);
    if (option === undefined) continue;
    const value: unknown = cmd.getOptionValue(option.attributeName());
    if (typeof value === 'string' || typeof value === 'boolean') out[name] = value;
  }
  return out;
}

/**
 * resolveConfig for a parsed command. A bad setting is a usage error (exit 2) for the commands
 * that read input, so it is never mistaken for "found errors" (exit 1); serve exits 1.
 */
export function configFromCommand(cmd: Command, env: ConfigEnv, exitCode = 2): ResolvedConfig {
  return resolveConfig(readConfigFlags(cmd), env, exitCode);
}

/** Rewrites Go-style spellings (`-flag=value`, bare `-bool-flag`) of the configuration flags. */
export function normaliseConfigArgv(argv: readonly string[]): string[] {
  const bool = new Set<string>();
  const value = new Set<string>();
  for (const opt of configOptions()) {
    for (const name of flagNames(opt)) (opt.isBool ? bool : value).add(name);
  }
  return normaliseGoFlags(argv, { bool, value });
}
