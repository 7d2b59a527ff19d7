// The shape of the injector's own names and paths: the containers, volumes and mount paths it
// adds, where the agent finds its token, and the status annotation. Each flavour (flavours.ts)
// supplies one table, so the builders never branch on the product.
export interface InjectorNames {
  readonly initContainer: string;
  readonly sidecarContainer: string;
  /** The init container copying the agent binary for env secrets (copy mode). */
  readonly binaryInitContainer: string;
  readonly volumes: {
    readonly homeInit: string;
    readonly homeSidecar: string;
    readonly secrets: string;
    /** Prefix of the per-path secrets volumes: `${customSecretsPrefix}${index}`. */
    readonly customSecretsPrefix: string;
    readonly agentToken: string;
    readonly config: string;
    readonly extraSecrets: string;
    readonly tlsSecrets: string;
    readonly cache: string;
    /** The agent binary for wrapped containers: an emptyDir (copy mode) or an image volume. */
    readonly agentBinary: string;
    /** The downward-API volume carrying each wrapped container's agent config. */
    readonly envConfig: string;
  };
  readonly paths: {
    /** The agent's home: its config, token sink and pid file live here. */
    readonly home: string;
    readonly configMap: string;
    readonly extraSecrets: string;
    readonly tls: string;
    readonly cache: string;
    /** Where the agent mounts the projected token the injector adds for it. */
    readonly agentToken: string;
    /** Default mount path of the shared secrets volume. */
    readonly secrets: string;
    readonly agentBinary: string;
    readonly envConfig: string;
  };
  /** Token file inside a service-account token mount. */
  readonly tokenFile: string;
  /** The annotation marking a pod as injected. */
  readonly statusAnnotation: string;
  /** The agent binary inside the image. */
  readonly binary: string;
  /** The product's name, as messages show it. */
  readonly product: string;
  /** Prefix of the agent's environment variables: VAULT_CONFIG, VAULT_LOG_LEVEL, VAULT_ADDR... */
  readonly envPrefix: string;
  /** The auto-auth token sink, inside `paths.home`. */
  readonly tokenSink: string;
  /** How the revoke-on-shutdown hook calls the CLI. */
  readonly revokeCli: string;
  /**
   * When set, the hook passes the sink's token in this variable: the CLI otherwise looks for
   * ~/.vault-token, which is not where this agent's sink is.
   */
  readonly revokeTokenEnv: string;
  /** Agent image when neither the pod nor the configuration names one. */
  readonly defaultImage: string;
  /** Written by the injector: the env agent config of the container at an index is `${prefix}${index}`. */
  readonly envConfigAnnotationPrefix: string;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const patterns = new WeakMap<InjectorNames, { owned: RegExp; custom: RegExp }>();

/** Built once per table: the builders ask for every pod. */
function patternsOf(names: InjectorNames): { owned: RegExp; custom: RegExp } {
  let found = patterns.get(names);
  if (found === undefined) {
    found = { owned: ownedPattern(names), custom: customPattern(names) };
    patterns.set(names, found);
  }
  return found;
}

function customPattern(names: InjectorNames): RegExp {
  return new RegExp(`^${escape(names.volumes.customSecretsPrefix)}\\d+$`);
}

function ownedPattern(names: InjectorNames): RegExp {
  const v = names.volumes;
  const fixed = [v.homeInit, v.homeSidecar, v.secrets, v.agentToken, v.config, v.extraSecrets];
  const all = [...fixed, v.tlsSecrets, v.cache, v.agentBinary, v.envConfig].map(escape);
  return new RegExp(`^(${all.join('|')}|${escape(v.customSecretsPrefix)}\\d+)$`);
}

/** Every volume name an injection may add: an earlier injection's are stripped and rebuilt. */
export function isInjectorVolumeName(names: InjectorNames, name: string): boolean {
  return patternsOf(names).owned.test(name);
}

/** The shared secrets volume or a per-path one: the mounts secret-volume-path chooses. */
export function isSecretsVolumeName(names: InjectorNames, name: string): boolean {
  return name === names.volumes.secrets || patternsOf(names).custom.test(name);
}

export function isAgentContainerName(names: InjectorNames, name: string): boolean {
  return (
    name === names.initContainer ||
    name === names.sidecarContainer ||
    name === names.binaryInitContainer
  );
}
