// Annotations + injector configuration → one typed AgentSpec, or every problem found (each naming
// the annotation, the bad value and what is accepted). Defaults come from the configuration and are
// never written into the pod (vault-k8s round-trips them through the annotation map).
import { posix } from 'node:path';
import * as A from './annotations.js';
import { AnnotationReader } from './annotation-reader.js';
import type { AgentSpec, ServiceAccountToken } from './agent-spec.js';
import { parseGoInt } from './go-values.js';
import { DEFAULT_VAULT_IMAGE, type InjectorConfig } from './injector-config.js';
import { parseJsonPatchAnnotation } from './json-patch-annotation.js';
import type { EnvVar, Pod, VolumeMount } from './k8s-types.js';
import type { Problem } from './outcome.js';
import { discoverSecrets } from './secrets.js';
import { specWarnings } from './spec-warnings.js';
import { findServiceAccountToken, projectedAgentToken } from './service-account.js';
import { quantityValue } from './quantity.js';
import { buildTelemetry } from './telemetry.js';

export type ParseResult =
  | { ok: true; spec: AgentSpec; warnings: string[] }
  | { ok: false; problems: Problem[]; warnings: string[] };

const AWS_ENV = ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_DEFAULT_REGION', 'AWS_REGION'];
const MIN_TOKEN_EXPIRATION = 600;
/** The API server rejects a projected token expiration above 2^32 seconds. */
const MAX_TOKEN_EXPIRATION = 2 ** 32;

function readUserId(r: AnnotationReader, key: string, configValue: string, flag: string): number {
  if (r.has(key)) return r.int(key, 0);
  const parsed = parseGoInt(configValue);
  if (parsed.ok) return parsed.value;
  r.problem(flag, configValue, `expected ${parsed.accepted}`);
  return 0;
}

/** -run-as-same-user: the agent takes the uid of the first app container (reference §1.2 #36). */
function sameUserId(r: AnnotationReader, pod: Pod): number | undefined {
  // Name the flag when the setting came from the injector, not from the pod.
  const key = r.has(A.ANNOTATION_AGENT_RUN_AS_SAME_USER)
    ? A.ANNOTATION_AGENT_RUN_AS_SAME_USER
    : '--run-as-same-user';
  const first = pod.spec?.containers[0];
  const uid = first?.securityContext?.runAsUser;
  if (first === undefined)
    r.problem(key, 'true', 'the pod has no containers to take the user from');
  else if (typeof uid !== 'number')
    r.problem(
      key,
      'true',
      `container "${first.name}" has no securityContext.runAsUser to run the agent as`,
    );
  else if (uid === 0)
    r.problem(
      key,
      'true',
      `container "${first.name}" runs as root (uid 0); the agent is not allowed to run as root`,
    );
  else return uid;
  return undefined;
}

function readSecurity(
  r: AnnotationReader,
  pod: Pod,
  cfg: InjectorConfig,
): Pick<AgentSpec, 'setSecurityContext' | 'runAsUser' | 'runAsGroup'> {
  // vault-k8s's auto-flip: asking for a user or group turns the security context on.
  const flip =
    !cfg.setSecurityContext &&
    !r.has(A.ANNOTATION_AGENT_SET_SECURITY_CONTEXT) &&
    [
      A.ANNOTATION_AGENT_RUN_AS_USER,
      A.ANNOTATION_AGENT_RUN_AS_SAME_USER,
      A.ANNOTATION_AGENT_RUN_AS_GROUP,
    ].some((k) => r.has(k));
  const setSecurityContext = r.bool(
    A.ANNOTATION_AGENT_SET_SECURITY_CONTEXT,
    cfg.setSecurityContext || flip,
  );
  let runAsUser = readUserId(
    r,
    A.ANNOTATION_AGENT_RUN_AS_USER,
    cfg.runAsUser || '100',
    '--run-as-user',
  );
  const runAsGroup = readUserId(
    r,
    A.ANNOTATION_AGENT_RUN_AS_GROUP,
    cfg.runAsGroup || '1000',
    '--run-as-group',
  );
  if (r.bool(A.ANNOTATION_AGENT_RUN_AS_SAME_USER, cfg.runAsSameUser)) {
    runAsUser = sameUserId(r, pod) ?? runAsUser;
  }
  return { setSecurityContext, runAsUser, runAsGroup };
}

