// The injector-wide settings that shape every injection: the defaults behind the annotations.
// Filled from flags and AGENT_INJECT_* variables by cli/config.ts and
// shared unchanged by `serve`, `review`, `mutate`, `lint` and `policy`.

export interface InjectorConfig {
  /** -vault-address / AGENT_INJECT_VAULT_ADDR: default for vault.hashicorp.com/service. */
  readonly vaultAddress: string;
  /** -vault-image / -bao-image; "" leaves each flavour its own default agent image. */
  readonly vaultImage: string;
  /** -vault-auth-type / AGENT_INJECT_VAULT_AUTH_TYPE */
  readonly authType: string;
  /** -vault-auth-path / AGENT_INJECT_VAULT_AUTH_PATH */
  readonly authPath: string;
  /** -vault-namespace / AGENT_INJECT_VAULT_NAMESPACE */
  readonly vaultNamespace: string;
  /** -proxy-address / AGENT_INJECT_PROXY_ADDR */
  readonly proxyAddress: string;
  readonly revokeOnShutdown: boolean;
  /** Kept as strings, as vault-k8s does: they are validated per pod, like the annotations they feed. */
  readonly runAsUser: string;
  readonly runAsGroup: string;
  readonly runAsSameUser: boolean;
  readonly setSecurityContext: boolean;
  readonly defaultTemplate: 'map' | 'json';
  readonly cpuRequest: string;
  readonly cpuLimit: string;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
  readonly ephemeralRequest: string;
  readonly ephemeralLimit: string;
  readonly templateConfigExitOnRetryFailure: boolean;
  readonly templateStaticSecretRenderInterval: string;
  /** AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST */
  readonly templateMaxConnectionsPerHost: number;
  /** AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD: read but never used by vault-k8s; used here. */
  readonly templateLeaseRenewalThreshold: number;
  readonly authMinBackoff: string;
  readonly authMaxBackoff: string;
  readonly disableIdleConnections: string;
  readonly disableKeepAlives: string;
  /** -vault-cacert-bytes: becomes VAULT_CACERT_BYTES in the agent containers. */
  readonly vaultCACertBytes: string;
  /** Beyond vault-k8s: give the agent its own projected token instead of reusing the app's mount. */
  readonly saTokenProjection: boolean;
  /** Audience of that token; empty means the API server's default audience. */
  readonly saTokenAudience: string;
  readonly saTokenExpirationSeconds: number;
  /** Beyond vault-k8s: run the long-lived agent as a native sidecar (restartPolicy: Always init container). */
  readonly nativeSidecar: boolean;
  /**
   * openbao-k8s's switch: vault.hashicorp.com pods become OpenBao pods and the patch moves their
   * annotations to openbao.org. Off here, so today's users keep exactly the output they have.
   */
  readonly rewriteVaultAnnotations: boolean;
  /**
   * Env secrets: how the agent binary reaches a wrapped container. `copy` (any cluster): an init
   * container copies it into an emptyDir. `image-volume`: the agent image is mounted as an `image`
   * volume, which needs the ImageVolume feature on the API server and a runtime that supports it.
   */
  readonly agentBinarySource: AgentBinarySource;
}

export type AgentBinarySource = 'copy' | 'image-volume';

/** The defaults of vault-k8s's flags, except the Vault address, which vault-k8s requires. */
export const DEFAULT_INJECTOR_CONFIG: InjectorConfig = Object.freeze({
  vaultAddress: 'https://vault.vault.svc:8200',
  vaultImage: '',
  authType: 'kubernetes',
  authPath: 'auth/kubernetes',
  vaultNamespace: '',
  proxyAddress: '',
  revokeOnShutdown: false,
  runAsUser: '100',
  runAsGroup: '1000',
  runAsSameUser: false,
  setSecurityContext: true,
  defaultTemplate: 'map',
  cpuRequest: '250m',
  cpuLimit: '500m',
  memoryRequest: '64Mi',
  memoryLimit: '128Mi',
  ephemeralRequest: '',
  ephemeralLimit: '',
  templateConfigExitOnRetryFailure: true,
  templateStaticSecretRenderInterval: '',
  templateMaxConnectionsPerHost: 0,
  templateLeaseRenewalThreshold: 0,
  authMinBackoff: '',
  authMaxBackoff: '',
  disableIdleConnections: '',
  disableKeepAlives: '',
  vaultCACertBytes: '',
  saTokenProjection: true,
  saTokenAudience: '',
  saTokenExpirationSeconds: 3600,
  nativeSidecar: false,
  rewriteVaultAnnotations: false,
  agentBinarySource: 'copy',
});
