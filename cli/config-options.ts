// Every injector setting in one table: its vault-k8s flag, the environment variables read for it
// (in lookup order), the field it fills and the grammar it accepts. Commands, help text and the
// resolver are all derived from this table so the three can never drift apart.
import type { Parsed } from '../patches/go-values.js';
import type { InjectorConfig } from '../patches/injector-config.js';
import type { ServerConfig } from '../webhook/server-config.js';
import * as v from './config-values.js';

export interface ConfigOption {
  /** The vault-k8s flag name without dashes; undefined for settings read only from the environment. */
  readonly flag: string | undefined;
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
  readonly env: readonly string[];
  readonly placeholder?: string;
  readonly description: string;
  readonly defaultText?: string;
}

function injector<K extends keyof InjectorConfig>(
  key: K,
  d: Described,
  parse: (raw: string) => Parsed<InjectorConfig[K]>,
): ConfigOption {
  return option('injector', key, d, parse);
}

function server<K extends keyof ServerConfig>(
  key: K,
  d: Described,
  parse: (raw: string) => Parsed<ServerConfig[K]>,
): ConfigOption {
  return option('server', key, d, parse);
}

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
    env: Object.freeze([...d.env]),
    isBool,
    placeholder: d.placeholder ?? (isBool ? '[bool]' : '<value>'),
    description: d.description,
    defaultText: d.defaultText,
    parse,
  });
}

const P = 'AGENT_INJECT_';

/** vault-k8s's envconfig also reads these unprefixed names (quirk 12, kept for drop-in use). */
const tls = (name: string): readonly string[] => [`${P}${name}`, name];

