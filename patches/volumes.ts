// Volumes the injector adds and the mounts of app and agent containers (reference §3.3).
import type { AgentSpec } from './agent-spec.js';
import { AGENT_CACHE_PATH } from './agent-config.js';
import type { Pod, Volume, VolumeMount } from './k8s-types.js';

export const SECRETS_VOLUME = 'vault-secrets';
const memory = (name: string): Volume => ({ name, emptyDir: { medium: 'Memory' } });
const customVolumeName = (i: number): string => `vault-secrets-custom-${i}`;

/** Every volume name an injection may add: an earlier injection's are stripped and rebuilt. */
export const INJECTOR_VOLUME_NAME =
  /^(home-init|home-sidecar|vault-secrets|vault-secrets-custom-\d+|vault-agent-token|vault-config|extra-secrets|vault-tls-secrets|vault-agent-cache)$/;

/** The shared secrets volume or a per-secret custom one: the mounts secret-volume-path chooses. */
export function isSecretsVolumeName(name: string): boolean {
  return name === SECRETS_VOLUME || /^vault-secrets-custom-\d+$/.test(name);
}

/** Every volume the injection adds, in vault-k8s order. */
export function agentVolumes(spec: AgentSpec, withInit: boolean, withSidecar: boolean): Volume[] {
  const volumes: Volume[] = [];
  if (withInit) volumes.push(memory('home-init'));
  if (withSidecar) volumes.push(memory('home-sidecar'));
  volumes.push(
    memory(SECRETS_VOLUME),
    ...spec.customMountPaths.map((_, i) => memory(customVolumeName(i))),
  );
  const token = spec.serviceAccount.addVolume;
  if (token && (withInit || withSidecar)) {
    volumes.push({
      name: spec.serviceAccount.volumeName,
      projected: {
        sources: [
          {
            serviceAccountToken: {
              path: spec.serviceAccount.tokenPath,
              expirationSeconds: token.expirationSeconds,
              ...(token.audience !== '' ? { audience: token.audience } : {}),
            },
          },
        ],
      },
    });
  }
  if (spec.configMap !== '')
    volumes.push({ name: 'vault-config', configMap: { name: spec.configMap } });
  if (spec.extraSecret !== '')
    volumes.push({ name: 'extra-secrets', secret: { secretName: spec.extraSecret } });
  if (spec.tlsSecret !== '')
    volumes.push({ name: 'vault-tls-secrets', secret: { secretName: spec.tlsSecret } });
  if (spec.cachePersist) volumes.push(memory('vault-agent-cache'));
  return volumes;
}

/** The secrets mounts app containers (and existing init containers) receive. */
export function secretMounts(spec: AgentSpec): VolumeMount[] {
  return [
    { name: SECRETS_VOLUME, mountPath: spec.secretVolumePath },
    ...spec.customMountPaths.map((mountPath, i) => ({ name: customVolumeName(i), mountPath })),
  ];
}

/**
 * agent-copy-volume-mounts: that container's mounts (app then init lists), minus service-account
 * ones. Mounts of the injector's own volumes are left out too: on re-injection they are an earlier
 * injection's, whose volumes may be gone now (a custom secrets path removed since), and the agent
 * gets the current ones anyway.
 */
function copiedMounts(spec: AgentSpec, pod: Pod): VolumeMount[] {
  if (spec.copyVolumeMounts === '') return [];
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return all
    .filter((c) => c.name === spec.copyVolumeMounts)
    .flatMap((c) => c.volumeMounts ?? [])
    .filter(
      (m) =>
        !m.mountPath.toLowerCase().includes('serviceaccount') && !INJECTOR_VOLUME_NAME.test(m.name),
    );
}

/** Mounts of an agent container: init has home first, the sidecar has the token first (vault-k8s order). */
export function agentMounts(spec: AgentSpec, pod: Pod, role: 'init' | 'sidecar'): VolumeMount[] {
  const home: VolumeMount = {
    name: role === 'init' ? 'home-init' : 'home-sidecar',
    mountPath: '/home/vault',
  };
  const token: VolumeMount = {
    name: spec.serviceAccount.volumeName,
    readOnly: true,
    mountPath: spec.serviceAccount.mountPath,
  };
  const mounts: VolumeMount[] = role === 'init' ? [home, token] : [token, home];
  // Without token projection, vault-k8s's discovery may pick the EKS token mount itself (its path
  // contains "serviceaccount"): mounting it twice would make the pod invalid.
  const aws = spec.aws.mount;
  if (aws && !mounts.some((m) => m.mountPath === aws.mountPath)) mounts.push(aws);
  mounts.push(...secretMounts(spec));
  if (spec.extraSecret !== '')
    mounts.push({ name: 'extra-secrets', readOnly: true, mountPath: '/vault/custom' });
  // A copied mount that the agent already has (e.g. the secrets mount of a re-injected app) is skipped.
  for (const m of copiedMounts(spec, pod)) {
    if (!mounts.some((x) => x.name === m.name || x.mountPath === m.mountPath)) mounts.push(m);
  }
  if (spec.configMap !== '')
    mounts.push({ name: 'vault-config', readOnly: true, mountPath: '/vault/configs' });
  if (spec.tlsSecret !== '')
    mounts.push({ name: 'vault-tls-secrets', readOnly: true, mountPath: '/vault/tls' });
  if (spec.cachePersist) mounts.push({ name: 'vault-agent-cache', mountPath: AGENT_CACHE_PATH });
  return mounts;
}
