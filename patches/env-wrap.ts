// Env secrets in the desired pod: each wrapped container runs the agent as its entrypoint, with its
// config from an annotation mounted by a downward-API volume (no ConfigMap to create, no env var the
// app would inherit, no shell), and the agent binary from an init container's copy or an image volume.
import type { AgentSpec } from './agent-spec.js';
import { buildEnvAgentConfig } from './env-agent-config.js';
import type { EnvSecrets } from './env-spec.js';
import type { Container, Pod, PodSpec, Volume, VolumeMount } from './k8s-types.js';
import { agentResources, agentSecurityContext } from './containers.js';
import { recordedArgv } from './wrap-containers.js';

/** Room for the agent binary: Vault's is about 355 MB with its debug symbols, OpenBao's smaller. */
export const AGENT_BINARY_SIZE_LIMIT = '512Mi';

const configFile = (c: { readonly name: string }): string => `${c.name}.json`;

function binaryVolume(spec: AgentSpec, env: EnvSecrets): Volume {
  const name = spec.names.volumes.agentBinary;
  if (env.binary.source === 'image-volume') {
    // No pullPolicy: the API server defaults it as for containers (Always for :latest).
    return { name, image: { reference: spec.image } };
  }
  // Disk-backed: a Memory emptyDir would charge the binary to the pod's memory.
  return { name, emptyDir: { sizeLimit: AGENT_BINARY_SIZE_LIMIT } };
}

function configVolume(spec: AgentSpec, env: EnvSecrets): Volume {
  const prefix = spec.names.envConfigAnnotationPrefix;
  const items = env.containers.map((c) => ({
    path: configFile(c),
    fieldRef: { fieldPath: `metadata.annotations['${prefix}${c.index}']` },
  }));
  return { name: spec.names.volumes.envConfig, downwardAPI: { items } };
}

export function envVolumes(spec: AgentSpec, env: EnvSecrets): Volume[] {
  return [binaryVolume(spec, env), configVolume(spec, env)];
}

/** Copy mode: the agent image copies its own binary where the app containers can run it. */
export function binaryInitContainer(spec: AgentSpec, env: EnvSecrets): Container {
  const { names } = spec;
  const target = env.binary.runPath;
  const container: Container = {
    name: names.binaryInitContainer,
    image: spec.image,
    command: ['/bin/sh', '-ec', `cp /${env.binary.imagePath} ${target}`],
    resources: agentResources(spec),
    volumeMounts: [{ name: names.volumes.agentBinary, mountPath: names.paths.agentBinary }],
  };
  if (spec.setSecurityContext) container.securityContext = agentSecurityContext(spec);
  return container;
}

/** The mounts a wrapped container needs: binary, config, the agent's token, and TLS files if asked. */
function wrappedMounts(spec: AgentSpec): VolumeMount[] {
  const { volumes: v, paths } = spec.names;
  const mounts: VolumeMount[] = [
    { name: v.agentBinary, readOnly: true, mountPath: paths.agentBinary },
    { name: v.envConfig, readOnly: true, mountPath: paths.envConfig },
    {
      name: spec.serviceAccount.volumeName,
      readOnly: true,
      mountPath: spec.serviceAccount.mountPath,
    },
  ];
  if (spec.tlsSecret !== '')
    mounts.push({ name: v.tlsSecrets, readOnly: true, mountPath: paths.tls });
  return mounts;
}

/** The container with the agent as its entrypoint; a mount the container already has is kept. */
function wrap(spec: AgentSpec, env: EnvSecrets, c: Container): Container {
  const { args: _args, ...rest } = c;
  const list = [...(c.volumeMounts ?? [])];
  for (const m of wrappedMounts(spec)) {
    if (!list.some((x) => x.mountPath === m.mountPath)) list.push(m);
  }
  return {
    ...rest,
    command: [
      env.binary.runPath,
      'agent',
      `-config=${spec.names.paths.envConfig}/${configFile(c)}`,
    ],
    volumeMounts: list,
  };
}

/** Wraps the chosen containers and records each one's config in the pod's annotations. */
export function applyEnvSecrets(
  spec: AgentSpec,
  env: EnvSecrets,
  desired: Pod,
  podSpec: PodSpec,
): void {
  const annotations = { ...(desired.metadata?.annotations ?? {}) };
  const prefix = spec.names.envConfigAnnotationPrefix;
  // An earlier injection's configs go first, so a container no longer wrapped leaves none behind.
  for (const key of Object.keys(annotations)) if (key.startsWith(prefix)) delete annotations[key];
  for (const w of env.containers) {
    const c = podSpec.containers[w.index] as Container;
    podSpec.containers[w.index] = wrap(spec, env, c);
    annotations[`${prefix}${w.index}`] = JSON.stringify(buildEnvAgentConfig(spec, env, w));
  }
  desired.metadata = { ...desired.metadata, annotations };
}

/**
 * Re-injection of a pod whose containers an earlier injection wrapped but the annotations no longer
 * ask for: each gets its argv back as its command, with every `$` written as `$$` so Kubernetes'
 * expansion leaves the already expanded argv as it is; the stale configs go too.
 */
export function unwrapDropped(spec: AgentSpec, pod: Pod, desired: Pod, podSpec: PodSpec): void {
  const kept = new Set((spec.envSecrets?.containers ?? []).map((c) => c.index));
  podSpec.containers.forEach((c, i) => {
    const argv = kept.has(i)
      ? undefined
      : recordedArgv(pod, i, spec.names, spec.names.envConfigAnnotationPrefix);
    if (argv !== undefined)
      podSpec.containers[i] = { ...c, command: argv.map((a) => a.replace(/\$/g, '$$$$')) };
  });
  if (spec.envSecrets !== undefined) return;
  const prefix = spec.names.envConfigAnnotationPrefix;
  const annotations = desired.metadata?.annotations ?? {};
  if (!Object.keys(annotations).some((k) => k.startsWith(prefix))) return;
  desired.metadata = {
    ...desired.metadata,
    annotations: Object.fromEntries(
      Object.entries(annotations).filter(([k]) => !k.startsWith(prefix)),
    ),
  };
}
