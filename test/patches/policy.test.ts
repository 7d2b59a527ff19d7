// Least-privilege policy generation: the two-workload fixture as a golden script, then one case
// per rule (naming, auth mount, audience, merging, warnings, quoting). Workloads go through the
// engine exactly as `policy` sends them, with the injector configuration each case names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyWorkload } from '../../cli/commands/policy.js';
import { parseManifests } from '../../cli/manifests.js';
import { settingName } from '../../cli/setting-names.js';
import * as A from '../../patches/annotations.js';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../patches/injector-config.js';
import type { PodSpec } from '../../patches/k8s-types.js';
import {
  authMount,
  formatPolicyScript,
  planPolicies as plan,
  policyName,
  shellQuote,
  type PolicyPlan,
} from '../../patches/policy.js';

/** The injector settings that matter to a policy, and the TTL. */
interface Opts {
  readonly authPath: string;
  readonly authType: string;
  readonly audience: string;
  readonly tokenProjection: boolean;
  readonly tokenTtl: string;
}

const OPTS: Opts = {
  authPath: 'auth/kubernetes',
  authType: 'kubernetes',
  audience: '',
  tokenProjection: true,
  tokenTtl: '15m',
};

const configOf = (o: Opts): InjectorConfig => ({
  ...DEFAULT_INJECTOR_CONFIG,
  authPath: o.authPath,
  authType: o.authType,
  saTokenAudience: o.audience,
  saTokenProjection: o.tokenProjection,
});

/** A manifest object, read once the case's configuration is known. */
type Pending = Record<string, unknown>;

const read = (objects: readonly unknown[], o: Opts) =>
  objects.flatMap((d) =>
    policyWorkload(d, { namespace: undefined, config: configOf(o), settingName }),
  );

const planPolicies = (objects: readonly unknown[], o: Opts): PolicyPlan =>
  plan(read(objects, o), { tokenTtl: o.tokenTtl });

const fixture = (name: string): unknown[] => {
  const path = new URL(`../fixtures/policy/${name}`, import.meta.url);
  return parseManifests(readFileSync(path, 'utf8'), name);
};

interface Over {
  readonly object?: string;
  readonly namespace?: string;
  readonly serviceAccount?: string;
}

/** A Deployment (or a Pod, for "Pod/…") whose pod template carries the annotations. */
const workload = (annotations: Record<string, string>, over: Over = {}): Pending => {
  const [kind, name] = (over.object ?? 'Deployment/app').split('/') as [string, string];
  const pod = {
    metadata: {
      annotations: {
        [A.ANNOTATION_AGENT_INJECT]: 'true',
        [A.ANNOTATION_ROLE]: 'app',
        ...annotations,
      },
    },
    spec: {
      serviceAccountName: over.serviceAccount ?? 'app',
      containers: [{ name: 'app', image: 'app:1' }],
    },
  };
  const metadata = { name, namespace: over.namespace ?? 'shop' };
  if (kind === 'Pod')
    return { apiVersion: 'v1', kind, ...pod, metadata: { ...pod.metadata, ...metadata } };
  return { apiVersion: 'apps/v1', kind, metadata, spec: { template: pod } };
};

const GOLDEN = `# Namespace billing, role reporter: CronJob/billing/report
vault policy write billing-reporter - <<'EOF'
path "secret/data/billing/report" {
  capabilities = ["read"]
}
EOF
vault write auth/k8s-prod/role/reporter bound_service_account_names=default bound_service_account_namespaces=billing policies=billing-reporter token_ttl=15m audience=vault

# Namespace shop, role storefront: Deployment/shop/api, Deployment/shop/web
# WARNING: Deployment/shop/api: secret "certs" comes from a custom template: its Vault paths cannot be inferred; add them to this policy by hand
vault policy write shop-storefront - <<'EOF'
path "database/creds/web" {
  capabilities = ["read"]
}
path "secret/data/shop/api" {
  capabilities = ["read"]
}
path "secret/data/shop/web" {
  capabilities = ["read"]
}
EOF
vault write auth/kubernetes/role/storefront bound_service_account_names=api,web bound_service_account_namespaces=shop policies=shop-storefront token_ttl=15m
`;

