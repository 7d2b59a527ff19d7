// Why a pod that asked for Vault Agent has none: the first explanation the cluster's state shows,
// in the order an operator would fix them (no webhook at all, then namespaces the injector never
// serves, then selectors, then an injector that failed open).
import { SYSTEM_NAMESPACES } from '../../patches/decide.js';
import type { NotInjectedCause } from './findings.js';
import { field, labelsOf, namespaceOf, text, type Obj } from './k8s-objects.js';
import { matchesSelector, selectsEverything } from './label-selector.js';
import { failurePolicyOf } from './webhooks.js';

export type WebhookView =
  | { readonly state: 'unreadable' }
  | { readonly state: 'missing'; readonly name: string }
  | { readonly state: 'present'; readonly hooks: readonly Obj[] };

export interface CauseContext {
  readonly webhook: WebhookView;
  /** Labels by namespace name; undefined when the namespaces could not be read. */
  readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>> | undefined;
}

export interface Explanation {
  readonly cause?: NotInjectedCause;
  readonly reason: string;
  readonly hint: string;
}

type HookVerdict = 'applies' | 'namespace' | 'object' | 'undecided';

const RESTART = 'then restart the workload so its pods are created again';

function namespaceMatches(hook: Obj, namespace: string, ctx: CauseContext): boolean | undefined {
  const selector = hook.namespaceSelector;
  if (selectsEverything(selector)) return true;
  const labels = ctx.namespaceLabels?.get(namespace);
  return labels === undefined ? undefined : matchesSelector(selector, labels);
}

function verdict(hook: Obj, pod: Obj, ctx: CauseContext): HookVerdict {
  const ns = namespaceMatches(hook, namespaceOf(pod), ctx);
  if (ns === false) return 'namespace';
  if (!matchesSelector(hook.objectSelector, labelsOf(pod))) return 'object';
  return ns === undefined ? 'undecided' : 'applies';
}

function applied(hook: Obj): Explanation {
  if (failurePolicyOf(hook) === 'Ignore') {
    return {
      cause: 'unknown',
      reason: `the webhook applies to it, so the injector was unreachable or refused while failurePolicy is Ignore`,
      hint: `make the injector healthy and set failurePolicy: Fail, ${RESTART}`,
    };
  }
  return {
    reason: 'the webhook applies to it and fails closed, so the pod probably predates the webhook',
    hint: RESTART,
  };
}

function excluded(v: HookVerdict, hook: Obj, namespace: string): Explanation {
  const name = text(hook, 'name');
  if (v === 'namespace') {
    return {
      cause: 'namespace-excluded',
      reason: `the labels of namespace ${namespace} do not match the namespaceSelector of webhook ${name}`,
      hint: `label the namespace to match the webhook's namespaceSelector, ${RESTART}`,
    };
  }
  if (v === 'object') {
    return {
      cause: 'object-excluded',
      reason: `the pod's labels do not match the objectSelector of webhook ${name}`,
      hint: `change the pod template's labels (or the objectSelector), ${RESTART}`,
    };
  }
  return {
    reason: 'the namespace labels could not be read, so the namespaceSelector was not checked',
    hint: RESTART,
  };
}

function fromHooks(pod: Obj, hooks: readonly Obj[], ctx: CauseContext): Explanation {
  const verdicts = hooks.map((h) => verdict(h, pod, ctx));
  const i = verdicts.indexOf('applies');
  if (i >= 0) return applied(hooks[i] ?? {});
  return excluded(verdicts[0] ?? 'undecided', hooks[0] ?? {}, namespaceOf(pod));
}

export function explainNotInjected(pod: Obj, ctx: CauseContext): Explanation {
  const { webhook } = ctx;
  if (webhook.state === 'missing') {
    return {
      cause: 'webhook-missing',
      reason: `the injector's webhook configuration ${webhook.name} is missing or has no /mutate webhook`,
      hint: `install the injector's MutatingWebhookConfiguration, ${RESTART}`,
    };
  }
  const namespace = namespaceOf(pod);
  if (SYSTEM_NAMESPACES.has(namespace)) {
    return {
      cause: 'system-namespace',
      reason: `the injector never injects into ${namespace}`,
      hint: 'run the workload in another namespace',
    };
  }
  if (webhook.state === 'unreadable') {
    return { reason: 'the webhook configuration could not be read', hint: RESTART };
  }
  return fromHooks(pod, webhook.hooks, ctx);
}

/** Exposed for the pod check: the pod's phase, "" when it has no status yet. */
export function phaseOf(pod: Obj): string {
  return text(field(pod, 'status'), 'phase');
}
