// Every vault.hashicorp.com annotation the injector understands, named as vault-k8s names them so
// existing manifests work unchanged. Comments are the user documentation; README links here.

export const ANNOTATION_PREFIX = 'vault.hashicorp.com/';
const a = <S extends string>(suffix: S): `vault.hashicorp.com/${S}` =>
  `vault.hashicorp.com/${suffix}`;

/** Must be present and true for any injection. */
export const ANNOTATION_AGENT_INJECT = a('agent-inject');
/** Written by the injector ("injected"); a pod carrying it is not injected again. */
export const ANNOTATION_AGENT_INJECT_STATUS = a('agent-inject-status');
/** Which app containers get the secrets mount (comma list, no trimming). */
export const ANNOTATION_AGENT_INJECT_CONTAINERS = a('agent-inject-containers');
/** Default template for secrets without their own: map or json (case-insensitive). */
export const ANNOTATION_AGENT_INJECT_DEFAULT_TEMPLATE = a('agent-inject-default-template');
/** Also write the Vault token to <secret-volume-path>/token (exposes it to the app). */
export const ANNOTATION_AGENT_INJECT_TOKEN = a('agent-inject-token');
export const ANNOTATION_AGENT_IMAGE = a('agent-image');
export const ANNOTATION_AGENT_REQUEST_NAMESPACE = a('agent-request-namespace');
/** Put vault-agent-init before the pod's own init containers. */
export const ANNOTATION_AGENT_INIT_FIRST = a('agent-init-first');
/** Inject the init container (default true). */
export const ANNOTATION_AGENT_PRE_POPULATE = a('agent-pre-populate');
/** Inject only the init container, no long-running agent. */
export const ANNOTATION_AGENT_PRE_POPULATE_ONLY = a('agent-pre-populate-only');
/** Use agent config from this ConfigMap (config.hcl / config-init.hcl) instead of generating it. */
export const ANNOTATION_AGENT_CONFIGMAP = a('agent-configmap');
/** Mount this Secret at /vault/custom in the agent containers. */
export const ANNOTATION_AGENT_EXTRA_SECRET = a('agent-extra-secret');
export const ANNOTATION_AGENT_LIMITS_CPU = a('agent-limits-cpu');
export const ANNOTATION_AGENT_LIMITS_MEM = a('agent-limits-mem');
export const ANNOTATION_AGENT_LIMITS_EPHEMERAL = a('agent-limits-ephemeral');
export const ANNOTATION_AGENT_REQUESTS_CPU = a('agent-requests-cpu');
export const ANNOTATION_AGENT_REQUESTS_MEM = a('agent-requests-mem');
export const ANNOTATION_AGENT_REQUESTS_EPHEMERAL = a('agent-requests-ephemeral');
/** Revoke the Vault token in a preStop hook of the sidecar. */
export const ANNOTATION_AGENT_REVOKE_ON_SHUTDOWN = a('agent-revoke-on-shutdown');
/** Seconds the preStop hook sleeps before revoking. */
export const ANNOTATION_AGENT_REVOKE_GRACE = a('agent-revoke-grace');
/** Vault Enterprise namespace for auto-auth. */
export const ANNOTATION_VAULT_NAMESPACE = a('namespace');
export const ANNOTATION_AGENT_RUN_AS_USER = a('agent-run-as-user');
export const ANNOTATION_AGENT_RUN_AS_GROUP = a('agent-run-as-group');
/** Run the agent as the uid of the first app container. */
export const ANNOTATION_AGENT_RUN_AS_SAME_USER = a('agent-run-as-same-user');
export const ANNOTATION_AGENT_SHARE_PROCESS_NAMESPACE = a('agent-share-process-namespace');
export const ANNOTATION_AGENT_SET_SECURITY_CONTEXT = a('agent-set-security-context');
/** Name of the volume holding the service-account token the agent logs in with. */
export const ANNOTATION_AGENT_SERVICE_ACCOUNT_TOKEN_VOLUME_NAME = a(
  'agent-service-account-token-volume-name',
);
/** Vault address. */
export const ANNOTATION_SERVICE = a('service');
/** HTTPS_PROXY for the agent. */
export const ANNOTATION_PROXY_ADDRESS = a('proxy-address');
export const ANNOTATION_TLS_SKIP_VERIFY = a('tls-skip-verify');
/** Secret mounted at /vault/tls holding CA/client certificates. */
export const ANNOTATION_TLS_SECRET = a('tls-secret');
export const ANNOTATION_TLS_SERVER_NAME = a('tls-server-name');
export const ANNOTATION_CA_CERT = a('ca-cert');
/** Despite its name, the CA *directory* (ca_path / VAULT_CAPATH), as in vault-k8s. */
export const ANNOTATION_CA_KEY = a('ca-key');
export const ANNOTATION_CLIENT_CERT = a('client-cert');
export const ANNOTATION_CLIENT_KEY = a('client-key');
export const ANNOTATION_CLIENT_MAX_RETRIES = a('client-max-retries');
export const ANNOTATION_CLIENT_TIMEOUT = a('client-timeout');
export const ANNOTATION_GO_MAX_PROCS = a('go-max-procs');
export const ANNOTATION_LOG_LEVEL = a('log-level');
export const ANNOTATION_LOG_FORMAT = a('log-format');
/** Vault role for auto-auth (overrides auth-config-role). */
export const ANNOTATION_ROLE = a('role');
export const ANNOTATION_AUTH_TYPE = a('auth-type');
export const ANNOTATION_AUTH_PATH = a('auth-path');
/** Mount path of the shared secrets volume (default /vault/secrets). */
export const ANNOTATION_SECRET_VOLUME_PATH = a('secret-volume-path');
/** Keep the case of every secret name in file names. */
export const ANNOTATION_PRESERVE_SECRET_CASE = a('preserve-secret-case');
export const ANNOTATION_AGENT_CACHE_ENABLE = a('agent-cache-enable');
export const ANNOTATION_AGENT_CACHE_USE_AUTO_AUTH_TOKEN = a('agent-cache-use-auto-auth-token');
export const ANNOTATION_AGENT_CACHE_LISTENER_PORT = a('agent-cache-listener-port');
export const ANNOTATION_AGENT_CACHE_EXIT_ON_ERR = a('agent-cache-exit-on-err');
/** Copy this container's volume mounts into the agent containers. */
export const ANNOTATION_AGENT_COPY_VOLUME_MOUNTS = a('agent-copy-volume-mounts');
export const ANNOTATION_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE = a(
  'template-config-exit-on-retry-failure',
);
export const ANNOTATION_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL = a(
  'template-static-secret-render-interval',
);
export const ANNOTATION_TEMPLATE_MAX_CONNECTIONS_PER_HOST = a('template-max-connections-per-host');
export const ANNOTATION_TEMPLATE_LEASE_RENEWAL_THRESHOLD = a('template-lease-renewal-threshold');
export const ANNOTATION_AGENT_ENABLE_QUIT = a('agent-enable-quit');
export const ANNOTATION_AUTH_MIN_BACKOFF = a('auth-min-backoff');
export const ANNOTATION_AUTH_MAX_BACKOFF = a('auth-max-backoff');
export const ANNOTATION_AGENT_DISABLE_IDLE_CONNECTIONS = a('agent-disable-idle-connections');
export const ANNOTATION_AGENT_DISABLE_KEEP_ALIVES = a('agent-disable-keep-alives');
/** RFC 6902 patch applied to the generated sidecar container. */
export const ANNOTATION_AGENT_JSON_PATCH = a('agent-json-patch');
/** RFC 6902 patch applied to the generated init container. */
export const ANNOTATION_AGENT_INIT_JSON_PATCH = a('agent-init-json-patch');
export const ANNOTATION_AGENT_AUTO_AUTH_EXIT_ON_ERR = a('agent-auto-auth-exit-on-err');
/** Beyond vault-k8s: audience and lifetime of the agent's own projected token. */
export const ANNOTATION_AGENT_SA_TOKEN_AUDIENCE = a('agent-service-account-token-audience');
export const ANNOTATION_AGENT_SA_TOKEN_EXPIRATION_SECONDS = a(
  'agent-service-account-token-expiration-seconds',
);
/** Beyond vault-k8s: run the agent as a native sidecar. */
export const ANNOTATION_AGENT_NATIVE_SIDECAR = a('agent-native-sidecar');
/** Beyond vault-k8s, env secrets: containers whose entrypoint the agent wraps (csv; default the first). */
export const ANNOTATION_AGENT_ENV_CONTAINERS = a('agent-env-containers');
/** JSON string array: the argv of a wrapped container that has no `command`. */
export const ANNOTATION_AGENT_ENV_COMMAND = a('agent-env-command');
/** always (default) or never: restart the app when a rendered variable changes. */
export const ANNOTATION_AGENT_ENV_RESTART = a('agent-env-restart');
/** The signal that stops the app, on restart and on shutdown (default SIGTERM). */
export const ANNOTATION_AGENT_ENV_RESTART_SIGNAL = a('agent-env-restart-signal');

