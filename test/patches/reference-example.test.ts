// A complete injection as vault-k8s produces it: byte-exact VAULT_CONFIG and the same resulting pod.
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import type { Container, Pod } from '../../patches/k8s-types.js';
import { makePod, SA_MOUNT } from '../helpers/pods.js';

const INIT_B64 =
  'eyJhdXRvX2F1dGgiOnsibWV0aG9kIjp7InR5cGUiOiJrdWJlcm5ldGVzIiwibW91bnRfcGF0aCI6ImF1dGgva3ViZXJuZXRlcyIsImNvbmZpZyI6eyJyb2xlIjoid2ViIiwidG9rZW5fcGF0aCI6Ii92YXIvcnVuL3NlY3JldHMva3ViZXJuZXRlcy5pby9zZXJ2aWNlYWNjb3VudC90b2tlbiJ9fSwic2luayI6W3sidHlwZSI6ImZpbGUiLCJjb25maWciOnsicGF0aCI6Ii9ob21lL3ZhdWx0Ly52YXVsdC10b2tlbiJ9fV19LCJleGl0X2FmdGVyX2F1dGgiOnRydWUsInBpZF9maWxlIjoiL2hvbWUvdmF1bHQvLnBpZCIsInZhdWx0Ijp7ImFkZHJlc3MiOiJodHRwczovL3ZhdWx0LnZhdWx0LnN2Yzo4MjAwIn0sInRlbXBsYXRlIjpbeyJkZXN0aW5hdGlvbiI6Ii92YXVsdC9zZWNyZXRzL2RiLWNyZWRzIiwiY29udGVudHMiOiJ7eyB3aXRoIHNlY3JldCBcImRhdGFiYXNlL2NyZWRzL3dlYlwiIH19e3sgcmFuZ2UgJGssICR2IDo9IC5EYXRhIH19e3sgJGsgfX06IHt7ICR2IH19XG57eyBlbmQgfX17eyBlbmQgfX0iLCJsZWZ0X2RlbGltaXRlciI6Int7IiwicmlnaHRfZGVsaW1pdGVyIjoifX0ifV0sInRlbXBsYXRlX2NvbmZpZyI6eyJleGl0X29uX3JldHJ5X2ZhaWx1cmUiOnRydWV9fQ==';
const SIDECAR_B64 =
  'eyJhdXRvX2F1dGgiOnsibWV0aG9kIjp7InR5cGUiOiJrdWJlcm5ldGVzIiwibW91bnRfcGF0aCI6ImF1dGgva3ViZXJuZXRlcyIsImNvbmZpZyI6eyJyb2xlIjoid2ViIiwidG9rZW5fcGF0aCI6Ii92YXIvcnVuL3NlY3JldHMva3ViZXJuZXRlcy5pby9zZXJ2aWNlYWNjb3VudC90b2tlbiJ9fSwic2luayI6W3sidHlwZSI6ImZpbGUiLCJjb25maWciOnsicGF0aCI6Ii9ob21lL3ZhdWx0Ly52YXVsdC10b2tlbiJ9fV19LCJleGl0X2FmdGVyX2F1dGgiOmZhbHNlLCJwaWRfZmlsZSI6Ii9ob21lL3ZhdWx0Ly5waWQiLCJ2YXVsdCI6eyJhZGRyZXNzIjoiaHR0cHM6Ly92YXVsdC52YXVsdC5zdmM6ODIwMCJ9LCJ0ZW1wbGF0ZSI6W3siZGVzdGluYXRpb24iOiIvdmF1bHQvc2VjcmV0cy9kYi1jcmVkcyIsImNvbnRlbnRzIjoie3sgd2l0aCBzZWNyZXQgXCJkYXRhYmFzZS9jcmVkcy93ZWJcIiB9fXt7IHJhbmdlICRrLCAkdiA6PSAuRGF0YSB9fXt7ICRrIH19OiB7eyAkdiB9fVxue3sgZW5kIH19e3sgZW5kIH19IiwibGVmdF9kZWxpbWl0ZXIiOiJ7eyIsInJpZ2h0X2RlbGltaXRlciI6In19In1dLCJ0ZW1wbGF0ZV9jb25maWciOnsiZXhpdF9vbl9yZXRyeV9mYWlsdXJlIjp0cnVlfX0=';

