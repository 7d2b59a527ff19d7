// The annotation keys as constants, taken from the annotation table (annotation-table.ts and
// annotation-families.ts, where each is documented), and the family lookups every parse uses.
import { FAMILIES } from './annotation-families.js';
import { ANNOTATION_PREFIX, type FamilyRow } from './annotation-row.js';
import { ANNOTATIONS } from './annotation-table.js';

export { ANNOTATION_PREFIX };

export const ANNOTATION_AGENT_INJECT = ANNOTATIONS.agentInject.key;
export const ANNOTATION_AGENT_INJECT_STATUS = ANNOTATIONS.agentInjectStatus.key;
export const ANNOTATION_AGENT_INJECT_CONTAINERS = ANNOTATIONS.agentInjectContainers.key;
export const ANNOTATION_AGENT_INJECT_DEFAULT_TEMPLATE = ANNOTATIONS.agentInjectDefaultTemplate.key;
export const ANNOTATION_AGENT_INJECT_TOKEN = ANNOTATIONS.agentInjectToken.key;
export const ANNOTATION_AGENT_IMAGE = ANNOTATIONS.agentImage.key;
export const ANNOTATION_AGENT_REQUEST_NAMESPACE = ANNOTATIONS.agentRequestNamespace.key;
export const ANNOTATION_AGENT_INIT_FIRST = ANNOTATIONS.agentInitFirst.key;
export const ANNOTATION_AGENT_PRE_POPULATE = ANNOTATIONS.agentPrePopulate.key;
export const ANNOTATION_AGENT_PRE_POPULATE_ONLY = ANNOTATIONS.agentPrePopulateOnly.key;
export const ANNOTATION_AGENT_CONFIGMAP = ANNOTATIONS.agentConfigmap.key;
export const ANNOTATION_AGENT_EXTRA_SECRET = ANNOTATIONS.agentExtraSecret.key;
export const ANNOTATION_AGENT_LIMITS_CPU = ANNOTATIONS.agentLimitsCpu.key;
export const ANNOTATION_AGENT_LIMITS_MEM = ANNOTATIONS.agentLimitsMem.key;
export const ANNOTATION_AGENT_LIMITS_EPHEMERAL = ANNOTATIONS.agentLimitsEphemeral.key;
export const ANNOTATION_AGENT_REQUESTS_CPU = ANNOTATIONS.agentRequestsCpu.key;
export const ANNOTATION_AGENT_REQUESTS_MEM = ANNOTATIONS.agentRequestsMem.key;
export const ANNOTATION_AGENT_REQUESTS_EPHEMERAL = ANNOTATIONS.agentRequestsEphemeral.key;
export const ANNOTATION_AGENT_REVOKE_ON_SHUTDOWN = ANNOTATIONS.agentRevokeOnShutdown.key;
export const ANNOTATION_AGENT_REVOKE_GRACE = ANNOTATIONS.agentRevokeGrace.key;
export const ANNOTATION_VAULT_NAMESPACE = ANNOTATIONS.vaultNamespace.key;
export const ANNOTATION_AGENT_RUN_AS_USER = ANNOTATIONS.agentRunAsUser.key;
export const ANNOTATION_AGENT_RUN_AS_GROUP = ANNOTATIONS.agentRunAsGroup.key;
export const ANNOTATION_AGENT_RUN_AS_SAME_USER = ANNOTATIONS.agentRunAsSameUser.key;
export const ANNOTATION_AGENT_SHARE_PROCESS_NAMESPACE = ANNOTATIONS.agentShareProcessNamespace.key;
export const ANNOTATION_AGENT_SET_SECURITY_CONTEXT = ANNOTATIONS.agentSetSecurityContext.key;
export const ANNOTATION_AGENT_SERVICE_ACCOUNT_TOKEN_VOLUME_NAME =
  ANNOTATIONS.agentServiceAccountTokenVolumeName.key;