// Families with a per-secret (or per-key) suffix.
export const PREFIX_SECRET = a('agent-inject-secret-');
export const PREFIX_TEMPLATE = a('agent-inject-template-');
export const PREFIX_TEMPLATE_FILE = a('agent-inject-template-file-');
export const PREFIX_FILE = a('agent-inject-file-');
export const PREFIX_PERMS = a('agent-inject-perms-');
export const PREFIX_COMMAND = a('agent-inject-command-');
export const PREFIX_ERROR_ON_MISSING_KEY = a('error-on-missing-key-');
export const PREFIX_LEFT_DELIM = a('agent-template-left-delim-');
export const PREFIX_RIGHT_DELIM = a('agent-template-right-delim-');
export const PREFIX_SECRET_VOLUME_PATH = a('secret-volume-path-');
export const PREFIX_PRESERVE_SECRET_CASE = a('preserve-secret-case-');
export const PREFIX_AUTH_CONFIG = a('auth-config-');
export const PREFIX_AGENT_TELEMETRY = a('agent-telemetry-');
/** Env secrets: agent-inject-env-<VAR>: "<path>#<field>". */
export const PREFIX_ENV = a('agent-inject-env-');
/** Env secrets: agent-inject-env-template-<VAR>: the full template of VAR. */
export const PREFIX_ENV_TEMPLATE = a('agent-inject-env-template-');
/** Written by the injector: the env agent config of the container at this index. */
export const PREFIX_ENV_CONFIG = a('agent-env-config-');

