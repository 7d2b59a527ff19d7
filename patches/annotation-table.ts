// Every annotation the injector understands with a fixed key, as data: named as vault-k8s names
// them so existing manifests work unchanged. Readers, lint, redaction and the README table derive
// from these rows; a new annotation is one row here and the builder line that reads it.
import { G, intRange, oneOf } from './annotation-grammar.js';
import { exact } from './annotation-row.js';

const VAULT_ONLY = ['vault'] as const;

/** The projected token's lifetime: the API server refuses below 600 s and above 2^32 s. */
export const TOKEN_EXPIRATION = intRange(
  600,
  2 ** 32,
  `a whole number of seconds from 600 to ${2 ** 32}`,
);

export const ANNOTATIONS = {
  agentInject: exact('agent-inject', G.bool, 'must be true for the pod to be injected at all'),
  agentInjectStatus: exact(
    'agent-inject-status',
    G.string,
    '"injected" once the injector has injected the pod; such a pod is not injected again',
    { written: true },
  ),
  agentInjectContainers: exact(
    'agent-inject-containers',
    G.list,
    'app containers that get the secrets volume (default all)',
  ),
  agentInjectDefaultTemplate: exact(
    'agent-inject-default-template',
    oneOf(['map', 'json'], true),
    'template for secrets without their own',
    { setting: 'defaultTemplate' },
  ),
  agentInjectToken: exact(
    'agent-inject-token',
    G.bool,
    'also write the Vault token to the file token in the secrets volume, where the app can read it',
  ),
  agentImage: exact('agent-image', G.image, 'image of the injected agent', {
    setting: 'vaultImage',
  }),
  agentRequestNamespace: exact(
    'agent-request-namespace',
    G.string,
    "namespace the agent's requests are made for (default the pod's)",
  ),
  agentInitFirst: exact(
    'agent-init-first',
    G.bool,
    "put the agent's init container before the pod's own init containers",
  ),
  agentPrePopulate: exact(
    'agent-pre-populate',
    G.bool,
    'inject the init container that renders the secrets before the app starts (default true)',
  ),
  agentPrePopulateOnly: exact(
    'agent-pre-populate-only',
    G.bool,
    'inject only the init container, no long-running agent',
  ),
  agentConfigmap: exact(
    'agent-configmap',
    G.string,
    'ConfigMap holding the agent config (config.hcl, config-init.hcl) used instead of a generated one',
  ),
  agentExtraSecret: exact(
    'agent-extra-secret',
    G.string,
    'Secret mounted at /vault/custom in the agent containers',
  ),
  agentLimitsCpu: exact('agent-limits-cpu', G.quantity, 'CPU limit of the agent containers', {
    setting: 'cpuLimit',
  }),
  agentLimitsMem: exact('agent-limits-mem', G.quantity, 'memory limit of the agent containers', {
    setting: 'memoryLimit',
  }),
  agentLimitsEphemeral: exact(
    'agent-limits-ephemeral',
    G.quantity,
    'ephemeral-storage limit of the agent containers',
    { setting: 'ephemeralLimit' },
  ),
  agentRequestsCpu: exact('agent-requests-cpu', G.quantity, 'CPU request of the agent containers', {
    setting: 'cpuRequest',
  }),
  agentRequestsMem: exact(
    'agent-requests-mem',
    G.quantity,
    'memory request of the agent containers',
    { setting: 'memoryRequest' },
  ),
  agentRequestsEphemeral: exact(
    'agent-requests-ephemeral',
    G.quantity,
    'ephemeral-storage request of the agent containers',
    { setting: 'ephemeralRequest' },
  ),
  agentRevokeOnShutdown: exact(
    'agent-revoke-on-shutdown',
    G.bool,
    'revoke the Vault token in a preStop hook of the sidecar',
    { setting: 'revokeOnShutdown' },
  ),
  agentRevokeGrace: exact(
    'agent-revoke-grace',
    G.uint,
    'seconds the preStop hook waits before revoking (default 5)',
  ),
  vaultNamespace: exact('namespace', G.string, 'Vault Enterprise namespace for auto-auth', {
    setting: 'vaultNamespace',
  }),
  agentRunAsUser: exact('agent-run-as-user', G.posixId, 'user ID the agent containers run as', {
    setting: 'runAsUser',
  }),
  agentRunAsGroup: exact('agent-run-as-group', G.posixId, 'group ID the agent containers run as', {
    setting: 'runAsGroup',
  }),
  agentRunAsSameUser: exact(
    'agent-run-as-same-user',
    G.bool,
    'run the agent as the user of the first app container',
    { setting: 'runAsSameUser' },
  ),
  agentShareProcessNamespace: exact(
    'agent-share-process-namespace',
    G.bool,
    "set the pod's shareProcessNamespace",
  ),
  agentSetSecurityContext: exact(
    'agent-set-security-context',
    G.bool,
    'give the agent containers a restrictive securityContext',
    { setting: 'setSecurityContext' },
  ),
  agentServiceAccountTokenVolumeName: exact(
    'agent-service-account-token-volume-name',
    G.string,
    'volume holding the service-account token the agent logs in with',
  ),
  service: exact('service', G.string, 'Vault address', { setting: 'vaultAddress' }),
  proxyAddress: exact('proxy-address', G.string, 'HTTPS_PROXY of the agent', {
    setting: 'proxyAddress',
  }),
  tlsSkipVerify: exact('tls-skip-verify', G.bool, "do not verify Vault's TLS certificate"),
  tlsSecret: exact(
    'tls-secret',
    G.string,
    'Secret mounted at /vault/tls holding CA and client certificates',
  ),
  tlsServerName: exact('tls-server-name', G.string, 'server name checked in the TLS handshake'),
  caCert: exact('ca-cert', G.path, 'path of the CA certificate the agent trusts'),
  caKey: exact('ca-key', G.path, 'despite its name, the CA directory (ca_path), as in vault-k8s'),
  clientCert: exact('client-cert', G.path, 'path of the client certificate'),
  clientKey: exact('client-key', G.path, 'path of the client key'),
  clientMaxRetries: exact(
    'client-max-retries',
    G.string,
    "VAULT_MAX_RETRIES of the agent's client",
  ),
  clientTimeout: exact('client-timeout', G.string, "VAULT_CLIENT_TIMEOUT of the agent's client"),
  goMaxProcs: exact('go-max-procs', G.string, 'GOMAXPROCS of the agent'),
  logLevel: exact('log-level', G.string, "the agent's log level (default info)"),
  logFormat: exact('log-format', G.string, "the agent's log format (default standard)"),
  role: exact('role', G.string, 'Vault role for auto-auth (overrides auth-config-role)'),
  authType: exact('auth-type', G.string, 'Vault auth method type', { setting: 'authType' }),
  authPath: exact('auth-path', G.path, 'mount path of the Vault auth method', {
    setting: 'authPath',
  }),
  secretVolumePath: exact(
    'secret-volume-path',
    G.path,
    'mount path of the shared secrets volume (default /vault/secrets)',
  ),
  preserveSecretCase: exact(
    'preserve-secret-case',
    G.bool,
    'keep the case of every secret name in its file name',
  ),
  agentCacheEnable: exact('agent-cache-enable', G.bool, "turn on the agent's cache"),
  agentCacheUseAutoAuthToken: exact(
    'agent-cache-use-auto-auth-token',
    G.string,
    "the cache's use_auto_auth_token (default true)",
  ),
  agentCacheListenerPort: exact(
    'agent-cache-listener-port',
    G.string,
    "port of the cache's listener (default 8200)",
  ),
  agentCacheExitOnErr: exact(
    'agent-cache-exit-on-err',
    G.bool,
    'stop the agent when the cache cannot start',
  ),
  agentCopyVolumeMounts: exact(
    'agent-copy-volume-mounts',
    G.string,
    "copy this container's volume mounts into the agent containers",
  ),
  templateConfigExitOnRetryFailure: exact(
    'template-config-exit-on-retry-failure',
    G.bool,
    'template_config.exit_on_retry_failure',
    { setting: 'templateConfigExitOnRetryFailure' },
  ),
  templateStaticSecretRenderInterval: exact(
    'template-static-secret-render-interval',
    G.durationOrSeconds,
    'template_config.static_secret_render_interval',
    { setting: 'templateStaticSecretRenderInterval' },
  ),
  templateMaxConnectionsPerHost: exact(
    'template-max-connections-per-host',
    G.int,
    'template_config.max_connections_per_host (OpenBao pods: left out, with a warning)',
    { setting: 'templateMaxConnectionsPerHost', flavours: VAULT_ONLY },
  ),
  templateLeaseRenewalThreshold: exact(
    'template-lease-renewal-threshold',
    G.float,
    'template_config.lease_renewal_threshold (OpenBao pods: left out, with a warning)',
    { setting: 'templateLeaseRenewalThreshold', flavours: VAULT_ONLY },
  ),
  agentEnableQuit: exact(
    'agent-enable-quit',
    G.bool,
    "turn on the agent's /agent/v1/quit endpoint",
  ),
  authMinBackoff: exact('auth-min-backoff', G.duration, 'minimum auto-auth retry backoff', {
    setting: 'authMinBackoff',
  }),
  authMaxBackoff: exact('auth-max-backoff', G.duration, 'maximum auto-auth retry backoff', {
    setting: 'authMaxBackoff',
  }),
  agentDisableIdleConnections: exact(
    'agent-disable-idle-connections',
    G.list,
    'agent features with idle connections disabled',
    { setting: 'disableIdleConnections' },
  ),
  agentDisableKeepAlives: exact(
    'agent-disable-keep-alives',
    G.list,
    'agent features with keep-alives disabled',
    { setting: 'disableKeepAlives' },
  ),
  agentJsonPatch: exact(
    'agent-json-patch',
    G.json,
    'RFC 6902 patch applied to the generated sidecar container',
    { secret: true },
  ),
  agentInitJsonPatch: exact(
    'agent-init-json-patch',
    G.json,
    'RFC 6902 patch applied to the generated init container',
    { secret: true },
  ),
  agentAutoAuthExitOnErr: exact(
    'agent-auto-auth-exit-on-err',
    G.bool,
    'stop the agent when auto-auth fails',
  ),
  agentServiceAccountTokenAudience: exact(
    'agent-service-account-token-audience',
    G.string,
    "audience of the agent's own projected token",
    { setting: 'saTokenAudience', beyondVaultK8s: true },
  ),
  agentServiceAccountTokenExpirationSeconds: exact(
    'agent-service-account-token-expiration-seconds',
    TOKEN_EXPIRATION,
    "lifetime of the agent's own projected token, in seconds",
    { setting: 'saTokenExpirationSeconds', beyondVaultK8s: true },
  ),
  agentNativeSidecar: exact(
    'agent-native-sidecar',
    G.bool,
    'run the agent as a native sidecar (an init container with restartPolicy Always)',
    { setting: 'nativeSidecar', beyondVaultK8s: true },
  ),
  agentEnvContainers: exact(
    'agent-env-containers',
    G.list,
    'env secrets: containers whose entrypoint the agent wraps (default the first)',
    { beyondVaultK8s: true },
  ),
  agentEnvCommand: exact(
    'agent-env-command',
    G.json,
    'env secrets: JSON string array, the argv of a wrapped container that has no command',
    { beyondVaultK8s: true },
  ),
  agentEnvRestart: exact(
    'agent-env-restart',
    oneOf(['always', 'never']),
    'env secrets: restart the app when a rendered variable changes (default always)',
    { beyondVaultK8s: true },
  ),
  agentEnvRestartSignal: exact(
    'agent-env-restart-signal',
    G.signal,
    'env secrets: the signal that stops the app on restart and shutdown (default SIGTERM)',
    { beyondVaultK8s: true },
  ),
} as const;
