// The init container vault-agent-init and the sidecar vault-agent (reference §3.1, §3.5, §3.8, §3.9).
import { agentEnv } from './agent-env.js';
import { encodeAgentConfigs, type AgentRole } from './agent-config.js';
import type { AgentSpec } from './agent-spec.js';
import { applyContainerPatch } from './json-patch-annotation.js';
import type { Container, Pod, SecurityContext } from './k8s-types.js';
import { agentMounts } from './volumes.js';

export const INIT_CONTAINER_NAME = 'vault-agent-init';
export const SIDECAR_CONTAINER_NAME = 'vault-agent';

const CONFIG_ARGS =
  'echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json';

function securityContext(spec: AgentSpec): SecurityContext {
  return {
    capabilities: { drop: ['ALL'] },
    runAsUser: spec.runAsUser,
    runAsGroup: spec.runAsGroup,
    runAsNonRoot: spec.runAsUser !== 0 && spec.runAsGroup !== 0,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    // Beyond vault-k8s: keeps a pod that passes Pod Security "restricted" passing after injection.
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The native sidecar's startup probe: the app containers start only once it passes, so it waits for
 * the agent's token sink and every template's first render (the files its config produces).
 */
export function renderedProbe(spec: AgentSpec): Record<string, unknown> | undefined {
  // In ConfigMap mode the token file is touched at start, so only the declared secrets tell.
  const token = spec.configMap === '' ? ['/home/vault/.vault-token'] : [];
  const files = [...token, ...spec.secrets.map((s) => s.destination)];
  if (files.length === 0) return undefined;
  const test = files.map((f) => `test -e '${f.replace(/'/g, `'\\''`)}'`).join(' && ');
  return {
    exec: { command: ['/bin/sh', '-c', test] },
    periodSeconds: 1,
    failureThreshold: 300,
    timeoutSeconds: 5,
  };
}

function preStop(spec: AgentSpec): Record<string, unknown> {
  const flags = [`-address=${spec.vault.address}`];
  if (spec.vault.caCert !== '') flags.push(`-ca-cert=${spec.vault.caCert}`);
  if (spec.vault.clientCert !== '') flags.push(`-client-cert=${spec.vault.clientCert}`);
  if (spec.vault.clientKey !== '') flags.push(`-client-key=${spec.vault.clientKey}`);
  const command = `/bin/sleep ${spec.revokeGrace} && /bin/vault token revoke ${flags.join(' ')} -self`;
  return { preStop: { exec: { command: ['/bin/sh', '-c', command] } } };
}

// Both containers of one injection share one serialisation (see encodeAgentConfigs).
const encoded = new WeakMap<AgentSpec, { init: string; sidecar: string }>();
function configsFor(spec: AgentSpec): { init: string; sidecar: string } {
  let pair = encoded.get(spec);
  if (pair === undefined) {
    pair = encodeAgentConfigs(spec);
    encoded.set(spec, pair);
  }
  return pair;
}

export type ContainerResult = { ok: true; container: Container } | { ok: false; message: string };

/** Builds one agent container; `role` decides exit_after_auth, mounts, lifecycle and the JSON patch applied. */
export function buildAgentContainer(spec: AgentSpec, pod: Pod, role: AgentRole): ContainerResult {
  const configFile = role === 'init' ? 'config-init.hcl' : 'config.hcl';
  const vaultConfig = spec.configMap === '' ? configsFor(spec)[role] : undefined;
  const container: Container = {
    name: role === 'init' ? INIT_CONTAINER_NAME : SIDECAR_CONTAINER_NAME,
    image: spec.image,
    command: ['/bin/sh', '-ec'],
    args: [
      vaultConfig !== undefined
        ? CONFIG_ARGS
        : `touch /home/vault/.vault-token && vault agent -config=/vault/configs/${configFile}`,
    ],
    env: agentEnv(spec, vaultConfig),
    resources: {
      ...(Object.keys(spec.resources.limits).length > 0
        ? { limits: { ...spec.resources.limits } }
        : {}),
      ...(Object.keys(spec.resources.requests).length > 0
        ? { requests: { ...spec.resources.requests } }
        : {}),
    },
    volumeMounts: agentMounts(spec, pod, role),
  };
  if (role === 'sidecar') container.lifecycle = spec.revokeOnShutdown ? preStop(spec) : {};
  if (role === 'sidecar' && spec.layout.sidecar === 'native') {
    container.restartPolicy = 'Always';
    const probe = renderedProbe(spec);
    if (probe) container.startupProbe = probe;
  }
  if (spec.setSecurityContext) container.securityContext = securityContext(spec);
  const patched = applyContainerPatch(
    container,
    role === 'init' ? spec.initJsonPatch : spec.jsonPatch,
  );
  return patched;
}
