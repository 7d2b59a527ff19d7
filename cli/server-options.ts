// The configuration table's server settings: listener, TLS, logging, leader election.
import { P, server, tls, type ConfigOption } from './config-option.js';
import * as v from './config-values.js';
import { DEFAULT_SERVER_CONFIG } from '../webhook/server-config.js';
import {
  DEFAULT_CA_VALIDITY_DAYS,
  DEFAULT_SERVING_VALIDITY_DAYS,
  goHours,
} from '../certs/lifetimes.js';

export function serverOptions(): ConfigOption[] {
  return [
    server(
      'listen',
      {
        flag: 'listen',
        env: [`${P}LISTEN`],
        placeholder: '<addr>',
        description: 'HTTPS listen address',
      },
      v.parseListen,
    ),
    server(
      'logLevel',
      {
        flag: 'log-level',
        env: [`${P}LOG_LEVEL`],
        placeholder: '<level>',
        description: 'trace, debug, info, warn or error',
      },
      v.parseLogLevel,
    ),
    server(
      'logFormat',
      {
        flag: 'log-format',
        env: [`${P}LOG_FORMAT`],
        placeholder: '<format>',
        description: 'standard or json',
      },
      v.parseLogFormat,
    ),
    server(
      'tlsCertFile',
      {
        flag: 'tls-cert-file',
        env: tls('TLS_CERT_FILE'),
        placeholder: '<file>',
        description: 'PEM certificate to serve (or use --tls-auto to generate one)',
      },
      v.parseString,
    ),
    server(
      'tlsKeyFile',
      {
        flag: 'tls-key-file',
        env: tls('TLS_KEY_FILE'),
        placeholder: '<file>',
        description: 'PEM private key to serve',
      },
      v.parseString,
    ),
    server(
      'tlsCaCertFile',
      {
        flag: 'tls-ca-cert-file',
        env: tls('TLS_CA_CERT_FILE'),
        placeholder: '<file>',
        description: 'PEM CA used for the webhook caBundle',
      },
      v.parseString,
    ),
    server(
      'tlsAuto',
      {
        flag: 'tls-auto',
        env: tls('TLS_AUTO'),
        placeholder: '<mwc>',
        description: 'MutatingWebhookConfiguration whose caBundle is kept updated',
      },
      v.parseObjectName,
    ),
    server(
      'tlsAutoHosts',
      {
        flag: 'tls-auto-hosts',
        env: tls('TLS_AUTO_HOSTS'),
        placeholder: '<hosts>',
        description: 'comma-separated hosts of the generated certificate',
      },
      v.parseHostList,
    ),
    server(
      'tlsAutoCertValidityMs',
      {
        flag: 'tls-auto-cert-validity',
        env: tls('TLS_AUTO_CERT_VALIDITY'),
        placeholder: '<duration>',
        description:
          'lifetime of generated serving certificates, renewed at 2/3 (shorten only to test rotation or in an emergency)',
        defaultText: goHours(DEFAULT_SERVING_VALIDITY_DAYS),
      },
      v.parseCertLifetimeMs,
    ),
    server(
      'tlsAutoCaValidityMs',
      {
        flag: 'tls-auto-ca-validity',
        env: tls('TLS_AUTO_CA_VALIDITY'),
        placeholder: '<duration>',
        description: 'lifetime of the generated CA, renewed at 2/3 (as above)',
        defaultText: goHours(DEFAULT_CA_VALIDITY_DAYS),
      },
      v.parseCertLifetimeMs,
    ),
    server(
      'tlsMinVersion',
      {
        flag: 'tls-min-version',
        env: tls('TLS_MIN_VERSION'),
        placeholder: '<version>',
        description: 'tls10, tls11, tls12 or tls13',
      },
      v.parseTlsMinVersion,
    ),
    server(
      'tlsCipherSuites',
      {
        flag: 'tls-cipher-suites',
        env: tls('TLS_CIPHER_SUITES'),
        placeholder: '<list>',
        description: 'comma-separated cipher suites for TLS 1.0-1.2',
      },
      v.parseCipherSuiteList,
    ),
    server(
      'telemetryPath',
      {
        flag: 'telemetry-path',
        env: [`${P}TELEMETRY_PATH`],
        placeholder: '<path>',
        description: 'path the Prometheus metrics are served at',
      },
      v.parseUrlPath,
    ),
    server(
      'useLeaderElector',
      {
        flag: 'use-leader-elector',
        env: [`${P}USE_LEADER_ELECTOR`],
        description: 'coordinate replicas for auto-TLS with leader election',
      },
      v.parseBool,
    ),
    server(
      'bodyLimit',
      {
        flag: 'body-limit',
        env: [`${P}BODY_LIMIT`],
        placeholder: '<bytes>',
        description: 'largest accepted /mutate body in bytes',
      },
      v.parsePositiveInt,
    ),
    server(
      'shutdownGraceMs',
      {
        flag: 'shutdown-grace',
        env: [`${P}SHUTDOWN_GRACE`],
        placeholder: '<duration>',
        description: 'how long SIGTERM waits for in-flight requests',
        defaultText: `${DEFAULT_SERVER_CONFIG.shutdownGraceMs / 1000}s`,
      },
      v.parseDurationMs,
    ),
    server(
      'namespace',
      { flag: undefined, env: ['NAMESPACE'], description: "the injector's own namespace" },
      v.parseNamespace,
    ),
    server(
      'podName',
      { flag: undefined, env: ['POD_NAME'], description: "the injector's own pod name" },
      v.parseString,
    ),
  ];
}
