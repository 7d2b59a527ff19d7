// The default lifetime of each generated certificate, defined once: the generator, auto-TLS's
// settings, their flags' help and `certs generate --days` all read it here.
export const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
export const DEFAULT_SERVING_VALIDITY_DAYS = 30;

/** Whole days as Go prints the duration (`720h`): how the flags' help shows these defaults. */
export function goHours(days: number): string {
  return `${days * 24}h`;
}
