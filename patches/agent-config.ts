// The Vault Agent configuration as a typed object, never templated text, serialised to JSON and
// base64 into VAULT_CONFIG. Field order follows vault-k8s so the decoded JSON matches key for key.
import { posix } from 'node:path';
import type { AgentAuthSpec, AgentSpec, AgentTemplateSpec, SecretSpec } from './agent-spec.js';
import { base64Utf8 } from './base64.js';

export type AgentRole = 'init' | 'sidecar';

interface Listener {
  type: 'tcp';
  address: string;
  tls_disable: true;
  agent_api?: { enable_quit: true };
}

export interface AgentConfig {
  auto_auth: {
    method: {
      type: string;
      mount_path?: string;
      min_backoff?: string;
      max_backoff?: string;
      namespace?: string;
      config: Record<string, string>;
      exit_on_err?: true;
    };
    sink: Array<{ type: 'file'; config: { path: string } }>;
  };
  exit_after_auth: boolean;
  pid_file: string;
  vault: Record<string, string | boolean>;
  template?: Array<Record<string, string | boolean>>;
  listener?: Listener[];
  cache?: {
    use_auto_auth_token?: string;
    persist?: { type: 'kubernetes'; path: string; exit_on_err?: true };
  };
  template_config?: Record<string, string | number | boolean>;
  disable_idle_connections?: string[];
  disable_keep_alives?: string[];
  telemetry?: Record<string, unknown>;
}

/** Copies only non-empty values, keeping insertion order: Go's `omitempty`. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const key in o) {
    const v = o[key];
    if (v !== '' && v !== false && v !== 0 && v !== undefined) out[key] = v;
  }
  return out as Partial<T>;
}

function sortedKeys(o: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k] as string]),
  );
}

function templateStanza(s: SecretSpec): Record<string, string | boolean> {
  return compact({
    destination: s.destination,
    contents: s.contents,
    left_delimiter: s.leftDelimiter,
    right_delimiter: s.rightDelimiter,
    command: s.command,
    source: s.source,
    perms: s.perms,
    error_on_missing_key: s.errorOnMissingKey,
  }) as Record<string, string | boolean>;
}

type CacheAndListener = Pick<AgentConfig, 'listener' | 'cache'>;

/** The cache stanza and its listener, when the agent caches at all in this role. */
function cacheFor(spec: AgentSpec, role: AgentRole, listener: Listener): CacheAndListener {
  if (spec.cachePersist) {
    const persist = {
      type: 'kubernetes' as const,
      path: spec.names.paths.cache,
      ...(spec.cacheExitOnErr ? { exit_on_err: true as const } : {}),
    };
    const cache = { ...compact({ use_auto_auth_token: spec.cacheUseAutoAuthToken }), persist };
    return { listener: [listener], cache };
  }
  if (spec.cacheEnable && spec.layout.sidecar !== 'none' && role === 'sidecar') {
    return {
      listener: [listener],
      cache: compact({ use_auto_auth_token: spec.cacheUseAutoAuthToken }),
    };
  }
  return {};
}

function cacheAndListener(spec: AgentSpec, role: AgentRole): CacheAndListener {
  const listener: Listener = {
    type: 'tcp',
    address: `127.0.0.1:${spec.cacheListenerPort}`,
    tls_disable: true,
  };
  const out = cacheFor(spec, role, listener);
  if (!spec.enableQuit) return out;
  // The quit endpoint lives on the first listener; an agent without a cache still needs one.
  const [first = listener, ...rest] = out.listener ?? [];
  return {
    listener: [{ ...first, agent_api: { enable_quit: true } }, ...rest],
    cache: out.cache ?? {},
  };
}

/** The auto_auth method: the same login for the file agents and the env agents. */
export function autoAuthMethod(spec: AgentAuthSpec): AgentConfig['auto_auth']['method'] {
  return {
    type: spec.authType,
    ...compact({
      mount_path: spec.authPath,
      min_backoff: spec.authMinBackoff,
      max_backoff: spec.authMaxBackoff,
      namespace: spec.vaultNamespace,
    }),
    config: sortedKeys(spec.authConfig),
    ...(spec.autoAuthExitOnErr ? { exit_on_err: true as const } : {}),
  };
}

export function vaultStanza(spec: AgentAuthSpec): Record<string, string | boolean> {
  return {
    address: spec.vault.address,
    ...compact({
      ca_cert: spec.vault.caCert,
      ca_path: spec.vault.caPath,
      tls_skip_verify: spec.vault.tlsSkipVerify,
      client_cert: spec.vault.clientCert,
      client_key: spec.vault.clientKey,
      tls_server_name: spec.vault.tlsServerName,
    }),
  } as Record<string, string | boolean>;
}

/** template_config without exit_on_retry_failure, which each caller decides. */
export function templateConfigRest(spec: AgentTemplateSpec): Record<string, string | number> {
  const tc = spec.templateConfig;
  return compact({
    static_secret_render_interval: tc.staticSecretRenderInterval,
    max_connections_per_host: tc.maxConnectionsPerHost,
    lease_renewal_threshold: tc.leaseRenewalThreshold,
  }) as Record<string, string | number>;
}

export function buildAgentConfig(spec: AgentSpec, role: AgentRole): AgentConfig {
  const sink: AgentConfig['auto_auth']['sink'] = [
    { type: 'file', config: { path: `${spec.names.paths.home}/${spec.names.tokenSink}` } },
  ];
  if (spec.injectToken)
    sink.push({ type: 'file', config: { path: posix.join(spec.secretVolumePath, 'token') } });
  const config: AgentConfig = {
    auto_auth: { method: autoAuthMethod(spec), sink },
    exit_after_auth: role === 'init',
    pid_file: `${spec.names.paths.home}/.pid`,
    vault: vaultStanza(spec),
  };
  if (spec.secrets.length > 0) config.template = spec.secrets.map(templateStanza);
  Object.assign(config, cacheAndListener(spec, role));
  config.template_config = {
    exit_on_retry_failure: spec.templateConfig.exitOnRetryFailure,
    ...templateConfigRest(spec),
  };
  if (spec.disableIdleConnections.length > 0)
    config.disable_idle_connections = [...spec.disableIdleConnections];
  if (spec.disableKeepAlives.length > 0) config.disable_keep_alives = [...spec.disableKeepAlives];
  if (spec.telemetry !== undefined) config.telemetry = { ...spec.telemetry };
  return config;
}

/**
 * The VAULT_CONFIG value of one container (compact JSON, standard base64 with padding): its config
 * built for its role and serialised on its own. The roles differ in exit_after_auth and, with a
 * cache or the quit endpoint, in the listener and cache stanzas.
 */
export function encodeAgentConfig(spec: AgentSpec, role: AgentRole): string {
  return base64Utf8(JSON.stringify(buildAgentConfig(spec, role)));
}
