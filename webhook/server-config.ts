// Settings of the HTTP edge (serve only). Filled by cli/config.ts from flags and AGENT_INJECT_*.
import type { CertificateSettings } from '../certs/select-source.js';
import {
  DAY_MS,
  DEFAULT_CA_VALIDITY_DAYS,
  DEFAULT_SERVING_VALIDITY_DAYS,
} from '../certs/lifetimes.js';
import type { TlsMinVersion } from '../certs/tls-options.js';

export type { TlsMinVersion };
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'standard' | 'json';

/** The certificate settings (files, auto-TLS, leader election) are the certs/ module's own. */
export interface ServerConfig extends CertificateSettings {
  /** -listen / AGENT_INJECT_LISTEN, e.g. ":8080", "127.0.0.1:8443", "[::1]:8443". */
  readonly listen: string;
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  readonly tlsMinVersion: TlsMinVersion;
  /** Comma-separated cipher suite names (TLS <= 1.2); empty = Node's defaults. */
  readonly tlsCipherSuites: string;
  /** Path the Prometheus metrics are served at. */
  readonly telemetryPath: string;
  /** Largest accepted /mutate body in bytes. */
  readonly bodyLimit: number;
  /** How long SIGTERM waits for in-flight requests, in milliseconds. */
  readonly shutdownGraceMs: number;
}

export const DEFAULT_SERVER_CONFIG: ServerConfig = Object.freeze({
  listen: ':8080',
  logLevel: 'info',
  logFormat: 'standard',
  tlsCertFile: '',
  tlsKeyFile: '',
  tlsCaCertFile: '',
  tlsAuto: '',
  tlsAutoHosts: [],
  tlsAutoCertValidityMs: DEFAULT_SERVING_VALIDITY_DAYS * DAY_MS,
  tlsAutoCaValidityMs: DEFAULT_CA_VALIDITY_DAYS * DAY_MS,
  tlsMinVersion: 'tls12',
  tlsCipherSuites: '',
  telemetryPath: '/metrics',
  useLeaderElector: false,
  namespace: 'default',
  podName: '',
  bodyLimit: 10 * 1024 * 1024,
  shutdownGraceMs: 20_000,
});
