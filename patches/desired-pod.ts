// (pod, spec) → the pod as it should be after injection. Pure: the input is never changed.
// Whatever an earlier injection added (agent-inject-status: update) is stripped and rebuilt, so
// re-injection converges instead of duplicating; on a first injection, reserved names are denied.
import {
  ANNOTATION_AGENT_INIT_JSON_PATCH,
  ANNOTATION_AGENT_JSON_PATCH,
  ANNOTATION_AGENT_SHARE_PROCESS_NAMESPACE,
  ANNOTATION_SECRET_VOLUME_PATH,
  PREFIX_SECRET_VOLUME_PATH,
} from './annotations.js';
import type { AgentSpec } from './agent-spec.js';
import { buildAgentContainer } from './containers.js';
import {
  isAgentContainerName,
  isInjectorVolumeName,
  isSecretsVolumeName,
  type InjectorNames,
} from './injector-names.js';
import type { Container, Pod, PodSpec, Volume, VolumeMount } from './k8s-types.js';
import type { InjectionType, Problem } from './outcome.js';
import { applyEnvSecrets, binaryInitContainer, envVolumes, unwrapDropped } from './env-wrap.js';
import { agentVolumes, isEnvOnly, secretMounts } from './volumes.js';

export type DesiredPod =
  | { ok: true; pod: Pod; injectionType: InjectionType | undefined }
  | { ok: false; problems: Problem[] };

function upsert<T extends { name: string }>(list: T[], item: T, atStart = false): void {
  const i = list.findIndex((x) => x.name === item.name);
  if (i >= 0) list[i] = item;
  else if (atStart) list.unshift(item);
  else list.push(item);
}

/** The annotation that chose a secrets mount path: the per-secret one for custom volumes. */
function mountPathKey(spec: AgentSpec, mount: VolumeMount): string {
  if (mount.name === spec.names.volumes.secrets) return ANNOTATION_SECRET_VOLUME_PATH;
  const secret = spec.secrets.find((s) => s.mountPath === mount.mountPath);
  return secret ? `${PREFIX_SECRET_VOLUME_PATH}${secret.rawName}` : ANNOTATION_SECRET_VOLUME_PATH;
}

function addMounts(
  container: Container,
  mounts: VolumeMount[],
  spec: AgentSpec,
  problems: Problem[],
): void {
  const list = (container.volumeMounts ??= []);
  for (const mount of mounts) {
    const clash = list.find((m) => m.mountPath === mount.mountPath && m.name !== mount.name);
    if (clash) {
      problems.push({
        key: mountPathKey(spec, mount),
        value: mount.mountPath,
        message: `container "${container.name}" already mounts volume "${clash.name}" at ${mount.mountPath}; choose another secret volume path`,
      });
      continue;
    }
    upsert(list, mount);
  }
}

function injectionTypeOf(spec: AgentSpec): InjectionType | undefined {
  const init = spec.layout.init;
  const sidecar = spec.layout.sidecar !== 'none';
  // A native sidecar both pre-populates and renews, so it counts as init and sidecar.
  if ((init && sidecar) || spec.layout.sidecar === 'native') return 'init_and_sidecar';
  if (init) return 'init_only';
  return sidecar ? 'sidecar_only' : undefined;
}

function applyShareProcessNamespace(spec: AgentSpec, podSpec: PodSpec, problems: Problem[]): void {
  if (spec.shareProcessNamespace === undefined) return;
  if (spec.shareProcessNamespace && podSpec.shareProcessNamespace === false) {
    problems.push({
      key: ANNOTATION_AGENT_SHARE_PROCESS_NAMESPACE,
      value: 'true',
      message: 'the pod sets spec.shareProcessNamespace: false; refusing to enable it',
    });
    return;
  }
  podSpec.shareProcessNamespace = spec.shareProcessNamespace;
}

/**
 * Copy-on-write: only the objects on the paths the injection changes are copied, so unchanged
 * subtrees stay shared with the input (never modified) and the diff skips them by identity.
 * Anything an earlier injection added (agent-inject-status: update) is stripped here and rebuilt,
 * so switching layouts (classic ↔ native, pre-populate-only) leaves nothing stale behind.
 */