function readAuthConfig(
  index: A.FamilyIndex,
  token: ServiceAccountToken | undefined,
  role: string,
): Record<string, string> {
  const config: Record<string, string> = {};
  // token_path is set for every auth method, as vault-k8s does (quirk 8 kept).
  if (token && token.mountPath !== '' && token.tokenPath !== '') {
    config.token_path = posix.join(token.mountPath, token.tokenPath);
  }
  for (const [suffix, value] of index.get(A.PREFIX_AUTH_CONFIG) ?? []) {
    config[suffix.replace(/-/g, '_')] = value;
  }
  if (role !== '') config.role = role;
  return config;
}

function readServiceAccount(
  r: AnnotationReader,
  pod: Pod,
  cfg: InjectorConfig,
): ServiceAccountToken | undefined {
  const volumeName = r.string(A.ANNOTATION_AGENT_SERVICE_ACCOUNT_TOKEN_VOLUME_NAME, '');
  // A ConfigMap's own agent config may hard-code the app's token path: keep vault-k8s's discovery
  // there whenever the app has a token mount, and project a token only when it has none.
  const configMapReuse =
    r.string(A.ANNOTATION_AGENT_CONFIGMAP, '') !== '' && findServiceAccountToken(pod, '').ok;
  if (cfg.saTokenProjection && volumeName === '' && !configMapReuse) {
    const audience = r.string(A.ANNOTATION_AGENT_SA_TOKEN_AUDIENCE, cfg.saTokenAudience);
    const expiration = r.int(
      A.ANNOTATION_AGENT_SA_TOKEN_EXPIRATION_SECONDS,
      cfg.saTokenExpirationSeconds,
    );
    if (expiration < MIN_TOKEN_EXPIRATION || expiration > MAX_TOKEN_EXPIRATION) {
      r.problem(
        r.has(A.ANNOTATION_AGENT_SA_TOKEN_EXPIRATION_SECONDS)
          ? A.ANNOTATION_AGENT_SA_TOKEN_EXPIRATION_SECONDS
          : '--sa-token-expiration-seconds',
        String(expiration),
        `expected between ${MIN_TOKEN_EXPIRATION} and ${MAX_TOKEN_EXPIRATION} seconds (the limits Kubernetes accepts)`,
      );
    }
    return projectedAgentToken(audience, expiration);
  }
  const found = findServiceAccountToken(pod, volumeName);
  if (found.ok) return found.token;
  // Without the annotation, the pod itself lacks a token mount: name the field, not an absent annotation.
  if (volumeName === '') r.problem('spec.containers[].volumeMounts', undefined, found.message);
  else r.problem(A.ANNOTATION_AGENT_SERVICE_ACCOUNT_TOKEN_VOLUME_NAME, volumeName, found.message);
  return undefined;
}

function readAws(pod: Pod, authType: string, authConfig: Record<string, string>): AgentSpec['aws'] {
  if (authType !== 'aws') return { mount: undefined, env: [] };
  const containers = pod.spec?.containers ?? [];
  const mount: VolumeMount | undefined = containers
    .flatMap((c) => c.volumeMounts ?? [])
    .find((m) => m.mountPath.includes('eks.amazonaws.com'));
  const env: EnvVar[] = [];
  for (const name of AWS_ENV) {
    const found = containers
      .flatMap((c) => c.env ?? [])
      .find((e) => e.name === name && e.value !== undefined);
    // auth-config-region wins over an AWS_REGION copied from the app, instead of a duplicate entry.
    if (name === 'AWS_REGION' && authConfig.region !== undefined) continue;
    if (found?.value !== undefined) env.push({ name, value: found.value });
  }
  if (authConfig.region !== undefined) env.push({ name: 'AWS_REGION', value: authConfig.region });
  return { mount: mount && { name: mount.name, readOnly: true, mountPath: mount.mountPath }, env };
}

function readJsonPatch(r: AnnotationReader, key: string): AgentSpec['jsonPatch'] {
  const parsed = parseJsonPatchAnnotation(r.string(key, ''));
  if (parsed.ok) return parsed.ops;
  r.problem(key, undefined, parsed.message);
  return [];
}

