// The value grammars of the injector's flags and variables. Each parser says what it accepts, so a
// bad setting is reported with the fix next to it rather than a bare "invalid".
import { parseCipherSuites } from '../certs/tls-options.js';
import { parseListenAddress } from '../webhook/listen-address.js';
import {
  isGoDuration,
  parseGoBool,
  parseGoFloat,
  parseGoInt,
  type Parsed,
} from '../patches/go-values.js';
import type { LogFormat, LogLevel, TlsMinVersion } from '../webhook/server-config.js';

export type ValueParser<T> = (raw: string) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(accepted: string): Parsed<T> => ({ ok: false, accepted });

export const parseString: ValueParser<string> = (raw) => ok(raw);

export const parseNonEmpty: ValueParser<string> = (raw) =>
  raw === '' ? bad('a non-empty value') : ok(raw);

export const parseBool: ValueParser<boolean> = parseGoBool;
export const parseInt64: ValueParser<number> = parseGoInt;
export const parseFloat64: ValueParser<number> = parseGoFloat;

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A non-negative Go duration converted to whole milliseconds (for timers). */
export const parseDurationMs: ValueParser<number> = (raw) => {
  if (!isGoDuration(raw) || raw.startsWith('-')) {
    return bad('a non-negative Go duration such as 20s, 1m or 1m30s (units ns, us, ms, s, m, h)');
  }
  let total = 0;
  for (const m of raw.matchAll(/([0-9]*\.?[0-9]*)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
  }
  return ok(Math.round(total));
};

/** Shorter than this, replicas polling every few seconds could not pick a renewed certificate up in time. */
export const MIN_CERT_LIFETIME_MS = 30_000;

export const parseCertLifetimeMs: ValueParser<number> = (raw) => {
  const d = parseDurationMs(raw);
  if (!d.ok || d.value < MIN_CERT_LIFETIME_MS) {
    return bad('a Go duration of at least 30s, such as 720h or 90s');
  }
  return d;
};

export const parsePositiveInt: ValueParser<number> = (raw) => {
  const accepted = 'a positive whole number';
  if (!/^[0-9]+$/.test(raw)) return bad(accepted);
  const n = Number(raw);
  return n > 0 && Number.isSafeInteger(n) ? ok(n) : bad(accepted);
};

export const parseDefaultTemplate: ValueParser<'map' | 'json'> = (raw) =>
  raw === 'map' || raw === 'json' ? ok(raw) : bad('"map" or "json" (case-sensitive)');

export const parseAgentBinarySource: ValueParser<'copy' | 'image-volume'> = (raw) =>
  raw === 'copy' || raw === 'image-volume' ? ok(raw) : bad('"copy" or "image-volume"');

const LOG_LEVELS: Readonly<Record<string, LogLevel>> = {
  trace: 'trace',
  debug: 'debug',
  notice: 'info',
  info: 'info',
  '': 'info',
  warn: 'warn',
  warning: 'warn',
  err: 'error',
  error: 'error',
};

/** vault-k8s trims and lower-cases the level, then maps hclog names onto its five levels. */
export const parseLogLevel: ValueParser<LogLevel> = (raw) => {
  const level = LOG_LEVELS[raw.trim().toLowerCase()];
  return level === undefined
    ? bad('one of trace, debug, info (or notice), warn (or warning), error (or err)')
    : ok(level);
};

export const parseLogFormat: ValueParser<LogFormat> = (raw) => {
  const format = raw.trim().toLowerCase();
  if (format === 'json') return ok('json');
  return format === 'standard' || format === '' ? ok('standard') : bad('"standard" or "json"');
};

const TLS_VERSIONS: readonly TlsMinVersion[] = ['tls10', 'tls11', 'tls12', 'tls13'];

export const parseTlsMinVersion: ValueParser<TlsMinVersion> = (raw) =>
  TLS_VERSIONS.includes(raw as TlsMinVersion)
    ? ok(raw as TlsMinVersion)
    : bad('one of tls10, tls11, tls12, tls13');

/** Go's net.Listen address forms: ":8080", "host:8443", "[::1]:8443" (the server's own parser). */
export const parseListen: ValueParser<string> = (raw) => {
  try {
    parseListenAddress(raw);
    return ok(raw);
  } catch {
    return bad('an address of the form :PORT, HOST:PORT or [IPv6]:PORT with a port up to 65535');
  }
};

/** Comma-separated certificate hosts; blanks around commas are dropped. */
export const parseHostList: ValueParser<readonly string[]> = (raw) =>
  ok(
    Object.freeze(
      raw
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== ''),
    ),
  );

export const parseUrlPath: ValueParser<string> = (raw) =>
  raw === '' || raw.startsWith('/') ? ok(raw) : bad('a URL path starting with "/" (or empty)');

/** Go (or OpenSSL) cipher suite names, comma-separated, as the listener will take them. */
export const parseCipherSuiteList: ValueParser<string> = (raw) => {
  try {
    parseCipherSuites(raw);
    return ok(raw);
  } catch (err) {
    const why = (err as Error).message.replace(/^.*: (unsupported cipher .*)$/, '$1');
    return bad(
      `comma-separated cipher suite names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (${why})`,
    );
  }
};

const DNS_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_SUBDOMAIN = new RegExp(`^${DNS_LABEL}(\\.${DNS_LABEL})*$`);

/** A Kubernetes object name (RFC 1123 subdomain), or "" for none. */
export const parseObjectName: ValueParser<string> = (raw) =>
  raw === '' || (raw.length <= 253 && DNS_SUBDOMAIN.test(raw))
    ? ok(raw)
    : bad(
        'a Kubernetes object name (lower-case letters, digits, "-" and ".", at most 253), or empty',
      );

/** A namespace name (RFC 1123 label). */
export const parseNamespace: ValueParser<string> = (raw) =>
  raw.length <= 63 && new RegExp(`^${DNS_LABEL}$`).test(raw)
    ? ok(raw)
    : bad('a namespace name (lower-case letters, digits and "-", at most 63)');
