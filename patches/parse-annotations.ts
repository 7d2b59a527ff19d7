// Annotations + injector configuration → one typed AgentSpec, or every problem found (each naming
// the annotation, the bad value and what is accepted). Defaults come from the configuration and are
// never written into the pod (vault-k8s round-trips them through the annotation map).
import * as A from './annotations.js';
import { AnnotationReader } from './annotation-reader.js';
import type { AgentSpec } from './agent-spec.js';
import { warning, type Finding, type Problem } from './finding.js';
import type { InjectorConfig } from './injector-config.js';
import { VAULT_FLAVOUR, type Flavour } from './flavours.js';
import type { InjectorNames } from './injector-names.js';
import { parseJsonPatchAnnotation } from './json-patch-annotation.js';
import type { Pod } from './k8s-types.js';
import { envWarnings } from './env-warnings.js';
import { readAuthConfig, readAws, readServiceAccount } from './read-auth.js';
import { readEnvSecrets } from './read-env.js';
import { readResources } from './read-resources.js';
import { readSecurity } from './read-security.js';
import { discoverSecrets } from './secrets.js';
import { specWarnings } from './spec-warnings.js';
import { buildTelemetry } from './telemetry.js';

export type ParseResult =
  | { ok: true; spec: AgentSpec; warnings: Finding[] }
  | { ok: false; problems: Problem[]; warnings: Finding[] };

/** Everything but the token, which may be missing while the rest is still checked. */
type SpecWithoutToken = Omit<AgentSpec, 'serviceAccount'>;

/** What one part of the parse contributes to the spec. */
interface Reading<K extends keyof SpecWithoutToken> {
  readonly part: Pick<SpecWithoutToken, K>;
  readonly warnings?: readonly Finding[];
}

interface ParseInput {
  readonly r: AnnotationReader;
  readonly pod: Pod;
  readonly namespace: string;
  readonly cfg: InjectorConfig;
  readonly index: A.FamilyIndex;
}

function readJsonPatch(r: AnnotationReader, key: string): AgentSpec['jsonPatch'] {
  const parsed = parseJsonPatchAnnotation(r.string(key, ''));
  if (parsed.ok) return parsed.ops;
  r.problem(key, undefined, parsed.message);
  return [];
}

function requireSet(r: AnnotationReader, key: string, value: string, message: string): void {
  if (value === '') r.problem(key, '', message);
}

/** Settings without which no agent config can be generated (a ConfigMap carries its own). */
function validateGenerated(r: AnnotationReader, spec: SpecWithoutToken, role: string): void {
  if (spec.configMap !== '') return;
  const { product } = spec.names;
  requireSet(
    r,
    A.ANNOTATION_AUTH_TYPE,
    spec.authType,
    `no ${product} auth type: expected e.g. kubernetes, jwt, aws`,
  );
  if (spec.authType === 'kubernetes' && role === '' && (spec.authConfig.role ?? '') === '') {
    r.problem(
      A.ANNOTATION_ROLE,
      undefined,
      `no ${product} role: set ${A.ANNOTATION_ROLE} to the ${product} Kubernetes auth role for this service account`,
    );
  }
  requireSet(
    r,
    A.ANNOTATION_AUTH_PATH,
    spec.authPath,
    `no ${product} auth path: expected a mount path such as auth/kubernetes`,
  );
  if (spec.vault.address === '') {
    r.problems.push({
      key: A.ANNOTATION_SERVICE,
      value: '',
      message: `no ${product} address: set ${A.ANNOTATION_SERVICE}`,
      orSetting: 'vaultAddress',
    });
  }
}

function validateRequired(r: AnnotationReader, spec: SpecWithoutToken, role: string): void {
  requireSet(
    r,
    A.ANNOTATION_AGENT_REQUEST_NAMESPACE,
    spec.namespace,
    'namespace missing from request',
  );
  requireSet(
    r,
    A.ANNOTATION_AGENT_IMAGE,
    spec.image,
    `no ${spec.names.product} Agent image: expected an image reference such as ${spec.names.defaultImage}`,
  );
  if (!spec.secretVolumePath.startsWith('/')) {
    r.problem(
      A.ANNOTATION_SECRET_VOLUME_PATH,
      spec.secretVolumePath,
      'expected an absolute path such as /vault/secrets',
    );
  }
  validateGenerated(r, spec, role);
}

/**
 * A native sidecar starts before the app and blocks it until its startup probe passes, so it does
 * the init container's job too: pre-populate only adds a separate init container when asked for
 * init-only.
 */
