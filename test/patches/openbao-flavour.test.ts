// The OpenBao flavour end to end through inject(): which pods get it, both prefixes on one pod,
// rewrite mode's add and remove operations, what OpenBao's agent refuses, and findings named as
// the user wrote them.
import { describe, expect, it } from 'vitest';
import type { Operation } from 'fast-json-patch';
import jsonpatch from 'fast-json-patch';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import type { Container, Pod } from '../../patches/k8s-types.js';
import type { DenyOutcome, InjectOutcome, InjectionOutcome } from '../../patches/outcome.js';
import { makePod } from '../helpers/pods.js';

const B = 'openbao.org/';
const V = 'vault.hashicorp.com/';
const REWRITE: InjectorConfig = { ...DEFAULT_INJECTOR_CONFIG, rewriteVaultAnnotations: true };

function run(pod: Pod, config: InjectorConfig = DEFAULT_INJECTOR_CONFIG): InjectionOutcome {
  return inject(pod, { namespace: 'app', kind: 'Pod', config });
}

function injected(out: InjectionOutcome): InjectOutcome {
  expect(out.decision).toBe('inject');
  return out as InjectOutcome;
}

function denied(out: InjectionOutcome): DenyOutcome {
  expect(out.decision).toBe('deny');
  return out as DenyOutcome;
}

const agentOf = (pod: Pod, name: string): Container | undefined =>
  [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
    (c) => c.name === name,
  );

function applied(pod: Pod, patch: readonly Operation[]): Pod {
  return jsonpatch.applyPatch(structuredClone(pod), structuredClone([...patch]), true, false)
    .newDocument;
}

const annotationOps = (patch: readonly Operation[]): Operation[] =>
  patch.filter((op) => op.path.startsWith('/metadata/annotations/'));

describe('which agent a pod gets', () => {
  it('openbao.org/agent-inject: OpenBao containers, BAO_* env, bao agent, openbao.org status', () => {
    const out = injected(run(makePod({ [`${B}agent-inject`]: 'true', [`${B}role`]: 'web' })));
    const sidecar = agentOf(out.pod, 'openbao-agent');
    expect(agentOf(out.pod, 'openbao-agent-init')).toBeDefined();
    expect(sidecar?.args?.[0]).toContain('bao agent -config=/home/openbao/config.json');
    expect(sidecar?.env?.map((e) => e.name)).toContain('BAO_CONFIG');
    expect(sidecar?.image).toBe('quay.io/openbao/openbao:2.6.2');
    expect(out.pod.metadata?.annotations?.[`${B}agent-inject-status`]).toBe('injected');
    expect(out.pod.metadata?.annotations?.[`${V}agent-inject-status`]).toBeUndefined();
  });

  it('vault.hashicorp.com pods keep the Vault agent unless rewriting is on', () => {
    const pod = makePod({ [`${V}agent-inject`]: 'true', [`${V}role`]: 'web' });
    expect(agentOf(injected(run(pod)).pod, 'vault-agent')).toBeDefined();
    expect(agentOf(injected(run(pod, REWRITE)).pod, 'openbao-agent')).toBeDefined();
  });

  it.each([
    ['the annotation', { [`${B}agent-image`]: 'example/bao:1' }, {}, 'example/bao:1'],
    [
      '--bao-image / --vault-image',
      {},
      { vaultImage: 'mirror/openbao:2.6.2' },
      'mirror/openbao:2.6.2',
    ],
    ['the OpenBao default', {}, {}, 'quay.io/openbao/openbao:2.6.2'],
  ])('agent image from %s', (_n, extra, config, image) => {
    const pod = makePod({ [`${B}agent-inject`]: 'true', [`${B}role`]: 'web', ...extra });
    const out = injected(run(pod, { ...DEFAULT_INJECTOR_CONFIG, ...config }));
    expect(agentOf(out.pod, 'openbao-agent')?.image).toBe(image);
  });

  it('Vault pods still default to the Vault image', () => {
    const out = injected(run(makePod({ [`${V}agent-inject`]: 'true', [`${V}role`]: 'web' })));
    expect(agentOf(out.pod, 'vault-agent')?.image).toBe('hashicorp/vault:2.0.4');
  });
});