const ANNOTATIONS = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'web',
  'vault.hashicorp.com/agent-inject-secret-db-creds': 'database/creds/web',
};

function envValue(c: Container, name: string): string | undefined {
  return c.env?.find((e) => e.name === name)?.value;
}

describe('a complete vault-k8s example', () => {
  const pod = makePod(ANNOTATIONS);
  // vault-k8s mode: the agent reuses the app's token mount.
  const config = { ...DEFAULT_INJECTOR_CONFIG, saTokenProjection: false };
  const outcome = inject(pod, { namespace: 'app', kind: 'Pod', config });
  if (outcome.decision !== 'inject')
    throw new Error(`expected inject, got ${JSON.stringify(outcome)}`);
  const patched = jsonpatch.applyPatch(
    structuredClone(pod),
    structuredClone([...outcome.patch]),
    true,
    false,
  ).newDocument as Pod;
  const init = patched.spec!.initContainers![0]!;
  const sidecar = patched.spec!.containers.at(-1)!;

  it('renders VAULT_CONFIG byte for byte as vault-k8s does', () => {
    expect(envValue(init, 'VAULT_CONFIG')).toBe(INIT_B64);
    expect(envValue(sidecar, 'VAULT_CONFIG')).toBe(SIDECAR_B64);
  });

  it('adds the same volumes, mounts, containers and annotation', () => {
    expect(patched.spec!.volumes!.map((v) => v.name)).toEqual([
      'kube-api-access-abcde',
      'home-init',
      'home-sidecar',
      'vault-secrets',
    ]);
    expect(patched.spec!.containers[0]!.volumeMounts).toEqual([
      { name: 'kube-api-access-abcde', readOnly: true, mountPath: SA_MOUNT },
      { name: 'vault-secrets', mountPath: '/vault/secrets' },
    ]);
    expect(init).toEqual({
      name: 'vault-agent-init',
      image: 'hashicorp/vault:2.0.4',
      command: ['/bin/sh', '-ec'],
      args: [
        'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json',
      ],
      env: [
        { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'VAULT_LOG_LEVEL', value: 'info' },
        { name: 'VAULT_LOG_FORMAT', value: 'standard' },
        { name: 'VAULT_CONFIG', value: INIT_B64 },
      ],
      resources: {
        limits: { cpu: '500m', memory: '128Mi' },
        requests: { cpu: '250m', memory: '64Mi' },
      },
      volumeMounts: [
        { name: 'home-init', mountPath: '/home/vault' },
        { name: 'kube-api-access-abcde', readOnly: true, mountPath: SA_MOUNT },
        { name: 'vault-secrets', mountPath: '/vault/secrets' },
      ],
      securityContext: {
        capabilities: { drop: ['ALL'] },
        runAsUser: 100,
        runAsGroup: 1000,
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        seccompProfile: { type: 'RuntimeDefault' },
      },
    });
    expect(sidecar.name).toBe('vault-agent');
    expect(sidecar.lifecycle).toEqual({});
    expect(sidecar.volumeMounts!.map((m) => m.name)).toEqual([
      'kube-api-access-abcde',
      'home-sidecar',
      'vault-secrets',
    ]);
    expect(patched.metadata!.annotations!['vault.hashicorp.com/agent-inject-status']).toBe(
      'injected',
    );
  });

  it('only adds: 3 volumes, 1 mount, 1 init container, 1 sidecar, 1 annotation', () => {
    expect(outcome.patch.every((op) => op.op === 'add')).toBe(true);
    expect(outcome.patch).toHaveLength(7);
    expect(outcome.injectionType).toBe('init_and_sidecar');
  });

  it('is idempotent: injecting the result again changes nothing', () => {
    const again = inject(patched, { namespace: 'app', kind: 'Pod', config });
    expect(again).toMatchObject({ decision: 'skip', reason: 'already_injected' });
  });
});