export function agentLayout(
  prePopulate: boolean,
  prePopulateOnly: boolean,
  native: boolean,
): AgentSpec['layout'] {
  if (prePopulateOnly) return { init: prePopulate, sidecar: 'none' };
  if (native) return { init: false, sidecar: 'native' };
  return { init: prePopulate, sidecar: 'container' };
}

function readTemplateKind(r: AnnotationReader, cfg: InjectorConfig): 'map' | 'json' {
  const key = A.ANNOTATION_AGENT_INJECT_DEFAULT_TEMPLATE;
  const raw = r.string(key, cfg.defaultTemplate).toLowerCase();
  if (raw !== 'map' && raw !== 'json') r.problem(key, raw, 'expected map or json');
  return raw === 'json' ? 'json' : 'map';
}

function readSecrets(
  input: ParseInput,
  names: InjectorNames,
): Reading<'secrets' | 'secretVolumePath' | 'customMountPaths'> {
  const { r, pod, cfg, index } = input;
  const templateKind = readTemplateKind(r, cfg);
  const secretVolumePath = r.string(A.ANNOTATION_SECRET_VOLUME_PATH, names.paths.secrets);
  const annotations = pod.metadata?.annotations ?? {};
  const found = discoverSecrets(annotations, secretVolumePath, templateKind, index);
  r.problems.push(...found.problems);
  const custom = found.secrets.map((s) => s.mountPath).filter((p) => p !== secretVolumePath);
  return {
    part: { secrets: found.secrets, secretVolumePath, customMountPaths: [...new Set(custom)] },
  };
}

type LayoutKeys = 'initFirst' | 'layout';

/** `envOnly`: the pod declares env secrets and no files, so no init or sidecar agent is needed. */
function readLayout({ r, cfg }: ParseInput, envOnly: boolean): Reading<LayoutKeys> {
  const prePopulate = r.bool(A.ANNOTATION_AGENT_PRE_POPULATE, true);
  const prePopulateOnly = r.bool(A.ANNOTATION_AGENT_PRE_POPULATE_ONLY, false);
  const nativeSidecar = r.bool(A.ANNOTATION_AGENT_NATIVE_SIDECAR, cfg.nativeSidecar);
  const layout: AgentSpec['layout'] = envOnly
    ? { init: false, sidecar: 'none' }
    : agentLayout(prePopulate, prePopulateOnly, nativeSidecar);
  const initFirst = r.bool(A.ANNOTATION_AGENT_INIT_FIRST, false);
  return { part: { initFirst, layout } };
}

function readConnection({ r, cfg }: ParseInput): Reading<'vault' | 'vaultNamespace'> {
  const vault: AgentSpec['vault'] = {
    address: r.string(A.ANNOTATION_SERVICE, cfg.vaultAddress),
    caCert: r.string(A.ANNOTATION_CA_CERT, ''),
    // ca-key names the CA directory, not a key: vault-k8s's naming, kept for drop-in use.
    caPath: r.string(A.ANNOTATION_CA_KEY, ''),
    tlsSkipVerify: r.bool(A.ANNOTATION_TLS_SKIP_VERIFY, false),
    clientCert: r.string(A.ANNOTATION_CLIENT_CERT, ''),
    clientKey: r.string(A.ANNOTATION_CLIENT_KEY, ''),
    tlsServerName: r.string(A.ANNOTATION_TLS_SERVER_NAME, ''),
  };
  return {
    part: { vault, vaultNamespace: r.string(A.ANNOTATION_VAULT_NAMESPACE, cfg.vaultNamespace) },
  };
}

type AuthKeys =
  | 'authType'
  | 'authPath'
  | 'authConfig'
  | 'authMinBackoff'
  | 'authMaxBackoff'
  | 'autoAuthExitOnErr'
  | 'aws';

function readAuth(
  { r, pod, cfg, index }: ParseInput,
  token: AgentSpec['serviceAccount'] | undefined,
): Reading<AuthKeys> & { role: string } {
  const role = r.string(A.ANNOTATION_ROLE, '');
  const authType = r.string(A.ANNOTATION_AUTH_TYPE, cfg.authType || 'kubernetes');
  const authConfig = readAuthConfig(index, token, role);
  const part = {
    authType,
    authPath: r.string(A.ANNOTATION_AUTH_PATH, cfg.authPath),
    authConfig,
    authMinBackoff: r.duration(A.ANNOTATION_AUTH_MIN_BACKOFF, cfg.authMinBackoff),
    authMaxBackoff: r.duration(A.ANNOTATION_AUTH_MAX_BACKOFF, cfg.authMaxBackoff),
    autoAuthExitOnErr: r.bool(A.ANNOTATION_AGENT_AUTO_AUTH_EXIT_ON_ERR, false),
    aws: readAws(pod, authType, authConfig),
  };
  return { part, role };
}

