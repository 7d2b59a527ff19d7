// The MutatingWebhookConfiguration itself: does it exist and point at the injector, will the API
// server trust the injector's certificate, and what happens to pods while the injector is down.
import { finding, objectName, type DoctorFinding } from './findings.js';
import { annotationsOf, text, type Obj } from './k8s-objects.js';
import { caBundleOf, failurePolicyOf, injectorWebhooks, MUTATE_PATH } from './webhooks.js';

/** cert-manager's cainjector fills caBundle of a configuration carrying one of these. */
const CA_INJECTOR_ANNOTATIONS = [
  'cert-manager.io/inject-ca-from',
  'cert-manager.io/inject-ca-from-secret',
];

function missing(name: string, config: Obj | undefined): DoctorFinding[] {
  const object = objectName('MutatingWebhookConfiguration', undefined, name);
  const message =
    config === undefined
      ? `MutatingWebhookConfiguration ${name} does not exist, so no pod is sent to the injector.`
      : `MutatingWebhookConfiguration ${name} has no webhook whose service path is ${MUTATE_PATH}, so no pod is sent to the injector.`;
  return [
    finding('webhook-missing', {
      object,
      message,
      hint: 'apply the injector manifests (or the vault-helm chart), or pass --webhook-config with the right name',
    }),
  ];
}

function emptyBundles(name: string, config: Obj, hooks: Obj[]): DoctorFinding[] {
  const annotations = annotationsOf(config);
  if (CA_INJECTOR_ANNOTATIONS.some((a) => (annotations[a] ?? '') !== '')) return [];
  return hooks
    .filter((w) => caBundleOf(w) === '')
    .map((w) =>
      finding('cabundle-empty', {
        object: objectName('MutatingWebhookConfiguration', undefined, name),
        message: `Webhook ${text(w, 'name')} has an empty caBundle and nothing fills it, so the API server cannot verify the injector's certificate and every call to it fails.`,
        hint: 'run the injector with --tls-auto (it keeps caBundle filled), or annotate the configuration with cert-manager.io/inject-ca-from',
      }),
    );
}

function ignorePolicies(name: string, hooks: Obj[]): DoctorFinding[] {
  return hooks
    .filter((w) => failurePolicyOf(w) === 'Ignore')
    .map((w) =>
      finding('failure-policy-ignore', {
        object: objectName('MutatingWebhookConfiguration', undefined, name),
        message: `Webhook ${text(w, 'name')} has failurePolicy: Ignore, so pods are admitted without Vault Agent whenever the injector is down, slow or untrusted.`,
        hint: 'set failurePolicy: Fail with matchConditions limiting it to pods with the agent-inject annotation (as our manifests do)',
      }),
    );
}

/** config: the configuration as read, undefined when it does not exist. */
export function checkWebhookConfig(name: string, config: Obj | undefined): DoctorFinding[] {
  const hooks = config === undefined ? [] : injectorWebhooks(config);
  if (config === undefined || hooks.length === 0) return missing(name, config);
  return [...emptyBundles(name, config, hooks), ...ignorePolicies(name, hooks)];
}
