// Which agent a pod gets. Pods written for the Vault injector get exactly vault-k8s's output; pods
// carrying openbao.org/agent-inject get OpenBao's agent as openbao-k8s injects it. Each flavour is
// data: its names, the prefix its users write, and what its agent can and cannot do. The engine
// reads a flavour, never asks which product it serves.
import { ANNOTATION_PREFIX } from './annotations.js';
import type { InjectorConfig } from './injector-config.js';
import { OPENBAO_NAMES, VAULT_NAMES, type InjectorNames } from './injector-names.js';

export interface Flavour {
  readonly names: InjectorNames;
  /** The annotation prefix this flavour's users write; the engine reads the Vault one. */
  readonly prefix: string;
  /** Auto-auth methods the agent has; empty when it takes whatever Vault's agent takes. */
  readonly authMethods: readonly string[];
  /** template_config keys the agent does not know (so never emitted). */
  readonly unknownTemplateConfig: readonly ('maxConnectionsPerHost' | 'leaseRenewalThreshold')[];
  /** An agent image whose name matches lacks this flavour's binary. */
  readonly foreignImage: RegExp | undefined;
  /** Move vault.hashicorp.com/* annotations to this prefix in the stored pod. */
  readonly rewrite: boolean;
}

export const OPENBAO_PREFIX = 'openbao.org/';

export const VAULT_FLAVOUR: Flavour = Object.freeze({
  names: VAULT_NAMES,
  prefix: ANNOTATION_PREFIX,
  authMethods: [],
  unknownTemplateConfig: [],
  foreignImage: undefined,
  rewrite: false,
});

/** OpenBao's agent dropped the cloud auto-auth methods and two template_config options. */
const OPENBAO_AGENT = {
  names: OPENBAO_NAMES,
  prefix: OPENBAO_PREFIX,
  authMethods: ['cert', 'jwt', 'kerberos', 'kubernetes', 'approle', 'token_file'],
  unknownTemplateConfig: ['maxConnectionsPerHost', 'leaseRenewalThreshold'],
  // hashicorp/vault, vault-enterprise, the UBI variants: none ships a bao binary.
  foreignImage: /(^|\/)hashicorp\/vault/,
} as const;

export const OPENBAO_FLAVOUR: Flavour = Object.freeze({ ...OPENBAO_AGENT, rewrite: false });
const OPENBAO_REWRITING: Flavour = Object.freeze({ ...OPENBAO_AGENT, rewrite: true });

/**
 * openbao.org/agent-inject makes a pod an OpenBao pod. With rewriting on (openbao-k8s's mode) every
 * pod is one, its vault.hashicorp.com keys read as openbao.org keys and moved there.
 */
export function chooseFlavour(
  annotations: Readonly<Record<string, string>>,
  cfg: Pick<InjectorConfig, 'rewriteVaultAnnotations'>,
): Flavour {
  if (cfg.rewriteVaultAnnotations) return OPENBAO_REWRITING;
  return annotations[`${OPENBAO_PREFIX}agent-inject`] === undefined
    ? VAULT_FLAVOUR
    : OPENBAO_FLAVOUR;
}