type CacheKeys =
  | 'cacheEnable'
  | 'cachePersist'
  | 'cacheListenerPort'
  | 'cacheUseAutoAuthToken'
  | 'cacheExitOnErr'
  | 'enableQuit'
  | 'injectToken';

function readCache({ r }: ParseInput, layout: AgentSpec['layout']): Reading<CacheKeys> {
  const cacheEnable = r.bool(A.ANNOTATION_AGENT_CACHE_ENABLE, false);
  const part = {
    cacheEnable,
    // The persistent cache hands the init container's token to the sidecar: only with both.
    cachePersist: cacheEnable && layout.init && layout.sidecar !== 'none',
    cacheListenerPort: r.string(A.ANNOTATION_AGENT_CACHE_LISTENER_PORT, '8200'),
    cacheUseAutoAuthToken: r.string(A.ANNOTATION_AGENT_CACHE_USE_AUTO_AUTH_TOKEN, 'true'),
    cacheExitOnErr: r.bool(A.ANNOTATION_AGENT_CACHE_EXIT_ON_ERR, false),
    enableQuit: r.bool(A.ANNOTATION_AGENT_ENABLE_QUIT, false),
    injectToken: r.bool(A.ANNOTATION_AGENT_INJECT_TOKEN, false),
  };
  return { part };
}

function readTemplateConfig({ r, cfg }: ParseInput): Reading<'templateConfig'> {
  const templateConfig = {
    exitOnRetryFailure: r.bool(
      A.ANNOTATION_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE,
      cfg.templateConfigExitOnRetryFailure,
    ),
    staticSecretRenderInterval: r.string(
      A.ANNOTATION_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL,
      cfg.templateStaticSecretRenderInterval,
    ),
    maxConnectionsPerHost: r.int(
      A.ANNOTATION_TEMPLATE_MAX_CONNECTIONS_PER_HOST,
      cfg.templateMaxConnectionsPerHost,
    ),
    leaseRenewalThreshold: r.float(
      A.ANNOTATION_TEMPLATE_LEASE_RENEWAL_THRESHOLD,
      cfg.templateLeaseRenewalThreshold,
    ),
  };
  return { part: { templateConfig } };
}

function readTelemetry({ index }: ParseInput): Reading<'telemetry'> {
  const entries = [...(index.get(A.PREFIX_AGENT_TELEMETRY) ?? [])];
  const telemetry = buildTelemetry(entries);
  const warnings = telemetry.dropped.map((d) => {
    // Name the annotation exactly as written, so the user finds the one key that was dropped.
    const suffix = entries.find(([s]) => s.replace(/-/g, '_') === d.key)?.[0] ?? d.key;
    return warning(`${A.PREFIX_AGENT_TELEMETRY}${suffix}`, `ignored (${d.reason})`);
  });
  return { part: { telemetry: telemetry.telemetry }, warnings };
}

type ContainerKeys =
  | 'namespace'
  | 'image'
  | 'injectContainers'
  | 'revokeOnShutdown'
  | 'revokeGrace'
  | 'shareProcessNamespace'
  | 'vaultCACertBytes'
  | 'setSecurityContext'
  | 'runAsUser'
  | 'runAsGroup';

function readContainer(
  { r, pod, namespace, cfg }: ParseInput,
  names: InjectorNames,
): Reading<ContainerKeys> {
  const shareKey = A.ANNOTATION_AGENT_SHARE_PROCESS_NAMESPACE;
  const part = {
    namespace: r.string(A.ANNOTATION_AGENT_REQUEST_NAMESPACE, namespace),
    image: r.string(A.ANNOTATION_AGENT_IMAGE, cfg.vaultImage || names.defaultImage),
    injectContainers: r.has(A.ANNOTATION_AGENT_INJECT_CONTAINERS)
      ? r.list(A.ANNOTATION_AGENT_INJECT_CONTAINERS, '')
      : (pod.spec?.containers ?? []).map((c) => c.name),
    revokeOnShutdown: r.bool(A.ANNOTATION_AGENT_REVOKE_ON_SHUTDOWN, cfg.revokeOnShutdown),
    revokeGrace: r.uint(A.ANNOTATION_AGENT_REVOKE_GRACE, 5),
    ...readSecurity(r, pod, cfg),
    shareProcessNamespace: r.has(shareKey) ? r.bool(shareKey, false) : undefined,
    vaultCACertBytes: cfg.vaultCACertBytes,
  };
  return { part };
}

