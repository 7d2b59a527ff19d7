// The two agent containers: the init container that renders secrets before the app starts, and
// the long-running sidecar that keeps them fresh (a regular container or a native sidecar).
import { agentEnv } from './agent-env.js';
import { encodeAgentConfig, type AgentRole } from './agent-config.js';
import type { AgentSecuritySpec, AgentSpec } from './agent-spec.js';
import { applyContainerPatch } from './json-patch-annotation.js';
import type { Container, Pod, SecurityContext } from './k8s-types.js';
import { agentMounts } from './volumes.js';

/** The container's shell line: decode the generated config, or use the ConfigMap's own file. */
function agentArgs(spec: AgentSpec, role: AgentRole, generated: boolean): string {
  const { paths, binary, envPrefix, tokenSink } = spec.names;
  const { home, configMap } = paths;
  if (generated) {
    return `echo \${${envPrefix}CONFIG?} | base64 -d > ${home}/config.json && ${binary} agent -config=${home}/config.json`;
  }
  const file = role === 'init' ? 'config-init.hcl' : 'config.hcl';
  return `touch ${home}/${tokenSink} && ${binary} agent -config=${configMap}/${file}`;
}

export function agentSecurityContext(spec: AgentSpec): SecurityContext {
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
  const sink = `${spec.names.paths.home}/${spec.names.tokenSink}`;
  const token = spec.configMap === '' ? [sink] : [];
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
  const { revokeCli, revokeTokenEnv, paths, tokenSink } = spec.names;
  const token = revokeTokenEnv === '' ? '' : `${revokeTokenEnv}=$(cat ${paths.home}/${tokenSink}) `;
  const command = `/bin/sleep ${spec.revokeGrace} && ${token}${revokeCli} token revoke ${flags.join(' ')} -self`;
  return { preStop: { exec: { command: ['/bin/sh', '-c', command] } } };
}

export type ContainerResult = { ok: true; container: Container } | { ok: false; message: string };

export function agentResources(spec: AgentSecuritySpec): Container['resources'] {
  const { limits, requests } = spec.resources;
  return {
    ...(Object.keys(limits).length > 0 ? { limits: { ...limits } } : {}),
    ...(Object.keys(requests).length > 0 ? { requests: { ...requests } } : {}),
  };
}

/** What only the long-running agent has: the revoke hook and, as a native sidecar, its probe. */
function addSidecarParts(spec: AgentSpec, container: Container): void {
  container.lifecycle = spec.revokeOnShutdown ? preStop(spec) : {};
  if (spec.layout.sidecar !== 'native') return;
  container.restartPolicy = 'Always';
  const probe = renderedProbe(spec);
  if (probe) container.startupProbe = probe;
}

/** Builds one agent container; `role` decides exit_after_auth, mounts, lifecycle and the JSON patch applied. */
export function buildAgentContainer(spec: AgentSpec, pod: Pod, role: AgentRole): ContainerResult {
  const vaultConfig = spec.configMap === '' ? encodeAgentConfig(spec, role) : undefined;
  const { initContainer, sidecarContainer } = spec.names;
  const container: Container = {
    name: role === 'init' ? initContainer : sidecarContainer,
    image: spec.image,
    command: ['/bin/sh', '-ec'],
    args: [agentArgs(spec, role, vaultConfig !== undefined)],
    env: agentEnv(spec, vaultConfig),
    resources: agentResources(spec),
    volumeMounts: agentMounts(spec, pod, role),
  };
  if (role === 'sidecar') addSidecarParts(spec, container);
  if (spec.setSecurityContext) container.securityContext = agentSecurityContext(spec);
  return applyContainerPatch(container, role === 'init' ? spec.initJsonPatch : spec.jsonPatch);
}
