// What a flavour's agent cannot do, checked on the parsed spec: an auth method it lacks would pass
// admission and then stop the agent at start, so it is a denial; template options it does not know
// are left out of the config, with a warning; an image without its binary gets a warning.
import * as A from './annotations.js';
import type { AgentSpec } from './agent-spec.js';
import type { Finding, Problem } from './finding.js';
import type { Flavour } from './flavours.js';
import type { InjectorConfig } from './injector-config.js';

type Annotations = Readonly<Record<string, string>>;

export interface AgentCheck {
  readonly spec: AgentSpec;
  readonly warnings: readonly Finding[];
}

/** The annotation that set a value, or else the injector setting it came from. */
function subject(view: Annotations, key: string, setting: keyof InjectorConfig): Problem {
  return view[key] !== undefined
    ? { key, message: '', value: view[key] }
    : { key: setting, message: '', setting: true };
}

/**
 * What the flavour's agent refuses, from the annotations and settings alone, so it is listed with
 * every other problem of the pod even when the rest does not parse.
 */
export function agentProblems(view: Annotations, cfg: InjectorConfig, flavour: Flavour): Problem[] {
  const methods = flavour.authMethods;
  const authType = view[A.ANNOTATION_AUTH_TYPE] ?? cfg.authType;
  // A ConfigMap carries its own auto-auth stanza: nothing generated to check.
  const fromConfigMap = (view[A.ANNOTATION_AGENT_CONFIGMAP] ?? '') !== '';
  // An empty type is already a problem of its own ("no auth type").
  const known = authType === '' || methods.includes(authType);
  if (methods.length === 0 || fromConfigMap || known) return [];
  const at = subject(view, A.ANNOTATION_AUTH_TYPE, 'authType');
  const product = flavour.names.product;
  return [
    {
      ...at,
      value: authType,
      message: `${product}'s agent has no "${authType}" auto-auth method: expected one of ${methods.join(', ')}`,
    },
  ];
}

const TEMPLATE_OPTIONS = {
  maxConnectionsPerHost: {
    key: A.ANNOTATION_TEMPLATE_MAX_CONNECTIONS_PER_HOST,
    setting: 'templateMaxConnectionsPerHost',
    option: 'max_connections_per_host',
  },
  leaseRenewalThreshold: {
    key: A.ANNOTATION_TEMPLATE_LEASE_RENEWAL_THRESHOLD,
    setting: 'templateLeaseRenewalThreshold',
    option: 'lease_renewal_threshold',
  },
} as const;

function templateWarnings(spec: AgentSpec, flavour: Flavour, view: Annotations): Finding[] {
  const product = flavour.names.product;
  return flavour.unknownTemplateConfig
    .filter((field) => spec.templateConfig[field] !== 0)
    .map((field) => {
      const { key, setting, option } = TEMPLATE_OPTIONS[field];
      const at = subject(view, key, setting);
      const message = `${product}'s agent has no template_config.${option}: left out of the agent config`;
      return { ...at, severity: 'warning', message };
    });
}

function imageWarnings(spec: AgentSpec, flavour: Flavour, view: Annotations): Finding[] {
  if (flavour.foreignImage === undefined || !flavour.foreignImage.test(spec.image)) return [];
  const at = subject(view, A.ANNOTATION_AGENT_IMAGE, 'vaultImage');
  const { binary, product, defaultImage } = flavour.names;
  const message = `${spec.image} has no ${binary} binary, so ${product}'s agent cannot start: use an ${product} image such as ${defaultImage}`;
  return [{ ...at, value: spec.image, severity: 'warning', message }];
}

/** The spec as the flavour's agent can run it, and what had to be refused or left out. */
export function checkAgent(spec: AgentSpec, flavour: Flavour, view: Annotations): AgentCheck {
  const dropped = Object.fromEntries(flavour.unknownTemplateConfig.map((f) => [f, 0]));
  return {
    spec: { ...spec, templateConfig: { ...spec.templateConfig, ...dropped } },
    warnings: [...templateWarnings(spec, flavour, view), ...imageWarnings(spec, flavour, view)],
  };
}
