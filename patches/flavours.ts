// Which agent a pod gets. Pods written for the Vault injector get exactly vault-k8s's output; pods
// carrying openbao.org/agent-inject get OpenBao's agent as openbao-k8s injects it. Each flavour is
// one record here: its names, the prefix its users write, its product word, its agent image and
// binary, and what its agent can and cannot do. The engine reads a flavour, never asks which
// product it serves; a new flavour is a new record in FLAVOURS.
import {
  ANNOTATION_AGENT_INJECT_STATUS,
  ANNOTATION_PREFIX,
  PREFIX_ENV_CONFIG,
} from './annotations.js';
import type { InjectorConfig } from './injector-config.js';
import type { InjectorNames } from './injector-names.js';

/** [major, minor] of an agent release. */
export type AgentVersion = readonly [number, number];

export interface BinaryPath {
  /** The first agent version keeping its binary here. */
  readonly since: AgentVersion;
  /** Relative to the image's root, e.g. bin/vault. */
  readonly path: string;
}

export interface Flavour {
  /** Containers, volumes, paths, binary, env prefix, product word, default image. */
  readonly names: InjectorNames;
  /** The annotation prefix this flavour's users write; the engine reads ANNOTATION_PREFIX. */
  readonly prefix: string;
  /** Auto-auth methods the agent has; empty when it takes whatever Vault's agent takes. */
  readonly authMethods: readonly string[];
  /** template_config keys the agent does not know (so never emitted). */
  readonly unknownTemplateConfig: readonly ('maxConnectionsPerHost' | 'leaseRenewalThreshold')[];
  /** An agent image whose name matches lacks this flavour's binary. */
  readonly foreignImage: RegExp | undefined;
  /** Image repositories that hold this flavour's agent, whichever flavour's pod names them. */
  readonly images: RegExp;
  /** Where the image keeps the binary, newest first; a tag without a version gets the first. */
  readonly binaryPaths: readonly BinaryPath[];
  /** The first agent release with process supervisor mode (exec and env_template). */
  readonly supervisorSince: AgentVersion;
  /** Prefixes of the environment variables its agent reads as its own settings. */
  readonly envPrefixes: readonly string[];
  /** With rewriting on (rewriteVaultAnnotations), every pod is this flavour's. */
  readonly takesRewrittenPods: boolean;
  /** Prefixes its users may find in unpublished docs, which no injector reads. */
  readonly draftPrefixes: readonly string[];
  /** The word its own injector names settings with: -vault-address, AGENT_INJECT_BAO_ADDR. */
  readonly settingsWord: string;
  /** Move vault.hashicorp.com/* annotations to this prefix in the stored pod. */
  readonly rewrite: boolean;
}

export const VAULT_FLAVOUR: Flavour = Object.freeze<Flavour>({
  names: Object.freeze({
    initContainer: 'vault-agent-init',
    sidecarContainer: 'vault-agent',
    binaryInitContainer: 'vault-agent-bin',
    volumes: Object.freeze({
      homeInit: 'home-init',
      homeSidecar: 'home-sidecar',
      secrets: 'vault-secrets',
      customSecretsPrefix: 'vault-secrets-custom-',
      agentToken: 'vault-agent-token',
      config: 'vault-config',
      extraSecrets: 'extra-secrets',
      tlsSecrets: 'vault-tls-secrets',
      cache: 'vault-agent-cache',
      agentBinary: 'vault-agent-bin',
      envConfig: 'vault-env-config',
    }),
    paths: Object.freeze({
      home: '/home/vault',
      configMap: '/vault/configs',
      extraSecrets: '/vault/custom',
      tls: '/vault/tls',
      cache: '/vault/agent-cache',
      agentToken: '/var/run/secrets/vault.hashicorp.com/serviceaccount',
      secrets: '/vault/secrets',
      agentBinary: '/vault/agent-bin',
      envConfig: '/vault/env-config',
    }),
    tokenFile: 'token',
    statusAnnotation: ANNOTATION_AGENT_INJECT_STATUS,
    binary: 'vault',
    envConfigAnnotationPrefix: PREFIX_ENV_CONFIG,
    product: 'Vault',
    envPrefix: 'VAULT_',
    tokenSink: '.vault-token',
    // vault-k8s's absolute path: the Vault image's HOME is /home/vault, where the sink is.
    revokeCli: '/bin/vault',
    revokeTokenEnv: '',
    defaultImage: 'hashicorp/vault:2.0.4',
  }),
  prefix: ANNOTATION_PREFIX,
  authMethods: [],
  unknownTemplateConfig: [],
  foreignImage: undefined,
  images: /(^|\/)vault(-enterprise)?$/,
  binaryPaths: [{ since: [0, 0], path: 'bin/vault' }],
  supervisorSince: [1, 14],
  envPrefixes: ['VAULT_'],
  takesRewrittenPods: false,
  draftPrefixes: [],
  settingsWord: 'vault',
  rewrite: false,
});

/**
 * OpenBao's agent as openbao-k8s injects it: `bao agent`, BAO_* variables, its own home and sink,
 * openbao-* volume names and the openbao.org status annotation. The shared secrets keep their
 * /vault/* paths, as openbao-k8s keeps them, so app manifests need no change. The agent dropped
 * the cloud auto-auth methods and two template_config options.
 */