describe('both prefixes on one pod', () => {
  const pod = (): Pod =>
    makePod({
      [`${B}agent-inject`]: 'true',
      [`${V}role`]: 'web',
      [`${B}role`]: 'api',
      [`${V}log-level`]: 'debug',
    });

  it('openbao.org wins key by key; vault.hashicorp.com fills the rest', () => {
    const out = injected(run(pod()));
    const env = agentOf(out.pod, 'openbao-agent')?.env ?? [];
    expect(env.find((e) => e.name === 'BAO_LOG_LEVEL')?.value).toBe('debug');
    const config = env.find((e) => e.name === 'BAO_CONFIG')?.value ?? '';
    const decoded = JSON.parse(Buffer.from(config, 'base64').toString('utf8'));
    expect(decoded.auto_auth.method.config.role).toBe('api');
  });

  it('without rewriting the stored annotations are left alone but for the status', () => {
    expect(annotationOps(injected(run(pod())).patch)).toEqual([
      {
        op: 'add',
        path: '/metadata/annotations/openbao.org~1agent-inject-status',
        value: 'injected',
      },
    ]);
  });

  it('a bad value is named under the prefix the user wrote it with', () => {
    const out = denied(
      run(
        makePod({
          [`${B}agent-inject`]: 'true',
          [`${B}role`]: 'web',
          [`${B}agent-limits-cpu`]: '500mi',
          [`${V}agent-pre-populate`]: 'maybe',
        }),
      ),
    );
    expect(out.problems.map((p) => p.key).sort()).toEqual([
      `${B}agent-limits-cpu`,
      `${V}agent-pre-populate`,
    ]);
  });

  it('a missing role is asked for under openbao.org, naming OpenBao', () => {
    const out = denied(run(makePod({ [`${B}agent-inject`]: 'true' })));
    expect(out.problems).toEqual([
      expect.objectContaining({
        key: `${B}role`,
        message: expect.stringContaining(`set ${B}role`),
      }),
    ]);
    expect(out.problems[0]?.message).toContain('OpenBao');
    expect(out.problems[0]?.message).not.toMatch(/\bVault\b/);
  });
});

describe('rewrite mode', () => {
  const input = (): Pod =>
    makePod({
      [`${V}agent-inject`]: 'true',
      [`${V}agent-inject-status`]: 'update',
      [`${V}role`]: 'web',
      [`${B}role`]: 'api',
    });

  it('moves every vault.hashicorp.com key with add and remove operations; openbao.org keeps its value', () => {
    const out = injected(run(input(), REWRITE));
    const ops = annotationOps(out.patch);
    for (const suffix of ['agent-inject', 'agent-inject-status', 'role']) {
      expect(ops).toContainEqual({
        op: 'remove',
        path: `/metadata/annotations/vault.hashicorp.com~1${suffix}`,
      });
    }
    expect(ops).toContainEqual({
      op: 'add',
      path: '/metadata/annotations/openbao.org~1agent-inject',
      value: 'true',
    });
    expect(ops.some((op) => op.path.endsWith('openbao.org~1role'))).toBe(false);
    expect(applied(input(), out.patch).metadata?.annotations).toEqual({
      [`${B}agent-inject`]: 'true',
      [`${B}agent-inject-status`]: 'injected',
      [`${B}role`]: 'api',
    });
  });

  it('a second review of the patched pod gives no patch', () => {
    const once = applied(input(), injected(run(input(), REWRITE)).patch);
    expect(run(once, REWRITE)).toMatchObject({ decision: 'skip', reason: 'already_injected' });
  });

  it('skipped pods are never rewritten', () => {
    const pod = makePod({ [`${V}role`]: 'web' });
    expect(run(pod, REWRITE)).toMatchObject({ decision: 'skip', reason: 'not_annotated' });
  });
});