function copyForInjection(pod: Pod, spec: AgentSpec): { desired: Pod; podSpec: PodSpec } {
  const source = pod.spec as PodSpec;
  // A token volume the pod brings itself (agent-service-account-token-volume-name) is never ours.
  const podsToken = spec.serviceAccount.addVolume ? undefined : spec.serviceAccount.volumeName;
  // Volumes the injector owns are removed before the desired ones are added, so re-injection converges.
  const owned = (name: string): boolean =>
    isInjectorVolumeName(spec.names, name) && name !== podsToken;
  const ownedMount = (m: VolumeMount): boolean => owned(m.name);
  const hasOwned = (c: Container): boolean => (c.volumeMounts ?? []).some(ownedMount);
  const withMounts = (c: Container): Container => ({
    ...c,
    volumeMounts: (c.volumeMounts ?? []).filter((m) => !ownedMount(m)),
  });
  const notOwned = (c: Container): boolean => !isAgentContainerName(spec.names, c.name);
  const podSpec: PodSpec = {
    ...source,
    volumes: (source.volumes ?? []).filter((v) => !owned(v.name)),
    containers: source.containers
      .filter(notOwned)
      .map((c) => (spec.injectContainers.includes(c.name) || hasOwned(c) ? withMounts(c) : c)),
  };
  // Existing init containers lose an earlier injection's mounts here; addSecretMounts gives them the
  // current ones whatever agent-inject-containers says, as vault-k8s does.
  if (source.initContainers) {
    podSpec.initContainers = source.initContainers.filter(notOwned).map(withMounts);
  }
  return { desired: { ...pod, metadata: { ...pod.metadata }, spec: podSpec }, podSpec };
}

/**
 * A pod never injected before (no agent-inject-status) that already has a container or volume with
 * a name the injector owns: replacing it would silently drop the user's item, so say so instead.
 */
function ownedNameClashes(pod: Pod, names: InjectorNames): Problem[] {
  if (pod.metadata?.annotations?.[names.statusAnnotation] !== undefined) return [];
  const spec = pod.spec as PodSpec;
  const problems: Problem[] = [];
  const containers = [...spec.containers, ...(spec.initContainers ?? [])];
  for (const c of containers.filter((x) => isAgentContainerName(names, x.name))) {
    problems.push({
      key: 'spec.containers[].name',
      value: c.name,
      message: `this container name is reserved for the injected ${names.product} Agent; rename the container`,
    });
  }
  for (const v of (spec.volumes ?? []).filter((x) => isInjectorVolumeName(names, x.name))) {
    problems.push({
      key: 'spec.volumes[].name',
      value: v.name,
      message: `this volume name is reserved for the injected ${names.product} Agent; rename the volume`,
    });
  }
  return problems;
}

/**
 * What would make the API server reject the pod once this agent container is in it: a name another
 * container already has (agent-json-patch can rename it; upserting would then replace the app's own
 * container), or two mounts at one path (a secrets path such as /home/vault or /vault/custom that
 * the agent already uses). The lists hold no injector-owned container at this point, so any name
 * match is a clash. The container may come from a JSON patch, so nothing about it is trusted.
 */
function agentContainerProblem(
  spec: AgentSpec,
  podSpec: PodSpec,
  container: Container,
  patchKey: string,
): Problem | undefined {
  const { name } = container;
  if ([...podSpec.containers, ...(podSpec.initContainers ?? [])].some((c) => c.name === name)) {
    return {
      key: patchKey,
      value: name,
      message: `the agent container would be named "${name}", which the pod already uses; container names must be unique`,
    };
  }
  const mounts: unknown = container.volumeMounts;
  if (!Array.isArray(mounts)) return undefined;
  const seen = new Map<unknown, VolumeMount>();
  for (const m of mounts as unknown[]) {
    if (typeof m !== 'object' || m === null) continue;
    const mount = m as VolumeMount;
    const first = seen.get(mount.mountPath);
    if (first === undefined) {
      seen.set(mount.mountPath, mount);
      continue;
    }
    const secrets = [mount, first].find((x) => isSecretsVolumeName(spec.names, String(x.name)));
    return {
      key: secrets ? mountPathKey(spec, secrets) : patchKey,
      value: String(mount.mountPath),
      message: `container "${name}" would mount both "${String(first.name)}" and "${String(mount.name)}" at ${String(mount.mountPath)}; mount paths must be unique${secrets ? ', choose another secret volume path' : ''}`,
    };
  }
  return undefined;
}