function validateRequired(
  r: AnnotationReader,
  spec: Omit<AgentSpec, 'serviceAccount'>,
  role: string,
  authConfig: Record<string, string>,
): void {
  if (spec.namespace === '')
    r.problem(A.ANNOTATION_AGENT_REQUEST_NAMESPACE, '', 'namespace missing from request');
  if (spec.image === '')
    r.problem(
      A.ANNOTATION_AGENT_IMAGE,
      '',
      'no Vault Agent image: expected an image reference such as hashicorp/vault:2.0.4',
    );
  if (!spec.secretVolumePath.startsWith('/')) {
    r.problem(
      A.ANNOTATION_SECRET_VOLUME_PATH,
      spec.secretVolumePath,
      'expected an absolute path such as /vault/secrets',
    );
  }
  if (spec.configMap !== '') return; // the ConfigMap carries auth and address itself
  if (spec.authType === '')
    r.problem(A.ANNOTATION_AUTH_TYPE, '', 'no Vault auth type: expected e.g. kubernetes, jwt, aws');
  if (spec.authType === 'kubernetes' && role === '' && (authConfig.role ?? '') === '') {
    r.problem(
      A.ANNOTATION_ROLE,
      undefined,
      'no Vault role: set vault.hashicorp.com/role to the Vault Kubernetes auth role for this service account',
    );
  }
  if (spec.authPath === '')
    r.problem(
      A.ANNOTATION_AUTH_PATH,
      '',
      'no Vault auth path: expected a mount path such as auth/kubernetes',
    );
  if (spec.vault.address === '')
    r.problem(
      A.ANNOTATION_SERVICE,
      '',
      'no Vault address: set vault.hashicorp.com/service or --vault-address',
    );
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

export function parseAgentSpec(pod: Pod, namespace: string, cfg: InjectorConfig): ParseResult {
  const annotations = pod.metadata?.annotations ?? {};
  const r = new AnnotationReader(annotations);
  const warnings: string[] = [];
  const appContainers = (pod.spec?.containers ?? []).map((c) => c.name);
  const templateRaw = r
    .string(A.ANNOTATION_AGENT_INJECT_DEFAULT_TEMPLATE, cfg.defaultTemplate)
    .toLowerCase();
  if (templateRaw !== 'map' && templateRaw !== 'json') {
    r.problem(A.ANNOTATION_AGENT_INJECT_DEFAULT_TEMPLATE, templateRaw, 'expected map or json');
  }
  const templateKind = templateRaw === 'json' ? 'json' : 'map';
  const secretVolumePath = r.string(A.ANNOTATION_SECRET_VOLUME_PATH, '/vault/secrets');
  // One pass groups every family annotation (secrets, auth-config, telemetry) by prefix.
  const index = A.indexFamilies(annotations);
  const found = discoverSecrets(annotations, secretVolumePath, templateKind, index);
  r.problems.push(...found.problems);
  const prePopulate = r.bool(A.ANNOTATION_AGENT_PRE_POPULATE, true);
  const prePopulateOnly = r.bool(A.ANNOTATION_AGENT_PRE_POPULATE_ONLY, false);
  const cacheEnable = r.bool(A.ANNOTATION_AGENT_CACHE_ENABLE, false);
  const nativeSidecar = r.bool(A.ANNOTATION_AGENT_NATIVE_SIDECAR, cfg.nativeSidecar);
  const layout = agentLayout(prePopulate, prePopulateOnly, nativeSidecar);
  const role = r.string(A.ANNOTATION_ROLE, '');
  const authType = r.string(A.ANNOTATION_AUTH_TYPE, cfg.authType || 'kubernetes');
  const serviceAccount = readServiceAccount(r, pod, cfg);
  const authConfig = readAuthConfig(index, serviceAccount, role);
  const telemetryEntries = [...(index.get(A.PREFIX_AGENT_TELEMETRY) ?? [])];
  const telemetry = buildTelemetry(telemetryEntries);
  for (const d of telemetry.dropped) {
    // Name the annotation exactly as written (quirk 9 fixed: only this key is dropped).
    const suffix = telemetryEntries.find(([s]) => s.replace(/-/g, '_') === d.key)?.[0] ?? d.key;
    warnings.push(`${A.PREFIX_AGENT_TELEMETRY}${suffix}: ignored (${d.reason})`);
  }
  const spec: Omit<AgentSpec, 'serviceAccount'> = {
    namespace: r.string(A.ANNOTATION_AGENT_REQUEST_NAMESPACE, namespace),
    image: r.string(A.ANNOTATION_AGENT_IMAGE, cfg.vaultImage || DEFAULT_VAULT_IMAGE),
    prePopulate,
    prePopulateOnly,
    initFirst: r.bool(A.ANNOTATION_AGENT_INIT_FIRST, false),
    nativeSidecar,
    layout,
    injectContainers: r.has(A.ANNOTATION_AGENT_INJECT_CONTAINERS)
      ? r.list(A.ANNOTATION_AGENT_INJECT_CONTAINERS, '')
      : appContainers,
    secrets: found.secrets,
    secretVolumePath,
    customMountPaths: [
      ...new Set(found.secrets.map((s) => s.mountPath).filter((p) => p !== secretVolumePath)),
    ],
    vault: {
      address: r.string(A.ANNOTATION_SERVICE, cfg.vaultAddress),
      caCert: r.string(A.ANNOTATION_CA_CERT, ''),
      caPath: r.string(A.ANNOTATION_CA_KEY, ''), // quirk 3 kept: ca-key is the CA directory
      tlsSkipVerify: r.bool(A.ANNOTATION_TLS_SKIP_VERIFY, false),
      clientCert: r.string(A.ANNOTATION_CLIENT_CERT, ''),
      clientKey: r.string(A.ANNOTATION_CLIENT_KEY, ''),
      tlsServerName: r.string(A.ANNOTATION_TLS_SERVER_NAME, ''),
    },
    vaultNamespace: r.string(A.ANNOTATION_VAULT_NAMESPACE, cfg.vaultNamespace),
    authType,
    authPath: r.string(A.ANNOTATION_AUTH_PATH, cfg.authPath),
    authConfig,
    authMinBackoff: r.duration(A.ANNOTATION_AUTH_MIN_BACKOFF, cfg.authMinBackoff),
    authMaxBackoff: r.duration(A.ANNOTATION_AUTH_MAX_BACKOFF, cfg.authMaxBackoff),
    autoAuthExitOnErr: r.bool(A.ANNOTATION_AGENT_AUTO_AUTH_EXIT_ON_ERR, false),
    revokeOnShutdown: r.bool(A.ANNOTATION_AGENT_REVOKE_ON_SHUTDOWN, cfg.revokeOnShutdown),
    revokeGrace: r.uint(A.ANNOTATION_AGENT_REVOKE_GRACE, 5),
    ...readSecurity(r, pod, cfg),
    shareProcessNamespace: r.has(A.ANNOTATION_AGENT_SHARE_PROCESS_NAMESPACE)
      ? r.bool(A.ANNOTATION_AGENT_SHARE_PROCESS_NAMESPACE, false)
      : undefined,
    cacheEnable,
    // The persistent cache hands the init container's token to the sidecar: only with both.
    cachePersist: cacheEnable && layout.init && layout.sidecar !== 'none',
    cacheListenerPort: r.string(A.ANNOTATION_AGENT_CACHE_LISTENER_PORT, '8200'),
    cacheUseAutoAuthToken: r.string(A.ANNOTATION_AGENT_CACHE_USE_AUTO_AUTH_TOKEN, 'true'),
    cacheExitOnErr: r.bool(A.ANNOTATION_AGENT_CACHE_EXIT_ON_ERR, false),
    enableQuit: r.bool(A.ANNOTATION_AGENT_ENABLE_QUIT, false),
    injectToken: r.bool(A.ANNOTATION_AGENT_INJECT_TOKEN, false),
    templateConfig: {
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
    },
    disableIdleConnections: r.list(
      A.ANNOTATION_AGENT_DISABLE_IDLE_CONNECTIONS,
      cfg.disableIdleConnections,
    ),
    disableKeepAlives: r.list(A.ANNOTATION_AGENT_DISABLE_KEEP_ALIVES, cfg.disableKeepAlives),
    telemetry: telemetry.telemetry,
    configMap: r.string(A.ANNOTATION_AGENT_CONFIGMAP, ''),
    extraSecret: r.string(A.ANNOTATION_AGENT_EXTRA_SECRET, ''),
    tlsSecret: r.string(A.ANNOTATION_TLS_SECRET, ''),
    copyVolumeMounts: r.string(A.ANNOTATION_AGENT_COPY_VOLUME_MOUNTS, ''),
    jsonPatch: readJsonPatch(r, A.ANNOTATION_AGENT_JSON_PATCH),
    initJsonPatch: readJsonPatch(r, A.ANNOTATION_AGENT_INIT_JSON_PATCH),
    resources: readResources(r, cfg),
    env: {
      goMaxProcs: r.string(A.ANNOTATION_GO_MAX_PROCS, ''),
      clientTimeout: r.string(A.ANNOTATION_CLIENT_TIMEOUT, ''),
      clientMaxRetries: r.string(A.ANNOTATION_CLIENT_MAX_RETRIES, ''),
      // The agent's log level is its own annotation, never the injector's -log-level (quirk 13 kept).
      logLevel: r.string(A.ANNOTATION_LOG_LEVEL, 'info'),
      logFormat: r.string(A.ANNOTATION_LOG_FORMAT, 'standard'),
      proxyAddress: r.string(A.ANNOTATION_PROXY_ADDRESS, cfg.proxyAddress),
    },
    vaultCACertBytes: cfg.vaultCACertBytes,
    aws: readAws(pod, authType, authConfig),
  };
  validateRequired(r, spec, role, authConfig);
  warnings.push(...specWarnings(spec, pod));
  if (r.problems.length > 0 || serviceAccount === undefined)
    return { ok: false, problems: r.problems, warnings };
  return { ok: true, spec: { ...spec, serviceAccount }, warnings };
}

const RESOURCE_SETTINGS = [
  [
    'cpu',
    A.ANNOTATION_AGENT_LIMITS_CPU,
    'cpuLimit',
    '--cpu-limit',
    A.ANNOTATION_AGENT_REQUESTS_CPU,
    'cpuRequest',
    '--cpu-request',
  ],
  [
    'memory',
    A.ANNOTATION_AGENT_LIMITS_MEM,
    'memoryLimit',
    '--memory-limit',
    A.ANNOTATION_AGENT_REQUESTS_MEM,
    'memoryRequest',
    '--memory-request',
  ],
  [
    'ephemeral-storage',
    A.ANNOTATION_AGENT_LIMITS_EPHEMERAL,
    'ephemeralLimit',
    '--ephemeral-storage-limit',
    A.ANNOTATION_AGENT_REQUESTS_EPHEMERAL,
    'ephemeralRequest',
    '--ephemeral-storage-request',
  ],
] as const;

/**
 * Agent requests and limits. What the API server would refuse after injection (a negative amount,
 * a request above its limit) is a problem here, naming the annotation or flag that set it.
 */
function readResources(r: AnnotationReader, cfg: InjectorConfig): AgentSpec['resources'] {
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  for (const [
    name,
    limitKey,
    limitCfg,
    limitFlag,
    requestKey,
    requestCfg,
    requestFlag,
  ] of RESOURCE_SETTINGS) {
    const limit = r.quantity(limitKey, cfg[limitCfg], limitFlag);
    const request = r.quantity(requestKey, cfg[requestCfg], requestFlag);
    const blame = (key: string, flag: string): string => (r.has(key) ? key : flag);
    for (const [value, key, flag] of [
      [limit, limitKey, limitFlag],
      [request, requestKey, requestFlag],
    ] as const) {
      if (value.startsWith('-'))
        r.problem(blame(key, flag), value, 'expected a quantity that is not negative');
    }
    if (
      limit !== '' &&
      request !== '' &&
      !limit.startsWith('-') &&
      quantityValue(request) > quantityValue(limit)
    ) {
      // Blame the pod's own annotation when one side came from the injector's defaults.
      if (r.has(requestKey) || !r.has(limitKey)) {
        r.problem(
          blame(requestKey, requestFlag),
          request,
          `the ${name} request must not exceed its limit (${limit})`,
        );
      } else {
        r.problem(
          limitKey,
          limit,
          `the ${name} limit must not be below the request (${request} from ${requestFlag})`,
        );
      }
    }
    if (limit !== '') limits[name] = limit;
    if (request !== '') requests[name] = request;
  }
  // Keys in Kubernetes' order (cpu, ephemeral-storage, memory), as vault-k8s emits them.
  const sorted = (o: Record<string, string>): Record<string, string> =>
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k] as string]),
    );
  return { limits: sorted(limits), requests: sorted(requests) };
}
