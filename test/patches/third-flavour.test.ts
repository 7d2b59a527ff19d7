// A flavour is one record: a fork the sources have never heard of ("Acme", prefix acme.example/,
// binary acmectl, ACME_* variables) is defined here only and handed to the engine in its flavour
// list. Everything it injects, refuses and reports must come from that record.
import { describe, expect, it } from 'vitest';
import {
  FLAVOURS,
  OPENBAO_FLAVOUR,
  VAULT_FLAVOUR,
  chooseFlavour,
  type Flavour,
} from '../../patches/flavours.js';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import type { Container, Pod } from '../../patches/k8s-types.js';
import type { DenyOutcome, InjectOutcome, InjectionOutcome } from '../../patches/outcome.js';
import { makePod } from '../helpers/pods.js';

const X = 'acme.example/';

const ACME: Flavour = {
  names: {
    initContainer: 'acme-agent-init',
    sidecarContainer: 'acme-agent',
    binaryInitContainer: 'acme-agent-bin',
    volumes: {
      homeInit: 'acme-home-init',
      homeSidecar: 'acme-home-sidecar',
      secrets: 'acme-secrets',
      customSecretsPrefix: 'acme-secrets-custom-',
      agentToken: 'acme-agent-token',
      config: 'acme-config',
      extraSecrets: 'acme-extra-secrets',
      tlsSecrets: 'acme-tls-secrets',
      cache: 'acme-agent-cache',
      agentBinary: 'acme-agent-bin',
      envConfig: 'acme-env-config',
    },
    paths: {
      home: '/home/acme',
      configMap: '/acme/configs',
      extraSecrets: '/acme/custom',
      tls: '/acme/tls',
      cache: '/acme/agent-cache',
      agentToken: '/var/run/secrets/acme.example/serviceaccount',
      secrets: '/acme/secrets',
      agentBinary: '/acme/agent-bin',
      envConfig: '/acme/env-config',
    },
    tokenFile: 'token',
    statusAnnotation: `${X}agent-inject-status`,
    binary: 'acmectl',
    product: 'Acme',
    envPrefix: 'ACME_',
    tokenSink: '.acme-token',
    revokeCli: 'acmectl',
    revokeTokenEnv: 'ACME_TOKEN',
    defaultImage: 'registry.example/acme/acme:3.1',
    envConfigAnnotationPrefix: `${X}agent-env-config-`,
  },
  prefix: X,
  authMethods: ['kubernetes', 'jwt'],
  unknownTemplateConfig: ['maxConnectionsPerHost'],
  foreignImage: /(^|\/)(hashicorp\/vault|openbao)/,
  images: /(^|\/)acme$/,
  binaryPaths: [
    { since: [3, 0], path: 'opt/acme/bin/acmectl' },
    { since: [0, 0], path: 'bin/acmectl' },
  ],
  supervisorSince: [2, 5],
  envPrefixes: ['ACME_'],
  takesRewrittenPods: false,
  draftPrefixes: ['acme.acme.example/'],
  settingsWord: 'acme',
  rewrite: false,
};

const SERVED: readonly Flavour[] = [...FLAVOURS, ACME];
const IMAGE_VOLUME: InjectorConfig = {
  ...DEFAULT_INJECTOR_CONFIG,
  agentBinarySource: 'image-volume',
};

function run(pod: Pod, config: InjectorConfig = DEFAULT_INJECTOR_CONFIG): InjectionOutcome {
  return inject(pod, { namespace: 'app', kind: 'Pod', config, flavours: SERVED });
}

function injected(out: InjectionOutcome): InjectOutcome {
  expect(out.decision).toBe('inject');
  return out as InjectOutcome;
}

function denied(out: InjectionOutcome): DenyOutcome {
  expect(out.decision).toBe('deny');
  return out as DenyOutcome;
}

const containersOf = (pod: Pod): Container[] => [
  ...(pod.spec?.initContainers ?? []),
  ...(pod.spec?.containers ?? []),
];
const agentOf = (pod: Pod, name: string): Container | undefined =>
  containersOf(pod).find((c) => c.name === name);

const acmePod = (extra: Record<string, string> = {}): Pod =>
  makePod({ [`${X}agent-inject`]: 'true', [`${X}role`]: 'web', ...extra });

