// Which service-account token the agent logs in to Vault with: the app's own token mount (as
// vault-k8s finds it), a projected token volume the pod names, or a token the injector projects
// for the agent itself, which also works with automountServiceAccountToken: false.
import type { ServiceAccountToken } from './agent-spec.js';
import { isAgentContainerName, type InjectorNames } from './injector-names.js';
import type { Container, Pod, ProjectedSource, Volume } from './k8s-types.js';

export type TokenResult = { ok: true; token: ServiceAccountToken } | { ok: false; message: string };

interface ProjectedToken {
  readonly path: string;
  readonly audience: string;
}

/** Shapes are not checked this deep (only token discovery reads them): anything odd finds nothing. */
function projectedToken(volume: Volume | undefined): ProjectedToken | undefined {
  const sources: unknown = volume?.projected?.sources;
  if (!Array.isArray(sources)) return undefined;
  for (const source of sources as unknown[]) {
    const token: unknown = (source as ProjectedSource | null)?.serviceAccountToken;
    const found = tokenSource(token);
    if (found !== undefined) return found;
  }
  return undefined;
}

function tokenSource(token: unknown): ProjectedToken | undefined {
  if (typeof token !== 'object' || token === null) return undefined;
  const { path, audience } = token as { path?: unknown; audience?: unknown };
  if (typeof path !== 'string' || path === '') return undefined;
  return { path, audience: typeof audience === 'string' ? audience : '' };
}

function podLabel(pod: Pod): string {
  return pod.metadata?.name ?? pod.metadata?.generateName ?? '';
}

/** agent-service-account-token-volume-name: a projected token volume the pod brings itself. */
function namedTokenVolume(
  pod: Pod,
  containers: readonly Container[],
  volumeName: string,
  names: InjectorNames,
): TokenResult {
  const volume = (pod.spec?.volumes ?? []).find((v) => v.name === volumeName);
  const mount = containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.name === volumeName);
  if (mount && !volume) {
    return {
      ok: false,
      message: `volume "${volumeName}" is mounted but not in spec.volumes of pod "${podLabel(pod)}"`,
    };
  }
  if (!volume) return { ok: false, message: `no volume named "${volumeName}" in spec.volumes` };
  const token = projectedToken(volume);
  if (token === undefined) {
    return {
      ok: false,
      message: `volume "${volumeName}" has no projected serviceAccountToken source with a path`,
    };
  }
  const mountPath = mount?.mountPath ?? names.paths.agentToken;
  return {
    ok: true,
    token: { volumeName, mountPath, tokenPath: token.path, audience: token.audience },
  };
}

/** vault-k8s's discovery: a named volume, or the first app mount whose path contains "serviceaccount". */
export function findServiceAccountToken(
  pod: Pod,
  volumeName: string,
  names: InjectorNames,
): TokenResult {
  // The agent containers of an earlier injection are not the app's: their mounts never count.
  const containers = (pod.spec?.containers ?? []).filter(
    (c) => !isAgentContainerName(names, c.name),
  );
  if (volumeName !== '') return namedTokenVolume(pod, containers, volumeName, names);
  const mount = containers
    .flatMap((c) => c.volumeMounts ?? [])
    .find((m) => m.mountPath.includes('serviceaccount'));
  if (!mount) {
    return {
      ok: false,
      message:
        'no service-account token mount found in the app containers (automountServiceAccountToken: false?); set vault.hashicorp.com/agent-service-account-token-volume-name',
    };
  }
  // The kubelet's own token has the API server's audience; a projected one may name another.
  const volume = (pod.spec?.volumes ?? []).find((v) => v.name === mount.name);
  const audience = projectedToken(volume)?.audience ?? '';
  const token = {
    volumeName: mount.name,
    mountPath: mount.mountPath,
    tokenPath: names.tokenFile,
    audience,
  };
  return { ok: true, token };
}

/** The agent's own projected token: works with automountServiceAccountToken: false. */
export function projectedAgentToken(
  audience: string,
  expirationSeconds: number,
  names: InjectorNames,
): ServiceAccountToken {
  return {
    volumeName: names.volumes.agentToken,
    mountPath: names.paths.agentToken,
    tokenPath: names.tokenFile,
    audience,
    addVolume: { expirationSeconds },
  };
}