export const ANNOTATION_SERVICE = ANNOTATIONS.service.key;
export const ANNOTATION_PROXY_ADDRESS = ANNOTATIONS.proxyAddress.key;
export const ANNOTATION_TLS_SKIP_VERIFY = ANNOTATIONS.tlsSkipVerify.key;
export const ANNOTATION_TLS_SECRET = ANNOTATIONS.tlsSecret.key;
export const ANNOTATION_TLS_SERVER_NAME = ANNOTATIONS.tlsServerName.key;
export const ANNOTATION_CA_CERT = ANNOTATIONS.caCert.key;
export const ANNOTATION_CA_KEY = ANNOTATIONS.caKey.key;
export const ANNOTATION_CLIENT_CERT = ANNOTATIONS.clientCert.key;
export const ANNOTATION_CLIENT_KEY = ANNOTATIONS.clientKey.key;
export const ANNOTATION_CLIENT_MAX_RETRIES = ANNOTATIONS.clientMaxRetries.key;
export const ANNOTATION_CLIENT_TIMEOUT = ANNOTATIONS.clientTimeout.key;
export const ANNOTATION_GO_MAX_PROCS = ANNOTATIONS.goMaxProcs.key;
export const ANNOTATION_LOG_LEVEL = ANNOTATIONS.logLevel.key;
export const ANNOTATION_LOG_FORMAT = ANNOTATIONS.logFormat.key;
export const ANNOTATION_ROLE = ANNOTATIONS.role.key;
export const ANNOTATION_AUTH_TYPE = ANNOTATIONS.authType.key;
export const ANNOTATION_AUTH_PATH = ANNOTATIONS.authPath.key;
export const ANNOTATION_SECRET_VOLUME_PATH = ANNOTATIONS.secretVolumePath.key;
export const ANNOTATION_PRESERVE_SECRET_CASE = ANNOTATIONS.preserveSecretCase.key;
export const ANNOTATION_AGENT_CACHE_ENABLE = ANNOTATIONS.agentCacheEnable.key;
export const ANNOTATION_AGENT_CACHE_USE_AUTO_AUTH_TOKEN =
  ANNOTATIONS.agentCacheUseAutoAuthToken.key;
export const ANNOTATION_AGENT_CACHE_LISTENER_PORT = ANNOTATIONS.agentCacheListenerPort.key;
export const ANNOTATION_AGENT_CACHE_EXIT_ON_ERR = ANNOTATIONS.agentCacheExitOnErr.key;
export const ANNOTATION_AGENT_COPY_VOLUME_MOUNTS = ANNOTATIONS.agentCopyVolumeMounts.key;
export const ANNOTATION_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE =
  ANNOTATIONS.templateConfigExitOnRetryFailure.key;
export const ANNOTATION_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL =
  ANNOTATIONS.templateStaticSecretRenderInterval.key;
export const ANNOTATION_TEMPLATE_MAX_CONNECTIONS_PER_HOST =
  ANNOTATIONS.templateMaxConnectionsPerHost.key;
export const ANNOTATION_TEMPLATE_LEASE_RENEWAL_THRESHOLD =
  ANNOTATIONS.templateLeaseRenewalThreshold.key;
export const ANNOTATION_AGENT_ENABLE_QUIT = ANNOTATIONS.agentEnableQuit.key;
export const ANNOTATION_AUTH_MIN_BACKOFF = ANNOTATIONS.authMinBackoff.key;
export const ANNOTATION_AUTH_MAX_BACKOFF = ANNOTATIONS.authMaxBackoff.key;
export const ANNOTATION_AGENT_DISABLE_IDLE_CONNECTIONS =
  ANNOTATIONS.agentDisableIdleConnections.key;
