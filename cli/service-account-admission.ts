// The API server's ServiceAccount admission plugin runs before mutating webhooks and mounts the
// kube-api-access token volume into every container; the injector finds that mount and shares it
// with the agent. A manifest's pod has not been through that plugin yet, so the workload pipeline
// (cli/pipeline.ts) adds the same volume before injecting, and `mutate` takes it out again
// afterwards: the API server adds the real one (to the agent containers too) when it creates the
// pods.
import { isRecord } from '../patches/is-record.js';

type Obj = Record<string, unknown>;

export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** Real pods get a random suffix; this name only lives between the two calls below. */
export const SIMULATED_TOKEN_VOLUME = 'kube-api-access-simulated';

function containersOf(spec: Obj): Obj[] {
  const lists = [spec.initContainers, spec.containers];
  return lists.flatMap((l) => (Array.isArray(l) ? l.filter(isRecord) : []));
}

function mountsOf(container: Obj): unknown[] {
  return Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
}

function hasTokenMount(container: Obj): boolean {
  return mountsOf(container).some((m) => isRecord(m) && m.mountPath === TOKEN_MOUNT_PATH);
}

function tokenVolume(): Obj {
  return {
    name: SIMULATED_TOKEN_VOLUME,
    projected: {
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [
              {
                path: 'namespace',
                fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
              },
            ],
          },
        },
      ],
      defaultMode: 420,
    },
  };
}

/**
 * Mounts the token as the plugin would (unless automounting is off or a container already mounts
 * something at the token path). Changes spec in place; returns whether anything was added.
 */
export function addServiceAccountToken(spec: unknown): boolean {
  if (!isRecord(spec) || spec.automountServiceAccountToken === false) return false;
  if (spec.volumes !== undefined && !Array.isArray(spec.volumes)) return false;
  const containers = containersOf(spec);
  if (containers.length === 0 || containers.some(hasTokenMount)) return false;
  spec.volumes = [...((spec.volumes as unknown[] | undefined) ?? []), tokenVolume()];
  for (const c of containers) {
    const mount = { name: SIMULATED_TOKEN_VOLUME, readOnly: true, mountPath: TOKEN_MOUNT_PATH };
    c.volumeMounts = [...mountsOf(c), mount];
  }
  return true;
}

/**
 * Takes the simulated volume and every mount of it out again. A list left empty is dropped when
 * `before` (the spec as it was) did not have it, so the output differs only by the injection.
 */
export function removeServiceAccountToken(spec: unknown, before: unknown): void {
  if (!isRecord(spec)) return;
  const had = isRecord(before) ? before : {};
  const isSimulated = (x: unknown): boolean => isRecord(x) && x.name === SIMULATED_TOKEN_VOLUME;
  const hadMounts = new Set(
    containersOf(had)
      .filter((c) => c.volumeMounts !== undefined)
      .map((c) => c.name),
  );
  if (Array.isArray(spec.volumes)) {
    const volumes = spec.volumes.filter((v) => !isSimulated(v));
    if (volumes.length === 0 && had.volumes === undefined) delete spec.volumes;
    else spec.volumes = volumes;
  }
  for (const c of containersOf(spec)) {
    if (!Array.isArray(c.volumeMounts)) continue;
    const mounts = c.volumeMounts.filter((m) => !isSimulated(m));
    if (mounts.length === 0 && !hadMounts.has(c.name)) delete c.volumeMounts;
    else c.volumeMounts = mounts;
  }
}
