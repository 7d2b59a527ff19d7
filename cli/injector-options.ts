// The configuration table's injector settings: the defaults behind the annotations. A setting whose
// annotation's value means the same parses with that annotation's grammar from the table.
import { ANNOTATIONS as annotation } from '../patches/annotation-table.js';
import { defaultFlavour, FLAVOURS, prefixedFlavours } from '../patches/flavours.js';
import { flavourSpellings, injector, P, type ConfigOption } from './config-option.js';
import * as a from './agent-values.js';
import * as v from './config-values.js';

/** "hashicorp/vault:2.0.4; quay.io/openbao/openbao:2.6.2 for OpenBao pods": each flavour's own. */
function defaultImages(): string {
  const others = prefixedFlavours(FLAVOURS).map(
    (f) => `${f.names.defaultImage} for ${f.names.product} pods`,
  );
  return [defaultFlavour(FLAVOURS).names.defaultImage, ...others].join('; ');
}

export function injectorOptions(): ConfigOption[] {
  return [
    injector(
      'vaultAddress',
      {
        flag: 'vault-address',
        ...flavourSpellings('address', 'ADDR'),
        placeholder: '<url>',
        description: 'address of the Vault server',
      },
      a.parseVaultAddress,
    ),
    injector(
      'vaultImage',
      {
        flag: 'vault-image',
        ...flavourSpellings('image', 'IMAGE'),
        placeholder: '<image>',
        description: 'image of the injected agent',
        defaultText: defaultImages(),
      },
      a.parseImage,
    ),
    injector(
      'authType',
      {
        flag: 'vault-auth-type',
        ...flavourSpellings('auth-type', 'AUTH_TYPE'),
        placeholder: '<type>',
        description: 'Vault auth method type',
      },
      v.parseNonEmpty,
    ),
    injector(
      'authPath',
      {
        flag: 'vault-auth-path',
        ...flavourSpellings('auth-path', 'AUTH_PATH'),
        placeholder: '<path>',
        description: 'mount path of the Vault auth method',
      },
      v.parseNonEmpty,
    ),
    injector(
      'vaultNamespace',
      {
        flag: 'vault-namespace',
        ...flavourSpellings('namespace', 'NAMESPACE'),
        placeholder: '<ns>',
        description: 'Vault Enterprise namespace',
      },
      annotation.vaultNamespace.grammar.parse,
    ),
    injector(
      'proxyAddress',
      {
        flag: 'proxy-address',
        env: [`${P}PROXY_ADDR`],
        placeholder: '<url>',
        description: 'HTTP proxy the agents use to reach Vault',
      },
      a.parseProxyAddress,
    ),
    injector(
      'revokeOnShutdown',
      {
        flag: 'revoke-on-shutdown',
        env: [`${P}REVOKE_ON_SHUTDOWN`],
        description: 'revoke the Vault token when the pod stops',
      },
      annotation.agentRevokeOnShutdown.grammar.parse,
    ),
    injector(
      'runAsUser',
      {
        flag: 'run-as-user',
        env: [`${P}RUN_AS_USER`],
        placeholder: '<uid>',
        description: 'user the agents run as',
      },
      a.parseId,
    ),
    injector(
      'runAsGroup',
      {
        flag: 'run-as-group',
        env: [`${P}RUN_AS_GROUP`],
        placeholder: '<gid>',
        description: 'group the agents run as',
      },
      a.parseId,
    ),
    injector(
      'runAsSameUser',
      {
        flag: 'run-as-same-user',
        env: [`${P}RUN_AS_SAME_USER`],
        description: "run the agents as the first app container's user",
      },
      annotation.agentRunAsSameUser.grammar.parse,
    ),
    injector(
      'setSecurityContext',
      {
        flag: 'set-security-context',
        env: [`${P}SET_SECURITY_CONTEXT`],
        description: 'set a restrictive securityContext on the agents',
      },
      annotation.agentSetSecurityContext.grammar.parse,
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
      a.parseResourceQuantity,
    ),
    injector(
      'cpuLimit',
      {
        flag: 'cpu-limit',
        env: [`${P}CPU_LIMIT`],
        placeholder: '<qty>',
        description: 'CPU limit of the agents',
      },
      a.parseResourceQuantity,
    ),
    injector(
      'memoryRequest',
      {
        flag: 'memory-request',
        env: [`${P}MEM_REQUEST`],
        placeholder: '<qty>',
        description: 'memory request of the agents',
      },
      a.parseResourceQuantity,
    ),
    injector(
      'memoryLimit',
      {
        flag: 'memory-limit',
        env: [`${P}MEM_LIMIT`],
        placeholder: '<qty>',
        description: 'memory limit of the agents',
      },
      a.parseResourceQuantity,
    ),
    injector(
      'ephemeralRequest',
      {
        flag: 'ephemeral-storage-request',
        env: [`${P}EPHEMERAL_REQUEST`],
        placeholder: '<qty>',
        description: 'ephemeral-storage request of the agents',
      },
      a.parseResourceQuantity,
    ),
    injector(
      'ephemeralLimit',
      {
        flag: 'ephemeral-storage-limit',
        env: [`${P}EPHEMERAL_LIMIT`],
        placeholder: '<qty>',
        description: 'ephemeral-storage limit of the agents',
      },
      a.parseResourceQuantity,
    ),
    injector(
      'templateConfigExitOnRetryFailure',
      {
        flag: 'template-config-exit-on-retry-failure',
        env: [`${P}TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE`],
        description: 'agent template_config.exit_on_retry_failure',
      },
      annotation.templateConfigExitOnRetryFailure.grammar.parse,
    ),
    injector(
      'templateStaticSecretRenderInterval',
      {
        flag: 'template-static-secret-render-interval',
        env: [`${P}TEMPLATE_STATIC_SECRET_RENDER_INTERVAL`],
        placeholder: '<duration>',
        description: 'agent template_config.static_secret_render_interval',
      },
      annotation.templateStaticSecretRenderInterval.grammar.parse,
    ),
    injector(
      'templateMaxConnectionsPerHost',
      {
        flag: 'template-max-connections-per-host',
        env: [`${P}TEMPLATE_MAX_CONNECTIONS_PER_HOST`],
        placeholder: '<n>',
        description: 'agent template_config.max_connections_per_host (not a vault-k8s flag)',
      },
      annotation.templateMaxConnectionsPerHost.grammar.parse,
    ),
    injector(
      'templateLeaseRenewalThreshold',
      {
        flag: 'template-lease-renewal-threshold',
        env: [`${P}TEMPLATE_LEASE_RENEWAL_THRESHOLD`],
        placeholder: '<fraction>',
        description: 'agent template_config.lease_renewal_threshold (not a vault-k8s flag)',
      },
      annotation.templateLeaseRenewalThreshold.grammar.parse,
    ),
    injector(
      'authMinBackoff',
      {
        flag: 'auth-min-backoff',
        env: [`${P}AUTH_MIN_BACKOFF`],
        placeholder: '<duration>',
        description: 'minimum auto-auth retry backoff',
      },
      annotation.authMinBackoff.grammar.parse,
    ),
    injector(
      'authMaxBackoff',
      {
        flag: 'auth-max-backoff',
        env: [`${P}AUTH_MAX_BACKOFF`],
        placeholder: '<duration>',
        description: 'maximum auto-auth retry backoff',
      },
      annotation.authMaxBackoff.grammar.parse,
    ),
    injector(
      'disableIdleConnections',
      {
        flag: 'disable-idle-connections',
        env: [`${P}DISABLE_IDLE_CONNECTIONS`],
        placeholder: '<list>',
        description: 'agent features with idle connections disabled (comma-separated)',
      },
      a.parseAgentFeatures,
    ),
    injector(
      'disableKeepAlives',
      {
        flag: 'disable-keep-alives',
        env: [`${P}DISABLE_KEEP_ALIVES`],
        placeholder: '<list>',
        description: 'agent features with keep-alives disabled (comma-separated)',
      },
      a.parseAgentFeatures,
    ),
    injector(
      'vaultCACertBytes',
      {
        flag: 'vault-cacert-bytes',
        ...flavourSpellings('cacert-bytes', 'CACERT_BYTES'),
        placeholder: '<pem>',
        description: 'CA bundle the agents trust for Vault (PEM, optionally base64)',
      },
      a.parseCACertBytes,
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
      annotation.agentServiceAccountTokenAudience.grammar.parse,
    ),
    injector(
      'saTokenExpirationSeconds',
      {
        flag: 'sa-token-expiration-seconds',
        env: [`${P}SA_TOKEN_EXPIRATION_SECONDS`],
        placeholder: '<seconds>',
        description: "lifetime of the agents' projected token",
      },
      annotation.agentServiceAccountTokenExpirationSeconds.grammar.parse,
    ),
    injector(
      'rewriteVaultAnnotations',
      {
        flag: 'rewrite-vault-annotations',
        env: [`${P}REWRITE_VAULT_ANNOTATIONS`],
        description:
          'treat vault.hashicorp.com pods as OpenBao pods and move their annotations to openbao.org',
      },
      v.parseBool,
    ),
    injector(
      'nativeSidecar',
      {
        flag: 'native-sidecar',
        env: [`${P}NATIVE_SIDECAR`],
        description: 'run the agent as a native sidecar (init container, restartPolicy Always)',
      },
      annotation.agentNativeSidecar.grammar.parse,
    ),
    injector(
      'agentBinarySource',
      {
        flag: 'agent-binary-source',
        env: [`${P}AGENT_BINARY_SOURCE`],
        placeholder: '<copy|image-volume>',
        description:
          'env secrets: copy the agent binary in an init container, or mount the agent image as an image volume (ImageVolume: Kubernetes 1.35+, containerd 2.1+ or CRI-O 1.31+)',
      },
      v.parseAgentBinarySource,
    ),
  ];
}
