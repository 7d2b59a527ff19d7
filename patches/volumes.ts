// Volumes the injector adds and the mounts of app and agent containers, in vault-k8s's order so
// pods injected by either look the same.
import type { AgentSpec } from './agent-spec.js';
import { isInjectorVolumeName } from './injector-names.js';
import type { Pod, Volume, VolumeMount } from './k8s-types.js';

const memory = (name: string): Volume => ({ name, emptyDir: { medium: 'Memory' } });
const customVolumeName = (spec: AgentSpec, i: number): string =>
  `${spec.names.volumes.customSecretsPrefix}${i}`;

function tokenVolume(spec: AgentSpec): Volume[] {
  const token = spec.serviceAccount.addVolume;
  if (token === undefined) return [];
  const { expirationSeconds } = token;
  const { audience } = spec.serviceAccount;
  const source = {
    path: spec.serviceAccount.tokenPath,
    expirationSeconds,
    ...(audience !== '' ? { audience } : {}),
  };
  return [
    {
      name: spec.serviceAccount.volumeName,
      projected: { sources: [{ serviceAccountToken: source }] },
    },
  ];
}

/** Volumes from optional annotations (ConfigMap, extra Secret, TLS Secret, persistent cache). */
function optionalVolumes(spec: AgentSpec): Volume[] {
  const v = spec.names.volumes;
  const volumes: Volume[] = [];
  if (spec.configMap !== '') volumes.push({ name: v.config, configMap: { name: spec.configMap } });
  if (spec.extraSecret !== '')
    volumes.push({ name: v.extraSecrets, secret: { secretName: spec.extraSecret } });
  if (spec.tlsSecret !== '')
    volumes.push({ name: v.tlsSecrets, secret: { secretName: spec.tlsSecret } });
  if (spec.cachePersist) volumes.push(memory(v.cache));
  return volumes;
}

/** A pod with env secrets and no file secrets: the app containers get no secrets volume. */
export function isEnvOnly(spec: AgentSpec): boolean {
  return spec.envSecrets !== undefined && spec.secrets.length === 0;
}

/** Every volume the injection adds, in vault-k8s order. */
export function agentVolumes(spec: AgentSpec, withInit: boolean, withSidecar: boolean): Volume[] {
  const v = spec.names.volumes;
  const secretVolumes = isEnvOnly(spec)
    ? []
    : [
        memory(v.secrets),
        ...spec.customMountPaths.map((_, i) => memory(customVolumeName(spec, i))),
      ];
  return [
    ...(withInit ? [memory(v.homeInit)] : []),
    ...(withSidecar ? [memory(v.homeSidecar)] : []),
    ...secretVolumes,
    // The env agents in the app containers log in with the same token.
    ...(withInit || withSidecar || spec.envSecrets !== undefined ? tokenVolume(spec) : []),
    ...optionalVolumes(spec),
  ];
}

/** The secrets mounts app containers (and existing init containers) receive. */
export function secretMounts(spec: AgentSpec): VolumeMount[] {
  return [
    { name: spec.names.volumes.secrets, mountPath: spec.secretVolumePath },
    ...spec.customMountPaths.map((mountPath, i) => ({
      name: customVolumeName(spec, i),
      mountPath,
    })),
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
        !m.mountPath.toLowerCase().includes('serviceaccount') &&
        !isInjectorVolumeName(spec.names, m.name),
    );
}

/** Mounts after the secrets ones that only some annotations ask for. */
function optionalMounts(spec: AgentSpec, pod: Pod, mounts: readonly VolumeMount[]): VolumeMount[] {
  const { volumes: v, paths } = spec.names;
  const out: VolumeMount[] = [];
  if (spec.extraSecret !== '')
    out.push({ name: v.extraSecrets, readOnly: true, mountPath: paths.extraSecrets });
  // A copied mount the agent already has (e.g. the secrets mount of a re-injected app) is skipped.
  for (const m of copiedMounts(spec, pod)) {
    const known = [...mounts, ...out];
    if (!known.some((x) => x.name === m.name || x.mountPath === m.mountPath)) out.push(m);
  }
  if (spec.configMap !== '')
    out.push({ name: v.config, readOnly: true, mountPath: paths.configMap });
  if (spec.tlsSecret !== '') out.push({ name: v.tlsSecrets, readOnly: true, mountPath: paths.tls });
  if (spec.cachePersist) out.push({ name: v.cache, mountPath: paths.cache });
  return out;
}

/** Mounts of an agent container: init has home first, the sidecar has the token first (vault-k8s order). */
export function agentMounts(spec: AgentSpec, pod: Pod, role: 'init' | 'sidecar'): VolumeMount[] {
  const { volumes: v, paths } = spec.names;
  const home: VolumeMount = {
    name: role === 'init' ? v.homeInit : v.homeSidecar,
    mountPath: paths.home,
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
  return [...mounts, ...optionalMounts(spec, pod, mounts)];
}