/** A pod whose app has a command, as env secrets need, and the environment given. */
const envPod = (annotations: Record<string, string>, env: Container['env'] = []): Pod =>
  makePod(annotations, {
    containers: [{ name: 'app', image: 'example/app:1', command: ['/app'], env }],
  });

const ENV = { [`${X}agent-inject-env-DB_PASS`]: 'secret/data/db#password' };

describe('a third flavour defined by its record alone', () => {
  it('is chosen by its own agent-inject key, only when it is in the list', () => {
    const annotations = { [`${X}agent-inject`]: 'true' };
    expect(chooseFlavour(annotations, DEFAULT_INJECTOR_CONFIG, SERVED)).toBe(ACME);
    expect(chooseFlavour(annotations, DEFAULT_INJECTOR_CONFIG)).toBe(VAULT_FLAVOUR);
  });

  it("injects the record's containers, volumes, paths, binary, variables and status key", () => {
    const out = injected(
      run(acmePod({ [`${X}agent-inject-secret-db`]: 'secret/data/db' }), DEFAULT_INJECTOR_CONFIG),
    );
    const init = agentOf(out.pod, 'acme-agent-init');
    const sidecar = agentOf(out.pod, 'acme-agent');
    expect(init).toBeDefined();
    expect(sidecar?.image).toBe('registry.example/acme/acme:3.1');
    expect(sidecar?.args?.[0]).toBe(
      'echo ${ACME_CONFIG?} | base64 -d > /home/acme/config.json && acmectl agent -config=/home/acme/config.json',
    );
    expect(sidecar?.env?.map((e) => e.name)).toContain('ACME_CONFIG');
    expect(sidecar?.env?.some((e) => /^(VAULT|BAO)_/.test(e.name))).toBe(false);
    const volumes = (out.pod.spec?.volumes ?? []).map((v) => v.name);
    expect(volumes).toEqual(
      expect.arrayContaining(['acme-home-init', 'acme-secrets', 'acme-agent-token']),
    );
    expect(volumes.some((v) => /vault|openbao/.test(v))).toBe(false);
    const app = out.pod.spec?.containers.find((c) => c.name === 'app');
    expect(app?.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'acme-secrets', mountPath: '/acme/secrets' }),
    );
    expect(out.pod.metadata?.annotations?.[`${X}agent-inject-status`]).toBe('injected');
    expect(out.pod.metadata?.annotations?.['vault.hashicorp.com/agent-inject-status']).toBe(
      undefined,
    );
  });

  it("wraps env-secret containers with the binary where the record puts it for the image's version", () => {
    const pod = (image: string): Pod =>
      envPod({ ...acmePod().metadata?.annotations, ...ENV, [`${X}agent-image`]: image });
    const at = (image: string): string | undefined =>
      injected(run(pod(image), IMAGE_VOLUME)).pod.spec?.containers[0]?.command?.[0];
    expect(at('registry.example/acme/acme:3.2')).toBe('/acme/agent-bin/opt/acme/bin/acmectl');
    expect(at('registry.example/acme/acme:2.9')).toBe('/acme/agent-bin/bin/acmectl');
    // Below the record's supervisorSince: worded with the record's product and release.
    const old = injected(run(pod('acme/acme:2.4')));
    expect(old.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining('acme/acme:2.4 is older than Acme 2.5'),
    );
  });

  it("refuses what the record says its agent lacks, in the record's words and keys", () => {
    const out = denied(run(acmePod({ [`${X}auth-type`]: 'aws' })));
    expect(out.problems).toContainEqual(
      expect.objectContaining({
        key: `${X}auth-type`,
        message: `Acme's agent has no "aws" auto-auth method: expected one of kubernetes, jwt`,
      }),
    );
    const ok = injected(run(acmePod({ [`${X}template-max-connections-per-host`]: '5' })));
    expect(ok.warnings).toContainEqual(
      expect.objectContaining({
        key: `${X}template-max-connections-per-host`,
        message: `Acme's agent has no template_config.max_connections_per_host: left out of the agent config`,
      }),
    );
    const foreign = injected(run(acmePod({ [`${X}agent-image`]: 'hashicorp/vault:2.0.4' })));
    expect(foreign.warnings.map((w) => w.message)).toContainEqual(
      `hashicorp/vault:2.0.4 has no acmectl binary, so Acme's agent cannot start: use an Acme image such as registry.example/acme/acme:3.1`,
    );
  });

  it('words its findings with its product and names its own keys', () => {
    const noRole = denied(run(makePod({ [`${X}agent-inject`]: 'true' })));
    expect(noRole.problems).toContainEqual(
      expect.objectContaining({
        key: `${X}role`,
        message: `no Acme role: set ${X}role to the Acme Kubernetes auth role for this service account`,
      }),
    );
    const noImage = denied(run(acmePod({ [`${X}agent-image`]: '' })));
    expect(noImage.problems).toContainEqual(
      expect.objectContaining({
        key: `${X}agent-image`,
        message: `no Acme Agent image: expected an image reference such as registry.example/acme/acme:3.1`,
      }),
    );
    const linted = injected(
      run(
        acmePod({
          [`${X}rol`]: 'x',
          [`${X}agent-inject-token`]: 'true',
          'acme.acme.example/role': 'y',
        }),
      ),
    );
    expect(linted.warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: `${X}rol`, suggestion: `${X}role` }),
        expect.objectContaining({
          key: `${X}agent-inject-token`,
          message: 'writes the Acme token into the app-readable secrets volume',
        }),
        expect.objectContaining({
          key: 'acme.acme.example/role',
          message: `ignored: acme.acme.example/ comes from unpublished Acme docs; the prefix is ${X}`,
          suggestion: `${X}role`,
        }),
      ]),
    );
  });

  it('leaves Vault and OpenBao pods as they were', () => {
    const vault = injected(
      run(makePod({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'w' })),
    );
    expect(agentOf(vault.pod, 'vault-agent')).toBeDefined();
    const bao = injected(
      run(makePod({ 'openbao.org/agent-inject': 'true', 'openbao.org/role': 'w' })),
    );
    expect(agentOf(bao.pod, OPENBAO_FLAVOUR.names.sidecarContainer)).toBeDefined();
    // Acme keys on a Vault pod are another flavour's: ignored, and said so.
    const stray = injected(
      run(
        makePod({
          'vault.hashicorp.com/agent-inject': 'true',
          'vault.hashicorp.com/role': 'w',
          [`${X}role`]: 'x',
        }),
      ),
    );
    expect(stray.warnings).toContainEqual(
      expect.objectContaining({
        key: `${X}role`,
        message: `ignored: without ${X}agent-inject this pod gets Vault's agent and reads only vault.hashicorp.com/ keys`,
      }),
    );
  });
});

