// Which service-account token the agent logs in to Vault with (reference §3.4, plus the dedicated
// projected token that goes beyond vault-k8s).
import { INIT_CONTAINER_NAME, SIDECAR_CONTAINER_NAME } from './containers.js';
import type { ServiceAccountToken } from './agent-spec.js';
import type { Pod, ProjectedSource, Volume } from './k8s-types.js';

export const AGENT_TOKEN_MOUNT_PATH = '/var/run/secrets/vault.hashicorp.com/serviceaccount';
/** Name of the projected volume the injector adds when it gives the agent its own token. */
export const AGENT_TOKEN_VOLUME_NAME = 'vault-agent-token';

export type TokenResult = { ok: true; token: ServiceAccountToken } | { ok: false; message: string };

/** Shapes are not checked this deep (only this annotation reads them): anything odd finds no path. */
function projectedTokenPath(volume: Volume): string | undefined {
  const sources: unknown = volume.projected?.sources;
  if (!Array.isArray(sources)) return undefined;
  for (const source of sources as unknown[]) {
    const path: unknown = (source as ProjectedSource | null)?.serviceAccountToken?.path;
    if (typeof path === 'string' && path !== '') return path;
  }
  return undefined;
}

/** The agent containers of an earlier injection are not the app's: their mounts never count. */
const AGENT_CONTAINERS: ReadonlySet<string> = new Set([
  INIT_CONTAINER_NAME,
  SIDECAR_CONTAINER_NAME,
]);

/** vault-k8s's discovery: a named volume, or the first app mount whose path contains "serviceaccount". */
export function findServiceAccountToken(pod: Pod, volumeName: string): TokenResult {
  const containers = (pod.spec?.containers ?? []).filter((c) => !AGENT_CONTAINERS.has(c.name));
  const volumes = pod.spec?.volumes ?? [];
  if (volumeName !== '') {
    const volume = volumes.find((v) => v.name === volumeName);
    const mount = containers
      .flatMap((c) => c.volumeMounts ?? [])
      .find((m) => m.name === volumeName);
    if (mount && !volume) {
      return {
        ok: false,
        message: `volume "${volumeName}" is mounted but not in spec.volumes of pod "${pod.metadata?.name ?? pod.metadata?.generateName ?? ''}"`,
      };
    }
    if (!volume) return { ok: false, message: `no volume named "${volumeName}" in spec.volumes` };
    const tokenPath = projectedTokenPath(volume);
    if (tokenPath === undefined) {
      return {
        ok: false,
        message: `volume "${volumeName}" has no projected serviceAccountToken source with a path`,
      };
    }
    return {
      ok: true,
      token: { volumeName, mountPath: mount?.mountPath ?? AGENT_TOKEN_MOUNT_PATH, tokenPath },
    };
  }
  const mount = containers
    .flatMap((c) => c.volumeMounts ?? [])
    .find((m) => m.mountPath.includes('serviceaccount'));
  if (!mount) {
    return {
      ok: false,
      message:
        'no service-account token mount found in the app containers (automountServiceAccountToken: false?); set vault.hashicorp.com/agent-service-account-token-volume-name or enable --sa-token-projection',
    };
  }
  return {
    ok: true,
    token: { volumeName: mount.name, mountPath: mount.mountPath, tokenPath: 'token' },
  };
}

/** The agent's own projected token: works with automountServiceAccountToken: false. */
export function projectedAgentToken(
  audience: string,
  expirationSeconds: number,
): ServiceAccountToken {
  return {
    volumeName: AGENT_TOKEN_VOLUME_NAME,
    mountPath: AGENT_TOKEN_MOUNT_PATH,
    tokenPath: 'token',
    addVolume: { audience, expirationSeconds },
  };
}