type ExtraKeys =
  | 'disableIdleConnections'
  | 'disableKeepAlives'
  | 'configMap'
  | 'extraSecret'
  | 'tlsSecret'
  | 'copyVolumeMounts'
  | 'jsonPatch'
  | 'initJsonPatch'
  | 'env';

function readExtras({ r, cfg }: ParseInput): Reading<ExtraKeys> {
  const part = {
    disableIdleConnections: r.list(
      A.ANNOTATION_AGENT_DISABLE_IDLE_CONNECTIONS,
      cfg.disableIdleConnections,
    ),
    disableKeepAlives: r.list(A.ANNOTATION_AGENT_DISABLE_KEEP_ALIVES, cfg.disableKeepAlives),
    configMap: r.string(A.ANNOTATION_AGENT_CONFIGMAP, ''),
    extraSecret: r.string(A.ANNOTATION_AGENT_EXTRA_SECRET, ''),
    tlsSecret: r.string(A.ANNOTATION_TLS_SECRET, ''),
    copyVolumeMounts: r.string(A.ANNOTATION_AGENT_COPY_VOLUME_MOUNTS, ''),
    jsonPatch: readJsonPatch(r, A.ANNOTATION_AGENT_JSON_PATCH),
    initJsonPatch: readJsonPatch(r, A.ANNOTATION_AGENT_INIT_JSON_PATCH),
    env: {
      goMaxProcs: r.string(A.ANNOTATION_GO_MAX_PROCS, ''),
      clientTimeout: r.string(A.ANNOTATION_CLIENT_TIMEOUT, ''),
      clientMaxRetries: r.string(A.ANNOTATION_CLIENT_MAX_RETRIES, ''),
      // The agent's log level is its own annotation, never the injector's log level: debugging
      // the webhook should not flood every pod's agent log.
      logLevel: r.string(A.ANNOTATION_LOG_LEVEL, 'info'),
      logFormat: r.string(A.ANNOTATION_LOG_FORMAT, 'standard'),
      proxyAddress: r.string(A.ANNOTATION_PROXY_ADDRESS, cfg.proxyAddress),
    },
  };
  return { part };
}

/** Env secrets, read before the layout: a pod with env secrets alone gets no file agents. */
function readEnv(input: ParseInput, flavour: Flavour): Reading<'envSecrets'> {
  const { r, pod, cfg, index } = input;
  const found = readEnvSecrets(
    { r, pod, cfg, index },
    {
      flavour,
      image: r.string(A.ANNOTATION_AGENT_IMAGE, cfg.vaultImage || flavour.names.defaultImage),
      configMap: r.string(A.ANNOTATION_AGENT_CONFIGMAP, ''),
    },
  );
  const { env } = found;
  return {
    part: { envSecrets: env },
    warnings: [
      ...found.warnings,
      ...(env === undefined ? [] : envWarnings(env, pod, flavour.envPrefixes)),
    ],
  };
}

/** `flavour` selects the injector's own names and the agent's product (Vault's by default). */
export function parseAgentSpec(
  pod: Pod,
  namespace: string,
  cfg: InjectorConfig,
  flavour: Flavour = VAULT_FLAVOUR,
): ParseResult {
  const { names } = flavour;
  const annotations = pod.metadata?.annotations ?? {};
  const r = new AnnotationReader(annotations);
  // One pass groups every family annotation (secrets, auth-config, telemetry) by prefix.
  const input: ParseInput = { r, pod, namespace, cfg, index: A.indexFamilies(annotations) };
  // Called in this order so problems are listed as the annotations are usually read.
  const secrets = readSecrets(input, names);
  const env = readEnv(input, flavour);
  const envOnly = env.part.envSecrets !== undefined && secrets.part.secrets.length === 0;
  const layout = readLayout(input, envOnly);
  const serviceAccount = readServiceAccount(r, pod, cfg, names);
  const telemetry = readTelemetry(input);
  const connection = readConnection(input);
  const auth = readAuth(input, serviceAccount);
  const spec: SpecWithoutToken = {
    names,
    ...secrets.part,
    ...layout.part,
    ...connection.part,
    ...auth.part,
    ...readContainer(input, names).part,
    ...readCache(input, layout.part.layout).part,
    ...readTemplateConfig(input).part,
    ...telemetry.part,
    ...env.part,
    ...readExtras(input).part,
    resources: readResources(r, cfg),
  };
  validateRequired(r, spec, auth.role);
  const warnings = [
    ...(telemetry.warnings ?? []),
    ...(env.warnings ?? []),
    ...specWarnings(spec, pod),
  ];
  if (r.problems.length > 0 || serviceAccount === undefined)
    return { ok: false, problems: r.problems, warnings };
  return { ok: true, spec: { ...spec, serviceAccount }, warnings };
}