export const OPENBAO_FLAVOUR: Flavour = Object.freeze<Flavour>({
  names: Object.freeze({
    initContainer: 'openbao-agent-init',
    sidecarContainer: 'openbao-agent',
    binaryInitContainer: 'openbao-agent-bin',
    volumes: Object.freeze({
      homeInit: 'home-init',
      homeSidecar: 'home-sidecar',
      secrets: 'openbao-secrets',
      customSecretsPrefix: 'openbao-secrets-custom-',
      agentToken: 'openbao-agent-token',
      config: 'openbao-config',
      extraSecrets: 'extra-secrets',
      tlsSecrets: 'openbao-tls-secrets',
      cache: 'openbao-agent-cache',
      agentBinary: 'openbao-agent-bin',
      envConfig: 'openbao-env-config',
    }),
    paths: Object.freeze({
      home: '/home/openbao',
      configMap: '/vault/configs',
      extraSecrets: '/vault/custom',
      tls: '/vault/tls',
      cache: '/vault/agent-cache',
      agentToken: '/var/run/secrets/openbao.org/serviceaccount',
      secrets: '/vault/secrets',
      agentBinary: '/openbao/agent-bin',
      envConfig: '/openbao/env-config',
    }),
    tokenFile: 'token',
    statusAnnotation: 'openbao.org/agent-inject-status',
    binary: 'bao',
    product: 'OpenBao',
    envPrefix: 'BAO_',
    tokenSink: '.openbao-token',
    // Found on PATH: /bin/bao exists in OpenBao's images only where /bin is merged into /usr/bin.
    revokeCli: 'bao',
    revokeTokenEnv: 'BAO_TOKEN',
    // What openbao-helm 0.29.2 configures: OpenBao's own release, pulled from quay.io.
    defaultImage: 'quay.io/openbao/openbao:2.6.2',
    envConfigAnnotationPrefix: 'openbao.org/agent-env-config-',
  }),
  prefix: 'openbao.org/',
  authMethods: ['cert', 'jwt', 'kerberos', 'kubernetes', 'approle', 'token_file'],
  unknownTemplateConfig: ['maxConnectionsPerHost', 'leaseRenewalThreshold'],
  // hashicorp/vault, vault-enterprise, the UBI variants: none ships a bao binary.
  foreignImage: /(^|\/)hashicorp\/vault/,
  images: /(^|\/)openbao$/,
  // 2.6 moved the binary to /usr/bin; unknown tags get the new place.
  binaryPaths: [
    { since: [2, 6], path: 'usr/bin/bao' },
    { since: [0, 0], path: 'bin/bao' },
  ],
  supervisorSince: [2, 0],
  // Its agent reads BAO_* first and still honours VAULT_*.
  envPrefixes: ['BAO_', 'VAULT_'],
  takesRewrittenPods: true,
  // OpenBao's unpublished injector docs show these; neither injector ever read them.
  draftPrefixes: ['openbao.openbao.org/', 'openbao.openbao.com/'],
  // openbao-k8s renamed six settings: -bao-address, AGENT_INJECT_BAO_ADDR.
  settingsWord: 'bao',
  rewrite: false,
});

/** Every flavour served; the first, whose prefix is the engine's, takes pods no other claims. */
export const FLAVOURS: readonly Flavour[] = Object.freeze([VAULT_FLAVOUR, OPENBAO_FLAVOUR]);

/** The flavour pods get when they carry no other flavour's agent-inject. */
export function defaultFlavour(flavours: readonly Flavour[] = FLAVOURS): Flavour {
  const found = flavours.find((f) => f.prefix === ANNOTATION_PREFIX);
  if (found === undefined) throw new Error(`no flavour reads ${ANNOTATION_PREFIX} keys`);
  return found;
}

/** Flavours whose users write a prefix of their own. */
const prefixedOf = new WeakMap<readonly Flavour[], readonly Flavour[]>();

/**
 * The flavours with a prefix of their own, filtered once per list: lint asks for every annotation
 * key of every pod, and a fresh array each time cost the engine about 8 µs a pod.
 */
export function prefixedFlavours(flavours: readonly Flavour[] = FLAVOURS): readonly Flavour[] {
  let found = prefixedOf.get(flavours);
  if (found === undefined) {
    found = Object.freeze(flavours.filter((f) => f.prefix !== ANNOTATION_PREFIX));
    prefixedOf.set(flavours, found);
  }
  return found;
}

const rewriting = new WeakMap<Flavour, Flavour>();

/** The flavour in rewrite mode, built once per record. */
function rewritingOf(flavour: Flavour): Flavour {
  let found = rewriting.get(flavour);
  if (found === undefined) {
    found = Object.freeze({ ...flavour, rewrite: true });
    rewriting.set(flavour, found);
  }
  return found;
}

/**
 * `<prefix>agent-inject` makes a pod that flavour's pod (openbao.org/agent-inject: an OpenBao
 * pod). With rewriting on (openbao-k8s's mode) every pod is the rewriting flavour's, its
 * vault.hashicorp.com keys read as that flavour's keys and moved there.
 */
export function chooseFlavour(
  annotations: Readonly<Record<string, string>>,
  cfg: Pick<InjectorConfig, 'rewriteVaultAnnotations'>,
  flavours: readonly Flavour[] = FLAVOURS,
): Flavour {
  const taker = cfg.rewriteVaultAnnotations
    ? flavours.find((f) => f.takesRewrittenPods)
    : undefined;
  if (taker !== undefined) return rewritingOf(taker);
  const own = prefixedFlavours(flavours).find(
    (f) => annotations[`${f.prefix}agent-inject`] !== undefined,
  );
  return own ?? defaultFlavour(flavours);
}