export const ANNOTATION_AGENT_DISABLE_KEEP_ALIVES = ANNOTATIONS.agentDisableKeepAlives.key;
export const ANNOTATION_AGENT_JSON_PATCH = ANNOTATIONS.agentJsonPatch.key;
export const ANNOTATION_AGENT_INIT_JSON_PATCH = ANNOTATIONS.agentInitJsonPatch.key;
export const ANNOTATION_AGENT_AUTO_AUTH_EXIT_ON_ERR = ANNOTATIONS.agentAutoAuthExitOnErr.key;
export const ANNOTATION_AGENT_SA_TOKEN_AUDIENCE = ANNOTATIONS.agentServiceAccountTokenAudience.key;
export const ANNOTATION_AGENT_SA_TOKEN_EXPIRATION_SECONDS =
  ANNOTATIONS.agentServiceAccountTokenExpirationSeconds.key;
export const ANNOTATION_AGENT_NATIVE_SIDECAR = ANNOTATIONS.agentNativeSidecar.key;
export const ANNOTATION_AGENT_ENV_CONTAINERS = ANNOTATIONS.agentEnvContainers.key;
export const ANNOTATION_AGENT_ENV_COMMAND = ANNOTATIONS.agentEnvCommand.key;
export const ANNOTATION_AGENT_ENV_RESTART = ANNOTATIONS.agentEnvRestart.key;
export const ANNOTATION_AGENT_ENV_RESTART_SIGNAL = ANNOTATIONS.agentEnvRestartSignal.key;
export const PREFIX_SECRET = FAMILIES.secret.key;
export const PREFIX_TEMPLATE = FAMILIES.template.key;
export const PREFIX_TEMPLATE_FILE = FAMILIES.templateFile.key;
export const PREFIX_FILE = FAMILIES.file.key;
export const PREFIX_PERMS = FAMILIES.perms.key;
export const PREFIX_COMMAND = FAMILIES.command.key;
export const PREFIX_ERROR_ON_MISSING_KEY = FAMILIES.errorOnMissingKey.key;
export const PREFIX_LEFT_DELIM = FAMILIES.leftDelim.key;
export const PREFIX_RIGHT_DELIM = FAMILIES.rightDelim.key;
export const PREFIX_SECRET_VOLUME_PATH = FAMILIES.secretVolumePath.key;
export const PREFIX_PRESERVE_SECRET_CASE = FAMILIES.preserveSecretCase.key;
export const PREFIX_AUTH_CONFIG = FAMILIES.authConfig.key;
export const PREFIX_AGENT_TELEMETRY = FAMILIES.agentTelemetry.key;
export const PREFIX_ENV = FAMILIES.env.key;
export const PREFIX_ENV_TEMPLATE = FAMILIES.envTemplate.key;
export const PREFIX_ENV_CONFIG = FAMILIES.envConfig.key;

const familyRows: readonly FamilyRow[] = Object.values(FAMILIES);
const familiesWhere = (keep: (row: FamilyRow) => boolean): readonly string[] =>
  Object.freeze(familyRows.filter(keep).map((row) => row.key));

/** Per-secret families other than the three that declare a secret. */
export const PER_SECRET_PREFIXES = familiesWhere((row) => row.role === 'per-secret');

/**
 * Families that declare a secret, in the order vault-k8s tries them (template-file before
 * template), which is the table's order.
 */
export const SECRET_DECLARING_PREFIXES = familiesWhere((row) => row.role === 'declares');

/** Annotations whose values may carry secrets or large templates: logged by key only. */
export const SENSITIVE_PREFIXES: readonly string[] = Object.freeze(
  [...Object.values(ANNOTATIONS), ...familyRows].filter((row) => row.secret).map((row) => row.key),
);

export function isSensitiveAnnotation(key: string): boolean {
  return SENSITIVE_PREFIXES.some((p) => key.startsWith(p));
}

/** Every prefix family, longest first so agent-inject-template-file- wins over agent-inject-template-. */
export const FAMILY_PREFIXES: readonly string[] = familyRows
  .map((row) => row.key)
  .sort((x, y) => y.length - x.length);

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