describe('the two-workload fixture', () => {
  const plan = planPolicies(fixture('two-workloads.yaml'), OPTS);

  it('prints the golden script', () => {
    expect(formatPolicyScript(plan)).toBe(GOLDEN);
  });

  it('merges the workloads sharing (namespace, role) and lists template-only secrets', () => {
    expect(plan.warnings).toEqual([]);
    expect(plan.policies.map((p) => p.name)).toEqual(['billing-reporter', 'shop-storefront']);
    expect(plan.policies[1]).toMatchObject({
      namespace: 'shop',
      role: 'storefront',
      serviceAccounts: ['api', 'web'],
      workloads: ['Deployment/shop/api', 'Deployment/shop/web'],
      templateOnly: [{ object: 'Deployment/shop/api', secret: 'certs' }],
    });
  });

  it('is the same whatever the order of the documents', () => {
    const reversed = planPolicies([...fixture('two-workloads.yaml')].reverse(), OPTS);
    expect(formatPolicyScript(reversed)).toBe(GOLDEN);
  });
});

describe('rules', () => {
  it('keeps paths as written (KV v2 data/ paths included), sorted and de-duplicated', () => {
    const plan = planPolicies(
      [
        workload({
          [`${A.PREFIX_SECRET}b`]: 'secret/data/b',
          [`${A.PREFIX_SECRET}a`]: 'secret/data/a',
          [`${A.PREFIX_SECRET}a2`]: 'secret/data/a',
        }),
      ],
      OPTS,
    );
    expect(plan.policies[0]?.paths).toEqual(['secret/data/a', 'secret/data/b']);
  });

  it('grants the path of a secret that also has a custom template, with a warning to check it', () => {
    const plan = planPolicies(
      [
        workload({
          [`${A.PREFIX_SECRET}db`]: 'database/creds/app',
          [`${A.PREFIX_TEMPLATE}db`]: '{{ with secret "database/creds/other" }}{{ end }}',
        }),
      ],
      OPTS,
    );
    expect(plan.policies[0]?.paths).toEqual(['database/creds/app']);
    const warnings = plan.policies[0]?.warnings ?? plan.warnings;
    expect(JSON.stringify(warnings)).toContain('secret \\"db\\" has a custom template');
  });

  it('grants the paths of env secrets, with files, and flags env templates to check', () => {
    const plan = planPolicies(
      [
        workload({
          [`${A.PREFIX_SECRET}cfg`]: 'secret/data/cfg',
          [`${A.PREFIX_ENV}DB_PASSWORD`]: 'secret/data/db#password',
          [`${A.PREFIX_ENV}API_KEY`]: 'kv/api#key',
          [`${A.PREFIX_ENV_TEMPLATE}DSN`]: '{{ with secret "database/creds/app" }}{{ end }}',
          [A.ANNOTATION_AGENT_ENV_COMMAND]: '["/app"]',
        }),
      ],
      OPTS,
    );
    expect(plan.policies[0]?.paths).toEqual(['kv/api', 'secret/data/cfg', 'secret/data/db']);
    const warnings = plan.policies[0]?.warnings ?? plan.warnings;
    expect(JSON.stringify(warnings)).toContain(
      'env variable \\"DSN\\" comes from a custom template: its Vault paths cannot be inferred',
    );
  });

  it('ignores workloads not asking for injection', () => {
    const off = workload({ [A.ANNOTATION_AGENT_INJECT]: 'false', [`${A.PREFIX_SECRET}x`]: 'kv/x' });
    expect(planPolicies([off], OPTS)).toEqual({ policies: [], warnings: [] });
  });

  it('warns about workloads with no role, and falls back to auth-config-role', () => {
    const noRole = workload({ [A.ANNOTATION_ROLE]: '' });
    const configRole = workload(
      { [A.ANNOTATION_ROLE]: '', [`${A.PREFIX_AUTH_CONFIG}role`]: 'legacy' },
      { object: 'Deployment/old' },
    );
    const plan = planPolicies([noRole, configRole], OPTS);
    expect(plan.warnings).toEqual([
      {
        object: 'Deployment/shop/app',
        message: expect.stringMatching(
          /webhook would deny it: vault.hashicorp.com\/role: no Vault role/,
        ),
      },
    ]);
    expect(plan.policies.map((p) => p.role)).toEqual(['legacy']);
  });

  it.each([
    ['shop', 'web', 'shop-web'],
    ['Shop', 'Web App', 'shop-web-app'],
    ['ns', 'a/b', 'ns-a-b'],
  ])('names the policy for %s / %s: %s', (ns, role, name) => {
    expect(policyName(ns, role)).toBe(name);
  });

  it('warns when two roles sanitise to the same policy name', () => {
    const plan = planPolicies(
      [
        workload({ [A.ANNOTATION_ROLE]: 'b-c' }, { namespace: 'a' }),
        workload({ [A.ANNOTATION_ROLE]: 'c' }, { namespace: 'a-b' }),
      ],
      OPTS,
    );
    expect(plan.warnings).toEqual([
      { object: 'policy a-b-c', message: expect.stringMatching(/a\/b-c and a-b\/c/) },
    ]);
  });

  it.each([
    ['auth/kubernetes', 'kubernetes'],
    ['kubernetes', 'kubernetes'],
    ['/auth/k8s-prod/', 'k8s-prod'],
    ['auth/clusters/east', 'clusters/east'],
  ])('auth path %s → auth/%s/role/...', (path, mount) => {
    expect(authMount(path)).toBe(mount);
    const [cmd] = planPolicies([workload({ [A.ANNOTATION_AUTH_PATH]: path })], OPTS).policies[0]!
      .roleCommands;
    expect(cmd).toContain(` auth/${mount}/role/app `);
  });

  it('takes the auth path from the configuration when the annotation is absent', () => {
    const plan = planPolicies([workload({})], { ...OPTS, authPath: 'auth/east' });
    expect(plan.policies[0]?.roleCommands[0]).toContain(' auth/east/role/app ');
  });

  it.each([
    ['the annotation', { [A.ANNOTATION_AGENT_SA_TOKEN_AUDIENCE]: 'vault' }, OPTS, 'vault'],
    ['--sa-token-audience', {}, { ...OPTS, audience: 'vault' }, 'vault'],
    [
      'the annotation over the flag',
      { [A.ANNOTATION_AGENT_SA_TOKEN_AUDIENCE]: 'a' },
      { ...OPTS, audience: 'b' },
      'a',
    ],
    ['neither', {}, OPTS, undefined],
    [
      'projection off (the pod token has the default audience)',
      { [A.ANNOTATION_AGENT_SA_TOKEN_AUDIENCE]: 'vault' },
      { ...OPTS, tokenProjection: false },
      undefined,
    ],
    [
      'a named token volume',
      {
        [A.ANNOTATION_AGENT_SA_TOKEN_AUDIENCE]: 'vault',
        [A.ANNOTATION_AGENT_SERVICE_ACCOUNT_TOKEN_VOLUME_NAME]: 'my-token',
      },
      OPTS,
      undefined,
    ],
  ])('audience from %s', (_n, annotations, opts, audience) => {
    const object = workload(annotations) as { spec: { template: { spec: PodSpec } } };
    // The named volume, projected with the API server's default audience.
    object.spec.template.spec.volumes = [
      { name: 'my-token', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    ];
    const cmd = planPolicies([object], opts).policies[0]!.roleCommands[0]!;
    if (audience === undefined) expect(cmd).not.toContain('audience=');
    else expect(cmd.endsWith(` audience=${audience}`)).toBe(true);
  });

  it("takes a named token volume's own audience", () => {
    const object = workload({
      [A.ANNOTATION_AGENT_SERVICE_ACCOUNT_TOKEN_VOLUME_NAME]: 'my-token',
    }) as { spec: { template: { spec: PodSpec } } };
    object.spec.template.spec.volumes = [
      {
        name: 'my-token',
        projected: { sources: [{ serviceAccountToken: { path: 't', audience: 'vault-east' } }] },
      },
    ];
    const cmd = planPolicies([object], OPTS).policies[0]!.roleCommands[0]!;
    expect(cmd.endsWith(' audience=vault-east')).toBe(true);
  });

  it('warns when workloads sharing a role ask for different audiences', () => {
    const plan = planPolicies(
      [
        workload({ [A.ANNOTATION_AGENT_SA_TOKEN_AUDIENCE]: 'vault' }),
        workload({}, { object: 'Deployment/other' }),
      ],
      OPTS,
    );
    expect(plan.policies[0]?.warnings).toEqual([
      { object: 'role app', message: expect.stringMatching(/\(default\), vault/) },
    ]);
  });

  it('writes one role command per auth mount', () => {
    const plan = planPolicies(
      [workload({}), workload({ [A.ANNOTATION_AUTH_PATH]: 'auth/east' }, { object: 'Pod/x' })],
      OPTS,
    );
    expect(plan.policies).toHaveLength(1);
    expect(plan.policies[0]?.roleCommands.map((c) => c.split(' ')[2])).toEqual([
      'auth/east/role/app',
      'auth/kubernetes/role/app',
    ]);
  });

  it('writes no role for other auth types, with a warning', () => {
    const plan = planPolicies([workload({ [A.ANNOTATION_AUTH_TYPE]: 'jwt' })], OPTS);
    expect(plan.policies[0]?.roleCommands).toEqual([]);
    expect(plan.policies[0]?.warnings[0]?.message).toMatch(/auth type "jwt"/);
  });

  it('warns that paths in an agent-configmap cannot be inferred', () => {
    const plan = planPolicies([workload({ [A.ANNOTATION_AGENT_CONFIGMAP]: 'cfg' })], OPTS);
    expect(plan.policies[0]?.warnings[0]?.message).toMatch(/agent-configmap/);
    expect(plan.policies[0]?.hcl).toBe('# No secret paths could be inferred.\n');
  });

  it('treats template-file secrets like template secrets', () => {
    const plan = planPolicies(
      [workload({ [`${A.PREFIX_TEMPLATE_FILE}cert`]: '/vault/custom/cert.tmpl' })],
      OPTS,
    );
    expect(plan.policies[0]?.templateOnly).toEqual([
      { object: 'Deployment/shop/app', secret: 'cert' },
    ]);
  });

  it('uses --token-ttl and quotes what a shell would split', () => {
    const plan = planPolicies([workload({ [A.ANNOTATION_ROLE]: "o'brien app" })], {
      ...OPTS,
      tokenTtl: '1h',
    });
    expect(plan.policies[0]?.roleCommands[0]).toBe(
      `vault write 'auth/kubernetes/role/o'\\''brien app' bound_service_account_names=app ` +
        `bound_service_account_namespaces=shop policies=shop-o-brien-app token_ttl=1h`,
    );
    expect(shellQuote('plain/word=1,2')).toBe('plain/word=1,2');
  });

  it('escapes paths in HCL strings', () => {
    const plan = planPolicies([workload({ [`${A.PREFIX_SECRET}x`]: 'kv/"odd"' })], OPTS);
    expect(plan.policies[0]?.hcl).toBe('path "kv/\\"odd\\"" {\n  capabilities = ["read"]\n}\n');
  });
});

describe('OpenBao workloads', () => {
  const bao = (annotations: Record<string, string>, over: Over = {}): Pending =>
    workload(
      {
        [A.ANNOTATION_AGENT_INJECT]: 'false',
        'openbao.org/agent-inject': 'true',
        'openbao.org/role': 'app',
        ...annotations,
      },
      over,
    );

  it('prints `bao policy write` and `bao write auth/<mount>/role/<role>`', () => {
    const plan = planPolicies(
      [bao({ 'openbao.org/agent-inject-secret-db': 'secret/data/shop/db' })],
      OPTS,
    );
    expect(formatPolicyScript(plan)).toBe(`# Namespace shop, role app: Deployment/shop/app
bao policy write shop-app - <<'EOF'
path "secret/data/shop/db" {
  capabilities = ["read"]
}
EOF
bao write auth/kubernetes/role/app bound_service_account_names=app bound_service_account_namespaces=shop policies=shop-app token_ttl=15m
`);
  });

  it('never merges an OpenBao and a Vault workload sharing a namespace and role', () => {
    const plan = planPolicies(
      [
        bao({ 'openbao.org/agent-inject-secret-db': 'secret/data/db' }, { object: 'Deployment/b' }),
        workload({ [`${A.PREFIX_SECRET}db`]: 'secret/data/db' }, { object: 'Deployment/v' }),
      ],
      OPTS,
    );
    expect(plan.policies.map((p) => [p.cli, p.workloads])).toEqual([
      ['bao', ['Deployment/shop/b']],
      ['vault', ['Deployment/shop/v']],
    ]);
    // Same name, different servers: no clash to report.
    expect(plan.warnings).toEqual([]);
  });
});
