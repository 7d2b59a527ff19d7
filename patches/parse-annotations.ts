// Annotations + injector configuration → one typed AgentSpec, or every problem found (each naming
// the annotation, the bad value and what is accepted). Defaults come from the configuration and are
// never written into the pod (vault-k8s round-trips them through the annotation map).
import { ANNOTATIONS as T } from './annotation-table.js';
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

/**
 * What one part of the parse contributes: fields of the spec, typed as the spec types them (the
 * fields are not listed again; the spec assembled from the parts is checked whole).
 */
type Reading<P extends Partial<SpecWithoutToken>> = {
  readonly part: P;
  readonly warnings?: readonly Finding[];
};

const reading = <P extends Partial<SpecWithoutToken>>(
  part: P,
  warnings?: readonly Finding[],
): Reading<P> => (warnings === undefined ? { part } : { part, warnings });

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

function readSecrets(input: ParseInput, names: InjectorNames) {
  const { r, pod, cfg, index } = input;
  const templateKind = r.read(T.agentInjectDefaultTemplate, cfg.defaultTemplate);
  const secretVolumePath = r.read(T.secretVolumePath, names.paths.secrets);
  const annotations = pod.metadata?.annotations ?? {};
  const found = discoverSecrets(annotations, secretVolumePath, templateKind, index);
  r.problems.push(...found.problems);
  const custom = found.secrets.map((s) => s.mountPath).filter((p) => p !== secretVolumePath);
  return reading({
    secrets: found.secrets,
    secretVolumePath,
    customMountPaths: [...new Set(custom)],
  });
}

/** `envOnly`: the pod declares env secrets and no files, so no init or sidecar agent is needed. */
function readLayout({ r, cfg }: ParseInput, envOnly: boolean) {
  const prePopulate = r.read(T.agentPrePopulate, true);
  const prePopulateOnly = r.read(T.agentPrePopulateOnly, false);
  const nativeSidecar = r.read(T.agentNativeSidecar, cfg.nativeSidecar);
  const layout: AgentSpec['layout'] = envOnly
    ? { init: false, sidecar: 'none' }
    : agentLayout(prePopulate, prePopulateOnly, nativeSidecar);
  const initFirst = r.read(T.agentInitFirst, false);
  return reading({ initFirst, layout });
}

function readConnection({ r, cfg }: ParseInput) {
  const vault: AgentSpec['vault'] = {
    address: r.read(T.service, cfg.vaultAddress),
    caCert: r.read(T.caCert, ''),
    // ca-key names the CA directory, not a key: vault-k8s's naming, kept for drop-in use.
    caPath: r.read(T.caKey, ''),
    tlsSkipVerify: r.read(T.tlsSkipVerify, false),
    clientCert: r.read(T.clientCert, ''),
    clientKey: r.read(T.clientKey, ''),
    tlsServerName: r.read(T.tlsServerName, ''),
  };
  return reading({ vault, vaultNamespace: r.read(T.vaultNamespace, cfg.vaultNamespace) });
}

function readAuth(
  { r, pod, cfg, index }: ParseInput,
  token: AgentSpec['serviceAccount'] | undefined,
) {
  const role = r.read(T.role, '');
  const authType = r.read(T.authType, cfg.authType || 'kubernetes');
  const authConfig = readAuthConfig(index, token, role);
  const part = {
    authType,
    authPath: r.read(T.authPath, cfg.authPath),
    authConfig,
    authMinBackoff: r.read(T.authMinBackoff, cfg.authMinBackoff),
    authMaxBackoff: r.read(T.authMaxBackoff, cfg.authMaxBackoff),
    autoAuthExitOnErr: r.read(T.agentAutoAuthExitOnErr, false),
    aws: readAws(pod, authType, authConfig),
  };
  return { ...reading(part), role };
}

function readCache({ r }: ParseInput, layout: AgentSpec['layout']) {
  const cacheEnable = r.read(T.agentCacheEnable, false);
  const part = {
    cacheEnable,
    // The persistent cache hands the init container's token to the sidecar: only with both.
    cachePersist: cacheEnable && layout.init && layout.sidecar !== 'none',
    cacheListenerPort: r.read(T.agentCacheListenerPort, '8200'),
    cacheUseAutoAuthToken: r.read(T.agentCacheUseAutoAuthToken, 'true'),
    cacheExitOnErr: r.read(T.agentCacheExitOnErr, false),
    enableQuit: r.read(T.agentEnableQuit, false),
    injectToken: r.read(T.agentInjectToken, false),
  };
  return reading(part);
}