function injectorOptions(): ConfigOption[] {
  return [
    injector(
      'vaultAddress',
      {
        flag: 'vault-address',
        env: [`${P}VAULT_ADDR`],
        placeholder: '<url>',
        description: 'address of the Vault server',
      },
      v.parseNonEmpty,
    ),
    injector(
      'vaultImage',
      {
        flag: 'vault-image',
        env: [`${P}VAULT_IMAGE`],
        placeholder: '<image>',
        description: 'image of the injected Vault Agent',
      },
      v.parseNonEmpty,
    ),
    injector(
      'authType',
      {
        flag: 'vault-auth-type',
        env: [`${P}VAULT_AUTH_TYPE`],
        placeholder: '<type>',
        description: 'Vault auth method type',
      },
      v.parseNonEmpty,
    ),
    injector(
      'authPath',
      {
        flag: 'vault-auth-path',
        env: [`${P}VAULT_AUTH_PATH`],
        placeholder: '<path>',
        description: 'mount path of the Vault auth method',
      },
      v.parseNonEmpty,
    ),
    injector(
      'vaultNamespace',
      {
        flag: 'vault-namespace',
        env: [`${P}VAULT_NAMESPACE`],
        placeholder: '<ns>',
        description: 'Vault Enterprise namespace',
      },
      v.parseString,
    ),
    injector(
      'proxyAddress',
      {
        flag: 'proxy-address',
        env: [`${P}PROXY_ADDR`],
        placeholder: '<url>',
        description: 'HTTP proxy the agents use to reach Vault',
      },
      v.parseString,
    ),
    injector(
      'revokeOnShutdown',
      {
        flag: 'revoke-on-shutdown',
        env: [`${P}REVOKE_ON_SHUTDOWN`],
        description: 'revoke the Vault token when the pod stops',
      },
      v.parseBool,
    ),
    injector(
      'runAsUser',
      {
        flag: 'run-as-user',
        env: [`${P}RUN_AS_USER`],
        placeholder: '<uid>',
        description: 'user the agents run as',
      },
      v.parseString,
    ),
    injector(
      'runAsGroup',
      {
        flag: 'run-as-group',
        env: [`${P}RUN_AS_GROUP`],
        placeholder: '<gid>',
        description: 'group the agents run as',
      },
      v.parseString,
    ),
    injector(
      'runAsSameUser',
      {
        flag: 'run-as-same-user',
        env: [`${P}RUN_AS_SAME_USER`],
        description: "run the agents as the first app container's user",
      },
      v.parseBool,
    ),
    injector(
      'setSecurityContext',
      {
        flag: 'set-security-context',
        env: [`${P}SET_SECURITY_CONTEXT`],
        description: 'set a restrictive securityContext on the agents',
      },
      v.parseBool,
    ),
    injector(
      'defaultTemplate',
      {
        flag: 'default-template',
        env: [`${P}DEFAULT_TEMPLATE`],
        placeholder: '<map|json>',
        description: 'default secret template format',
      },
      v.parseDefaultTemplate,
    ),
    injector(
      'cpuRequest',
      {
        flag: 'cpu-request',
        env: [`${P}CPU_REQUEST`],
        placeholder: '<qty>',
        description: 'CPU request of the agents',
      },
      v.parseString,
    ),
    injector(
      'cpuLimit',
      {
        flag: 'cpu-limit',
        env: [`${P}CPU_LIMIT`],
        placeholder: '<qty>',
        description: 'CPU limit of the agents',
      },
      v.parseString,
    ),
    injector(
      'memoryRequest',
      {
        flag: 'memory-request',
        env: [`${P}MEM_REQUEST`],
        placeholder: '<qty>',
        description: 'memory request of the agents',
      },
      v.parseString,
    ),
    injector(
      'memoryLimit',
      {
        flag: 'memory-limit',
        env: [`${P}MEM_LIMIT`],
        placeholder: '<qty>',
        description: 'memory limit of the agents',
      },
      v.parseString,
    ),
    injector(
      'ephemeralRequest',
      {
        flag: 'ephemeral-storage-request',
        env: [`${P}EPHEMERAL_REQUEST`],
        placeholder: '<qty>',
        description: 'ephemeral-storage request of the agents',
      },
      v.parseString,
    ),
    injector(
      'ephemeralLimit',
      {
        flag: 'ephemeral-storage-limit',
        env: [`${P}EPHEMERAL_LIMIT`],
        placeholder: '<qty>',
        description: 'ephemeral-storage limit of the agents',
      },
      v.parseString,
    ),
    injector(
      'templateConfigExitOnRetryFailure',
      {
        flag: 'template-config-exit-on-retry-failure',
        env: [`${P}TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE`],
        description: 'agent template_config.exit_on_retry_failure',
      },
      v.parseBool,
    ),
    injector(
      'templateStaticSecretRenderInterval',
      {
        flag: 'template-static-secret-render-interval',
        env: [`${P}TEMPLATE_STATIC_SECRET_RENDER_INTERVAL`],
        placeholder: '<duration>',
        description: 'agent template_config.static_secret_render_interval',
      },
      v.parseOptionalDuration,
    ),
    injector(
      'templateMaxConnectionsPerHost',
      {
        flag: 'template-max-connections-per-host',
        env: [`${P}TEMPLATE_MAX_CONNECTIONS_PER_HOST`],
        placeholder: '<n>',
        description: 'agent template_config.max_connections_per_host (not a vault-k8s flag)',
      },
      v.parseInt64,
    ),
    injector(
      'templateLeaseRenewalThreshold',
      {
        flag: 'template-lease-renewal-threshold',
        env: [`${P}TEMPLATE_LEASE_RENEWAL_THRESHOLD`],
        placeholder: '<fraction>',
        description: 'agent template_config.lease_renewal_threshold (not a vault-k8s flag)',
      },
      v.parseFloat64,
    ),
    injector(
      'authMinBackoff',
      {
        flag: 'auth-min-backoff',
        env: [`${P}AUTH_MIN_BACKOFF`],
        placeholder: '<duration>',
        description: 'minimum auto-auth retry backoff',
      },
      v.parseOptionalDuration,
    ),
    injector(
      'authMaxBackoff',
      {
        flag: 'auth-max-backoff',
        env: [`${P}AUTH_MAX_BACKOFF`],
        placeholder: '<duration>',
        description: 'maximum auto-auth retry backoff',
      },
      v.parseOptionalDuration,
    ),
    injector(
      'disableIdleConnections',
      {
        flag: 'disable-idle-connections',
        env: [`${P}DISABLE_IDLE_CONNECTIONS`],
        placeholder: '<list>',
        description: 'agent features with idle connections disabled (comma-separated)',
      },
      v.parseString,
    ),
    injector(
      'disableKeepAlives',
      {
        flag: 'disable-keep-alives',
        env: [`${P}DISABLE_KEEP_ALIVES`],
        placeholder: '<list>',
        description: 'agent features with keep-alives disabled (comma-separated)',
      },
      v.parseString,
    ),
    injector(
      'vaultCACertBytes',
      {
        flag: 'vault-cacert-bytes',
        env: [`${P}VAULT_CACERT_BYTES`],
        placeholder: '<pem>',
        description: 'CA bundle the agents trust for Vault (PEM, optionally base64)',
      },
      v.parseString,
    ),
    injector(
      'saTokenProjection',
      {
        flag: 'sa-token-projection',
        env: [`${P}SA_TOKEN_PROJECTION`],
        description: 'give the agents their own projected service-account token',
      },
      v.parseBool,
    ),
    injector(
      'saTokenAudience',
      {
        flag: 'sa-token-audience',
        env: [`${P}SA_TOKEN_AUDIENCE`],
        placeholder: '<aud>',
        description: "audience of the agents' projected token",
      },
      v.parseString,
    ),
    injector(
      'saTokenExpirationSeconds',
      {
        flag: 'sa-token-expiration-seconds',
        env: [`${P}SA_TOKEN_EXPIRATION_SECONDS`],
        placeholder: '<seconds>',
        description: "lifetime of the agents' projected token",
      },
      v.parseTokenExpiration,
    ),
    injector(
      'nativeSidecar',
      {
        flag: 'native-sidecar',
        env: [`${P}NATIVE_SIDECAR`],
        description: 'run the agent as a native sidecar (init container, restartPolicy Always)',
      },
      v.parseBool,
    ),
  ];
}

function serverOptions(): ConfigOption[] {
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
      v.parseString,
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
        defaultText: '720h',
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
        defaultText: '87600h',
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
      v.parseString,
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
        defaultText: '20s',
      },
      v.parseDurationMs,
    ),
    server(
      'namespace',
      { flag: undefined, env: ['NAMESPACE'], description: "the injector's own namespace" },
      v.parseNonEmpty,
    ),
    server(
      'podName',
      { flag: undefined, env: ['POD_NAME'], description: "the injector's own pod name" },
      v.parseString,
    ),
  ];
}

/** Builds the table on demand so importing this module does no work. */
export function configOptions(): readonly ConfigOption[] {
  return [...injectorOptions(), ...serverOptions()];
}
