// The typed result of reading a pod's annotations with the injector's defaults: everything the
// builders need to construct the agent, so no builder parses an annotation value itself.
import type { Operation } from 'fast-json-patch';
import type { EnvSecrets } from './env-spec.js';
import type { InjectorNames } from './injector-names.js';
import type { EnvVar, VolumeMount } from './k8s-types.js';

export interface SecretSpec {
  /** Suffix as written in the annotation (case kept); per-secret annotations are looked up by it. */
  readonly rawName: string;
  /** File name: lower-cased unless preserve-secret-case says otherwise. */
  readonly name: string;
  /** Vault path from agent-inject-secret-NAME ("" for template-only secrets). */
  readonly path: string;
  readonly destination: string;
  readonly contents: string;
  readonly source: string;
  readonly mountPath: string;
  readonly command: string;
  readonly perms: string;
  readonly leftDelimiter: string;
  readonly rightDelimiter: string;
  readonly errorOnMissingKey: boolean;
  /** True when the contents came from the default map/json template. */
  readonly usesDefaultTemplate: boolean;
}

export interface ServiceAccountToken {
  /** Volume holding the token. */
  readonly volumeName: string;
  /** Where the agent containers mount it. */
  readonly mountPath: string;
  /** File inside the mount. */
  readonly tokenPath: string;
  /** The token's audience; "" for the API server's default (what a Vault role then leaves unset). */
  readonly audience: string;
  /** A projected volume the injector adds itself (token projection), if any. */
  readonly addVolume?: { readonly expirationSeconds: number };
}

export interface VaultConnection {
  readonly address: string;
  readonly caCert: string;
  readonly caPath: string;
  readonly tlsSkipVerify: boolean;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly tlsServerName: string;
}

/** What is injected, where, and with which image. */
export interface AgentLayoutSpec {
  /** The injector's own container, volume and path names this injection uses. */
  readonly names: InjectorNames;
  readonly namespace: string;
  readonly image: string;
  readonly initFirst: boolean;
  /**
   * What is injected: the pre-populate init container, and the long-running agent as a regular
   * container, as a native sidecar (an init container with restartPolicy: Always), or not at all.
   */
  readonly layout: { readonly init: boolean; readonly sidecar: 'container' | 'native' | 'none' };
  /** App containers (by name) that get the secrets mount. */
  readonly injectContainers: readonly string[];
  readonly copyVolumeMounts: string;
  readonly jsonPatch: readonly Operation[];
  readonly initJsonPatch: readonly Operation[];
}

/** The secret files and their templates. */
export interface AgentTemplateSpec {
  readonly secrets: readonly SecretSpec[];
  readonly secretVolumePath: string;
  /** Distinct per-secret mount paths other than secretVolumePath, in secret order. */
  readonly customMountPaths: readonly string[];
  readonly templateConfig: {
    readonly exitOnRetryFailure: boolean;
    readonly staticSecretRenderInterval: string;
    readonly maxConnectionsPerHost: number;
    readonly leaseRenewalThreshold: number;
  };
  /** Env secrets (agent-inject-env-*): undefined when the pod declares none. */
  readonly envSecrets: EnvSecrets | undefined;
}

/** How the agent reaches Vault and logs in. */
export interface AgentAuthSpec {
  readonly serviceAccount: ServiceAccountToken;
  readonly vault: VaultConnection;
  readonly vaultNamespace: string;
  readonly vaultCACertBytes: string;
  readonly authType: string;
  readonly authPath: string;
  readonly authConfig: Readonly<Record<string, string>>;
  readonly authMinBackoff: string;
  readonly authMaxBackoff: string;
  readonly autoAuthExitOnErr: boolean;
  readonly revokeOnShutdown: boolean;
  readonly revokeGrace: number;
  readonly injectToken: boolean;
  readonly tlsSecret: string;
  /** AWS IRSA: the web-identity token mount and AWS_* env copied from the app (auth-type aws). */
  readonly aws: { readonly mount: VolumeMount | undefined; readonly env: readonly EnvVar[] };
}

/** The agent's own settings: cache, listener, connections, telemetry, a config of its own. */
export interface AgentRuntimeSpec {
  readonly cacheEnable: boolean;
  readonly cachePersist: boolean;
  readonly cacheListenerPort: string;
  readonly cacheUseAutoAuthToken: string;
  readonly cacheExitOnErr: boolean;
  readonly enableQuit: boolean;
  readonly disableIdleConnections: readonly string[];
  readonly disableKeepAlives: readonly string[];
  readonly telemetry: Readonly<Record<string, unknown>> | undefined;
  readonly configMap: string;
  readonly extraSecret: string;
}

/** The agent containers' resources and security context. */
export interface AgentSecuritySpec {
  readonly setSecurityContext: boolean;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly shareProcessNamespace: boolean | undefined;
  readonly resources: {
    readonly limits: Readonly<Record<string, string>>;
    readonly requests: Readonly<Record<string, string>>;
  };
}

/** Plain env of the agent containers that comes from annotations (log level, proxy, …). */
export interface AgentEnvSpec {
  readonly env: {
    readonly goMaxProcs: string;
    readonly clientTimeout: string;
    readonly clientMaxRetries: string;
    readonly logLevel: string;
    readonly logFormat: string;
    readonly proxyAddress: string;
  };
}

/** Everything one injection is built from, by concern; a builder can take just the part it reads. */
export interface AgentSpec
  extends
    AgentLayoutSpec,
    AgentTemplateSpec,
    AgentAuthSpec,
    AgentRuntimeSpec,
    AgentSecuritySpec,
    AgentEnvSpec {}
