// Which webhooks of the configuration are the injector's: those whose service path is /mutate,
// the path vault-helm and our manifests register (a configuration may hold other webhooks too).
import { field, list, text, type Obj } from './k8s-objects.js';

export const MUTATE_PATH = '/mutate';

export function injectorWebhooks(config: Obj): Obj[] {
  return list(config, 'webhooks').filter(
    (w) => text(field(field(w, 'clientConfig'), 'service'), 'path') === MUTATE_PATH,
  );
}

export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
}

export function serviceOf(webhook: Obj): ServiceRef | undefined {
  const service = field(field(webhook, 'clientConfig'), 'service');
  const name = text(service, 'name');
  return name === '' ? undefined : { namespace: text(service, 'namespace'), name };
}

/** Distinct Services behind the injector's webhooks, in order. */
export function injectorServices(config: Obj): ServiceRef[] {
  const seen = new Map<string, ServiceRef>();
  for (const ref of injectorWebhooks(config).map(serviceOf)) {
    if (ref !== undefined) seen.set(`${ref.namespace}/${ref.name}`, ref);
  }
  return [...seen.values()];
}

/** admissionregistration/v1 defaults failurePolicy to Fail. */
export function failurePolicyOf(webhook: Obj): string {
  return text(webhook, 'failurePolicy') || 'Fail';
}

export function caBundleOf(webhook: Obj): string {
  return text(field(webhook, 'clientConfig'), 'caBundle');
}