/** Per-secret families other than the three that declare a secret. */
export const PER_SECRET_PREFIXES = [
  PREFIX_FILE,
  PREFIX_PERMS,
  PREFIX_COMMAND,
  PREFIX_ERROR_ON_MISSING_KEY,
  PREFIX_LEFT_DELIM,
  PREFIX_RIGHT_DELIM,
  PREFIX_SECRET_VOLUME_PATH,
  PREFIX_PRESERVE_SECRET_CASE,
] as const;

/** Families that declare a secret, in the order vault-k8s tries them (template-file before template). */
export const SECRET_DECLARING_PREFIXES = [
  PREFIX_SECRET,
  PREFIX_TEMPLATE_FILE,
  PREFIX_TEMPLATE,
] as const;

/** Annotations whose values may carry secrets or large templates: logged by key only. */
export const SENSITIVE_PREFIXES = [
  PREFIX_TEMPLATE,
  PREFIX_AUTH_CONFIG,
  PREFIX_ENV_TEMPLATE,
  PREFIX_ENV_CONFIG,
  ANNOTATION_AGENT_JSON_PATCH,
  ANNOTATION_AGENT_INIT_JSON_PATCH,
] as const;

export function isSensitiveAnnotation(key: string): boolean {
  return SENSITIVE_PREFIXES.some((p) => key.startsWith(p));
}

/** Every prefix family, longest first so agent-inject-template-file- wins over agent-inject-template-. */
export const FAMILY_PREFIXES: readonly string[] = [
  ...SECRET_DECLARING_PREFIXES,
  ...PER_SECRET_PREFIXES,
  PREFIX_AUTH_CONFIG,
  PREFIX_AGENT_TELEMETRY,
  PREFIX_ENV,
  PREFIX_ENV_TEMPLATE,
  PREFIX_ENV_CONFIG,
].sort((x, y) => y.length - x.length);

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
// One regular expression instead of a startsWith per family per key: this runs for every
// annotation of every admitted pod.
const FAMILY_RE = new RegExp(`^(${FAMILY_PREFIXES.map(escapeRe).join('|')})([\\s\\S]*)$`);

/**
 * Splits a family key into its prefix and suffix, or undefined for any other key and for an empty
 * suffix (as in vault-k8s, `agent-inject-template-file-` names nothing; it is not a template "file-").
 */
export function splitFamilyKey(key: string): { prefix: string; suffix: string } | undefined {
  const m = FAMILY_RE.exec(key);
  if (m === null || m[2] === '') return undefined;
  return { prefix: m[1] as string, suffix: m[2] as string };
}

/** Family annotations grouped by prefix, then by suffix: built in one pass over a pod's annotations. */
export type FamilyIndex = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function indexFamilies(annotations: Readonly<Record<string, string>>): FamilyIndex {
  const index = new Map<string, Map<string, string>>();
  for (const key in annotations) {
    const family = splitFamilyKey(key);
    if (family === undefined) continue;
    let bucket = index.get(family.prefix);
    if (bucket === undefined) {
      bucket = new Map();
      index.set(family.prefix, bucket);
    }
    bucket.set(family.suffix, annotations[key] as string);
  }
  return index;
}