// Product words used to be put in by rewriting "Vault" in every finding of an OpenBao pod, which
// also rewrote the Vault that was meant: an OpenBao pod given an old Vault image was told about
// "OpenBao 1.14". The agent's own variables were VAULT_* or BAO_* whatever the pod's agent.
describe('product words are the flavour record’s, where the message is made', () => {
  it("an OpenBao pod with an old Vault image is told Vault's release, not OpenBao's", () => {
    const out = injected(
      run(
        envPod({
          'openbao.org/agent-inject': 'true',
          'openbao.org/role': 'web',
          'openbao.org/agent-image': 'hashicorp/vault:1.13.0',
          'openbao.org/agent-inject-env-DB_PASS': 'secret/data/db#password',
        }),
      ),
    );
    expect(out.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining('hashicorp/vault:1.13.0 is older than Vault 1.14,'),
    );
  });

  it("the variables warned about are the ones the pod's agent reads", () => {
    const pod = (prefix: string): Pod =>
      envPod(
        {
          [`${prefix}agent-inject`]: 'true',
          [`${prefix}role`]: 'web',
          [`${prefix}agent-inject-env-DB_PASS`]: 'secret/data/db#password',
        },
        [
          { name: 'BAO_ADDR', value: 'x' },
          { name: 'VAULT_ADDR', value: 'y' },
          { name: 'ACME_ADDR', value: 'z' },
        ],
      );
    const sets = (out: InjectionOutcome): string[] =>
      out.warnings.map((w) => w.message).filter((m) => m.includes('the agent running in it'));
    expect(sets(run(pod('vault.hashicorp.com/')))).toEqual([
      expect.stringContaining('sets VAULT_ADDR:'),
    ]);
    expect(sets(run(pod('openbao.org/')))).toEqual([
      expect.stringContaining('sets BAO_ADDR, VAULT_ADDR:'),
    ]);
    expect(sets(run(pod(X)))).toEqual([expect.stringContaining('sets ACME_ADDR:')]);
  });
});