/** Puts a built agent container where it runs. */
function placeContainer(
  spec: AgentSpec,
  podSpec: PodSpec,
  container: Container,
  role: 'init' | 'sidecar',
): void {
  if (role === 'init') {
    upsert((podSpec.initContainers ??= []), container, spec.initFirst);
  } else if (spec.layout.sidecar === 'native') {
    // A native sidecar goes before every app init container, which may read the secrets.
    upsert((podSpec.initContainers ??= []), container, true);
  } else {
    upsert(podSpec.containers, container);
  }
}

function agentRoles(spec: AgentSpec): Array<'init' | 'sidecar'> {
  return [
    ...(spec.layout.init ? (['init'] as const) : []),
    ...(spec.layout.sidecar !== 'none' ? (['sidecar'] as const) : []),
  ];
}

/** Builds the agent containers the layout asks for and puts each where it runs. */
function placeAgentContainers(
  pod: Pod,
  spec: AgentSpec,
  podSpec: PodSpec,
  problems: Problem[],
): void {
  for (const role of agentRoles(spec)) {
    const built = buildAgentContainer(spec, pod, role);
    const patchKey =
      role === 'init' ? ANNOTATION_AGENT_INIT_JSON_PATCH : ANNOTATION_AGENT_JSON_PATCH;
    const clash = built.ok
      ? agentContainerProblem(spec, podSpec, built.container, patchKey)
      : { key: patchKey, message: built.message };
    // Both agent containers usually clash the same way: one problem per annotation and value.
    if (clash && !problems.some((p) => p.key === clash.key && p.value === clash.value))
      problems.push(clash);
    if (built.ok && clash === undefined) placeContainer(spec, podSpec, built.container, role);
  }
}

/**
 * Every container that gets the secrets mounts: the chosen app containers, and the app init
 * containers when an agent renders the secrets before them (the init agent, as in vault-k8s, or a
 * native sidecar, which starts first). Without one there is nothing for them to read yet.
 */
function addSecretMounts(spec: AgentSpec, podSpec: PodSpec, problems: Problem[]): void {
  if (isEnvOnly(spec)) return;
  const mounts = secretMounts(spec);
  for (const c of podSpec.containers) {
    if (spec.injectContainers.includes(c.name)) addMounts(c, mounts, spec, problems);
  }
  if (!spec.layout.init && spec.layout.sidecar !== 'native') return;
  for (const c of podSpec.initContainers ?? []) {
    if (!isAgentContainerName(spec.names, c.name)) addMounts(c, mounts, spec, problems);
  }
}

/** The env agents: their volumes, the binary copy (copy mode) and the wrapped containers. */
function addEnvSecrets(spec: AgentSpec, pod: Pod, desired: Pod, podSpec: PodSpec): void {
  unwrapDropped(spec, pod, desired, podSpec);
  const env = spec.envSecrets;
  if (env === undefined) return;
  for (const v of envVolumes(spec, env)) upsert(podSpec.volumes as Volume[], v);
  if (env.binary.source === 'copy')
    upsert((podSpec.initContainers ??= []), binaryInitContainer(spec, env));
  applyEnvSecrets(spec, env, desired, podSpec);
}

export function buildDesiredPod(pod: Pod, spec: AgentSpec): DesiredPod {
  const clashes = ownedNameClashes(pod, spec.names);
  if (clashes.length > 0) return { ok: false, problems: clashes };
  const problems: Problem[] = [];
  const { desired, podSpec } = copyForInjection(pod, spec);
  const withAgent = agentRoles(spec).length > 0;
  const volumes = podSpec.volumes as Volume[];
  for (const v of agentVolumes(spec, spec.layout.init, spec.layout.sidecar !== 'none'))
    upsert(volumes, v);
  addSecretMounts(spec, podSpec, problems);
  placeAgentContainers(pod, spec, podSpec, problems);
  addEnvSecrets(spec, pod, desired, podSpec);
  // Whenever an agent container is injected, not only with the init container as vault-k8s does:
  // the sidecar is the one that needs to see the app's processes.
  if (withAgent) applyShareProcessNamespace(spec, podSpec, problems);
  if (problems.length > 0) return { ok: false, problems };
  const metadata = (desired.metadata ??= {});
  metadata.annotations = {
    ...(metadata.annotations ?? {}),
    [spec.names.statusAnnotation]: 'injected',
  };
  return { ok: true, pod: desired, injectionType: injectionTypeOf(spec) };
}
