// `policy` and the webhook must agree on the login the injected agent makes: for every way a pod
// can get its token (automount on or off, token projection on or off, an audience from the pod,
// from the configuration or none, ConfigMap mode, the app mounting a projected token of its own),
// the audience on the generated Vault role is the audience of the token the injected agent really
// mounts, and the role is the one its generated config logs in with.
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { reviewAdmission } from '../../admission/review.js';
import { policyWorkload } from '../../cli/commands/policy.js';
import { settingName } from '../../cli/setting-names.js';
import { identify, podAsAdmitted, templateOf } from '../../cli/pipeline.js';
import * as A from '../../patches/annotations.js';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../patches/injector-config.js';
import type { Container, Pod, Volume } from '../../patches/k8s-types.js';
import { planPolicies } from '../../patches/policy.js';
import { makeReview } from '../helpers/pods.js';

type AppToken = 'automount' | 'none' | 'own projected';
type AudienceFrom = 'unset' | 'annotation' | 'configuration';

const APP_TOKENS: readonly AppToken[] = ['automount', 'none', 'own projected'];
const AUDIENCES: readonly AudienceFrom[] = ['unset', 'annotation', 'configuration'];
const OWN_TOKEN_AUDIENCE = 'app-audience';

interface Case {
  readonly appToken: AppToken;
  readonly projection: boolean;
  readonly audience: AudienceFrom;
  readonly configMap: boolean;
}

const CASES: Case[] = APP_TOKENS.flatMap((appToken) =>
  [true, false].flatMap((projection) =>
    AUDIENCES.flatMap((audience) =>
      [false, true].map((configMap) => ({ appToken, projection, audience, configMap })),
    ),
  ),
);

function deployment(c: Case): Record<string, unknown> {
  const annotations: Record<string, string> = {
    [A.ANNOTATION_AGENT_INJECT]: 'true',
    [A.ANNOTATION_ROLE]: 'shop-app',
    [`${A.PREFIX_SECRET}db`]: 'database/creds/app',
  };
  if (c.audience === 'annotation') annotations[A.ANNOTATION_AGENT_SA_TOKEN_AUDIENCE] = 'from-pod';
  if (c.configMap) annotations[A.ANNOTATION_AGENT_CONFIGMAP] = 'agent-config';
  const app: Container = { name: 'app', image: 'app:1' };
  const spec: Record<string, unknown> = { serviceAccountName: 'app', containers: [app] };
  if (c.appToken !== 'automount') spec.automountServiceAccountToken = false;
  if (c.appToken === 'own projected') {
    app.volumeMounts = [{ name: 'own-token', mountPath: '/var/run/secrets/own/serviceaccount' }];
    const source = { serviceAccountToken: { path: 'token', audience: OWN_TOKEN_AUDIENCE } };
    spec.volumes = [{ name: 'own-token', projected: { sources: [source] } }];
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app', namespace: 'shop' },
    spec: { template: { metadata: { annotations }, spec } },
  };
}

function configOf(c: Case): InjectorConfig {
  return {
    ...DEFAULT_INJECTOR_CONFIG,
    saTokenProjection: c.projection,
    saTokenAudience: c.audience === 'configuration' ? 'from-config' : '',
  };
}

/** The webhook's answer for the pod the API server would send, applied: the pod as it would run. */
function webhookPod(object: Record<string, unknown>, config: InjectorConfig): Pod | undefined {
  const id = identify(object, undefined);
  const { pod } = podAsAdmitted(templateOf(object) ?? {}, id);
  const reviewed = reviewAdmission(makeReview(pod, id.namespace), { config, settingName });
  if (!reviewed.ok || !reviewed.response.response.allowed) return undefined;
  const patch = reviewed.response.response.patch;
  const ops = patch ? (JSON.parse(Buffer.from(patch, 'base64').toString()) as []) : [];
  return jsonpatch.applyPatch(structuredClone(pod), ops, true, false).newDocument as Pod;
}

/** The service-account token volume the agent mounts, and its audience ("" for the default). */
function agentTokenAudience(pod: Pod): string {
  const agent = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
    (c) => c.name === 'vault-agent-init' || c.name === 'vault-agent',
  );
  const volumes = new Map((pod.spec?.volumes ?? []).map((v): [string, Volume] => [v.name, v]));
  const audiences = (agent?.volumeMounts ?? []).flatMap((m) => {
    const source = volumes.get(m.name)?.projected?.sources?.find((s) => s.serviceAccountToken);
    return source?.serviceAccountToken ? [source.serviceAccountToken.audience ?? ''] : [];
  });
  expect(audiences, 'the agent mounts exactly one token').toHaveLength(1);
  return audiences[0]!;
}

/** The role a generated agent config logs in with; the annotation's in ConfigMap mode. */
function agentRole(pod: Pod): string | undefined {
  const agent = pod.spec?.initContainers?.find((c) => c.name === 'vault-agent-init');
  const encoded = agent?.env?.find((e) => e.name === 'VAULT_CONFIG')?.value;
  if (encoded === undefined) return undefined;
  const config = JSON.parse(Buffer.from(encoded, 'base64').toString()) as {
    auto_auth: { method: { config: { role?: string } } };
  };
  return config.auto_auth.method.config.role;
}

const label = (c: Case): string =>
  `app token ${c.appToken}, projection ${c.projection ? 'on' : 'off'}, audience ${c.audience}` +
  (c.configMap ? ', ConfigMap mode' : '');

describe('policy agrees with the webhook', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    const object = deployment(c);
    const config = configOf(c);
    const injected = webhookPod(object, config);
    const plan = planPolicies(
      policyWorkload(object, { namespace: undefined, config, settingName }),
      { tokenTtl: '15m' },
    );
    if (injected === undefined) {
      // A pod the webhook would deny gets no policy, and a warning saying why.
      expect(plan.policies).toEqual([]);
      expect(plan.warnings[0]?.message).toMatch(/^the webhook would deny it: /);
      return;
    }
    expect(plan.warnings).toEqual([]);
    const [policy] = plan.policies;
    const [command] = policy?.roleCommands ?? [];
    const audience = agentTokenAudience(injected);
    if (audience === '') expect(command).not.toContain('audience=');
    else expect(command?.endsWith(` audience=${audience}`)).toBe(true);
    expect(policy?.role).toBe(agentRole(injected) ?? 'shop-app');
  });

  it('covers the reported case: a ConfigMap agent reusing the app token has no audience', () => {
    const c: Case = {
      appToken: 'automount',
      projection: true,
      audience: 'configuration',
      configMap: true,
    };
    const config = configOf(c);
    const plan = planPolicies(
      policyWorkload(deployment(c), { namespace: undefined, config, settingName }),
      { tokenTtl: '15m' },
    );
    expect(plan.policies[0]?.roleCommands[0]).not.toContain('audience=');
    expect(agentTokenAudience(webhookPod(deployment(c), config)!)).toBe('');
  });

  it('injects most combinations: the agreement is not vacuous', () => {
    const injected = CASES.filter((c) => webhookPod(deployment(c), configOf(c)) !== undefined);
    expect(injected.length).toBeGreaterThanOrEqual(CASES.length - 6);
    const audiences = new Set(
      injected.map((c) => agentTokenAudience(webhookPod(deployment(c), configOf(c))!)),
    );
    expect([...audiences].sort()).toEqual(
      ['', OWN_TOKEN_AUDIENCE, 'from-config', 'from-pod'].sort(),
    );
  });
});