function readTemplateConfig({ r, cfg }: ParseInput) {
  const templateConfig = {
    exitOnRetryFailure: r.read(
      T.templateConfigExitOnRetryFailure,
      cfg.templateConfigExitOnRetryFailure,
    ),
    staticSecretRenderInterval: r.read(
      T.templateStaticSecretRenderInterval,
      cfg.templateStaticSecretRenderInterval,
    ),
    maxConnectionsPerHost: r.read(
      T.templateMaxConnectionsPerHost,
      cfg.templateMaxConnectionsPerHost,
    ),
    leaseRenewalThreshold: r.read(
      T.templateLeaseRenewalThreshold,
      cfg.templateLeaseRenewalThreshold,
    ),
  };
  return reading({ templateConfig });
}

function readTelemetry({ index }: ParseInput) {
  const entries = [...(index.get(A.PREFIX_AGENT_TELEMETRY) ?? [])];
  const telemetry = buildTelemetry(entries);
  const warnings = telemetry.dropped.map((d) => {
    // Name the annotation exactly as written, so the user finds the one key that was dropped.
    const suffix = entries.find(([s]) => s.replace(/-/g, '_') === d.key)?.[0] ?? d.key;
    return warning(`${A.PREFIX_AGENT_TELEMETRY}${suffix}`, `ignored (${d.reason})`);
  });
  return reading({ telemetry: telemetry.telemetry }, warnings);
}

function readContainer({ r, pod, namespace, cfg }: ParseInput, names: InjectorNames) {
  const share = T.agentShareProcessNamespace;
  const part = {
    namespace: r.read(T.agentRequestNamespace, namespace),
    image: r.read(T.agentImage, cfg.vaultImage || names.defaultImage),
    injectContainers: r.has(A.ANNOTATION_AGENT_INJECT_CONTAINERS)
      ? r.list(A.ANNOTATION_AGENT_INJECT_CONTAINERS, '')
      : (pod.spec?.containers ?? []).map((c) => c.name),
    revokeOnShutdown: r.read(T.agentRevokeOnShutdown, cfg.revokeOnShutdown),
    revokeGrace: r.read(T.agentRevokeGrace, 5),
    ...readSecurity(r, pod, cfg),
    shareProcessNamespace: r.has(share.key) ? r.read(share, false) : undefined,
    vaultCACertBytes: cfg.vaultCACertBytes,
  };
  return reading(part);
}

function readExtras({ r, cfg }: ParseInput) {
  const part = {
    disableIdleConnections: r.list(
      A.ANNOTATION_AGENT_DISABLE_IDLE_CONNECTIONS,
      cfg.disableIdleConnections,
    ),
    disableKeepAlives: r.list(A.ANNOTATION_AGENT_DISABLE_KEEP_ALIVES, cfg.disableKeepAlives),
    configMap: r.read(T.agentConfigmap, ''),
    extraSecret: r.read(T.agentExtraSecret, ''),
    tlsSecret: r.read(T.tlsSecret, ''),
    copyVolumeMounts: r.read(T.agentCopyVolumeMounts, ''),
    jsonPatch: readJsonPatch(r, A.ANNOTATION_AGENT_JSON_PATCH),
    initJsonPatch: readJsonPatch(r, A.ANNOTATION_AGENT_INIT_JSON_PATCH),
    env: {
      goMaxProcs: r.read(T.goMaxProcs, ''),
      clientTimeout: r.read(T.clientTimeout, ''),
      clientMaxRetries: r.read(T.clientMaxRetries, ''),
      // The agent's log level is its own annotation, never the injector's log level: debugging
      // the webhook should not flood every pod's agent log.
      logLevel: r.read(T.logLevel, 'info'),
      logFormat: r.read(T.logFormat, 'standard'),
      proxyAddress: r.read(T.proxyAddress, cfg.proxyAddress),
    },
  };
  return reading(part);
}

/** Env secrets, read before the layout: a pod with env secrets alone gets no file agents. */
function readEnv(input: ParseInput, flavour: Flavour) {
  const { r, pod, cfg, index } = input;
  const found = readEnvSecrets(
    { r, pod, cfg, index },
    {
      flavour,
      image: r.read(T.agentImage, cfg.vaultImage || flavour.names.defaultImage),
      configMap: r.read(T.agentConfigmap, ''),
    },
  );
  const { env } = found;
  const warnings = [
    ...found.warnings,
    ...(env === undefined ? [] : envWarnings(env, pod, flavour.envPrefixes)),
  ];
  return reading({ envSecrets: env }, warnings);
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