describe("what OpenBao's agent cannot do", () => {
  it.each(['aws', 'gcp', 'azure', 'alicloud', 'oci', 'cf', 'pcf'])(
    'auth-type %s is denied, naming the annotation and the methods it has',
    (type) => {
      const out = denied(
        run(
          makePod({ [`${B}agent-inject`]: 'true', [`${B}role`]: 'web', [`${B}auth-type`]: type }),
        ),
      );
      expect(out.problems).toEqual([
        expect.objectContaining({
          key: `${B}auth-type`,
          value: type,
          message: expect.stringContaining('cert, jwt, kerberos, kubernetes, approle, token_file'),
        }),
      ]);
    },
  );

  it('an auth type from the settings is named by its setting', () => {
    const config = { ...DEFAULT_INJECTOR_CONFIG, authType: 'aws' };
    const out = denied(run(makePod({ [`${B}agent-inject`]: 'true', [`${B}role`]: 'web' }), config));
    expect(out.problems).toEqual([expect.objectContaining({ key: 'authType', setting: true })]);
  });

  it('the same auth type is fine for a Vault pod', () => {
    const pod = makePod({
      [`${V}agent-inject`]: 'true',
      [`${V}role`]: 'web',
      [`${V}auth-type`]: 'gcp',
    });
    expect(run(pod).decision).toBe('inject');
  });

  it('max_connections_per_host and lease_renewal_threshold are left out, with a warning each', () => {
    const config = { ...DEFAULT_INJECTOR_CONFIG, templateLeaseRenewalThreshold: 0.5 };
    const pod = makePod({
      [`${B}agent-inject`]: 'true',
      [`${B}role`]: 'web',
      [`${B}template-max-connections-per-host`]: '10',
    });
    const out = injected(run(pod, config));
    expect(out.warnings.map((w) => w.key)).toEqual([
      `${B}template-max-connections-per-host`,
      'templateLeaseRenewalThreshold',
    ]);
    const value = agentOf(out.pod, 'openbao-agent')?.env?.find(
      (e) => e.name === 'BAO_CONFIG',
    )?.value;
    const agentConfig = JSON.parse(Buffer.from(value ?? '', 'base64').toString('utf8'));
    expect(agentConfig.template_config).toEqual({ exit_on_retry_failure: true });
  });

  it.each([
    ['hashicorp/vault:2.0.4', true],
    ['registry.connect.redhat.com/hashicorp/vault:2.0.4-ubi', true],
    ['hashicorp/vault-enterprise:2.0.4-ent', true],
    ['quay.io/openbao/openbao:2.6.2', false],
    ['example.com/myhashicorp/vaultish:1', false],
  ])('image %s warned about: %s', (image, warned) => {
    const pod = makePod({
      [`${B}agent-inject`]: 'true',
      [`${B}role`]: 'web',
      [`${B}agent-image`]: image,
    });
    expect(injected(run(pod)).warnings.length > 0).toBe(warned);
  });

  it('warns when the agent image is a Vault image', () => {
    const pod = makePod({
      [`${B}agent-inject`]: 'true',
      [`${B}role`]: 'web',
      [`${B}agent-image`]: 'docker.io/hashicorp/vault:2.0.4',
    });
    const out = injected(run(pod));
    expect(out.warnings).toEqual([
      expect.objectContaining({
        key: `${B}agent-image`,
        message: expect.stringContaining('no bao binary'),
      }),
    ]);
  });

  it('revoke-on-shutdown passes the sink token to bao token revoke', () => {
    const pod = makePod({
      [`${B}agent-inject`]: 'true',
      [`${B}role`]: 'web',
      [`${B}agent-revoke-on-shutdown`]: 'true',
    });
    const sidecar = agentOf(injected(run(pod)).pod, 'openbao-agent');
    const command = JSON.stringify(sidecar?.lifecycle);
    expect(command).toContain('BAO_TOKEN=$(cat /home/openbao/.openbao-token) bao token revoke');
    expect(command).toContain('-self');
  });
});

describe('lint findings in the pod’s own spelling', () => {
  it('a typo under openbao.org/ gets a did-you-mean under openbao.org/', () => {
    const out = injected(
      run(
        makePod({
          [`${B}agent-inject`]: 'true',
          [`${B}role`]: 'web',
          [`${B}agent-limit-cpu`]: '1',
        }),
      ),
    );
    expect(out.warnings).toEqual([
      expect.objectContaining({ key: `${B}agent-limit-cpu`, suggestion: `${B}agent-limits-cpu` }),
    ]);
  });

  it.each(['openbao.openbao.org/', 'openbao.openbao.com/'])(
    'keys under %s point to openbao.org/',
    (draft) => {
      const out = injected(
        run(makePod({ [`${B}agent-inject`]: 'true', [`${B}role`]: 'web', [`${draft}role`]: 'x' })),
      );
      expect(out.warnings).toEqual([
        expect.objectContaining({ key: `${draft}role`, suggestion: `${B}role` }),
      ]);
    },
  );

  it('openbao.org keys on a Vault pod are reported as ignored', () => {
    const out = injected(
      run(makePod({ [`${V}agent-inject`]: 'true', [`${V}role`]: 'web', [`${B}role`]: 'x' })),
    );
    expect(out.warnings).toEqual([
      expect.objectContaining({ key: `${B}role`, suggestion: `${V}role` }),
    ]);
  });
});
