// Checks across settings, after each value has passed its own grammar: a default request above a
// limit the user lowered would deny every pod that does not override it, and --tls-auto given with
// certificate files would silently win or lose. One line each, naming every setting involved.
import type { InjectorConfig } from '../patches/injector-config.js';
import { parseQuantity, quantityValue } from '../patches/quantity.js';
import type { ServerConfig } from '../webhook/server-config.js';

/** How the user set a field: "--flag", "--flag (from VARIABLE)", or undefined when defaulted. */
export type SourceOf = (key: string) => string | undefined;

/** The field's flag as help shows it, for a value left at its default. */
export type FlagOf = (key: string) => string;

type ResourceKey = keyof InjectorConfig & `${string}${'Limit' | 'Request'}`;

const RESOURCES: ReadonlyArray<{ name: string; request: ResourceKey; limit: ResourceKey }> = [
  { name: 'CPU', request: 'cpuRequest', limit: 'cpuLimit' },
  { name: 'memory', request: 'memoryRequest', limit: 'memoryLimit' },
  { name: 'ephemeral-storage', request: 'ephemeralRequest', limit: 'ephemeralLimit' },
];

function amount(q: string): number {
  const parsed = parseQuantity(q);
  return parsed.ok ? quantityValue(parsed.value) : Number.NaN;
}

function resourceProblem(cfg: InjectorConfig, sourceOf: SourceOf, flagOf: FlagOf): string[] {
  return RESOURCES.flatMap(({ name, request, limit }) => {
    const req = cfg[request];
    const lim = cfg[limit];
    if (req === '' || lim === '' || !(amount(req) > amount(lim))) return [];
    const limitSource = sourceOf(limit);
    // Blame what the user changed; the request when both were set.
    if (limitSource !== undefined && sourceOf(request) === undefined) {
      return [
        `invalid value ${JSON.stringify(lim)} for ${limitSource}: expected at least the ${name} request ${req} (the default of ${flagOf(request)})`,
      ];
    }
    const requestSource = sourceOf(request) ?? flagOf(request);
    const limitName = limitSource ?? `${flagOf(limit)}, the default`;
    return [
      `invalid value ${JSON.stringify(req)} for ${requestSource}: expected at most the ${name} limit ${lim} (${limitName})`,
    ];
  });
}

function tlsProblem(server: ServerConfig, sourceOf: SourceOf): string[] {
  const auto = sourceOf('tlsAuto');
  if (server.tlsAuto === '' || auto === undefined) return [];
  const file = (['tlsCertFile', 'tlsKeyFile'] as const).find((k) => server[k] !== '');
  const fileSource = file === undefined ? undefined : sourceOf(file);
  if (fileSource === undefined) return [];
  return [
    `${auto} cannot be combined with ${fileSource}: serve the certificate files, or generate a certificate with --tls-auto, not both`,
  ];
}

/** The first cross-setting problem, as one line, or undefined. */
export function crossSettingProblem(
  cfg: { readonly injector: InjectorConfig; readonly server: ServerConfig },
  sourceOf: SourceOf,
  flagOf: FlagOf,
): string | undefined {
  return [
    ...tlsProblem(cfg.server, sourceOf),
    ...resourceProblem(cfg.injector, sourceOf, flagOf),
  ][0];
}
