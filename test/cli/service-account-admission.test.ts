import { describe, expect, it } from 'vitest';
import {
  SIMULATED_TOKEN_VOLUME,
  TOKEN_MOUNT_PATH,
  addServiceAccountToken,
  removeServiceAccountToken,
} from '../../cli/service-account-admission.js';

type Spec = Record<string, unknown> & {
  containers: { name: string; volumeMounts?: { name: string; mountPath: string }[] }[];
  initContainers?: { name: string; volumeMounts?: { name: string; mountPath: string }[] }[];
  volumes?: { name: string }[];
};

function spec(): Spec {
  return {
    initContainers: [{ name: 'setup' }],
    containers: [{ name: 'app', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data' }],
  };
}

describe('addServiceAccountToken', () => {
  it('mounts the token volume into every container, as the API server would', () => {
    const s = spec();
    expect(addServiceAccountToken(s)).toBe(true);
    expect(s.volumes?.map((v) => v.name)).toEqual(['data', SIMULATED_TOKEN_VOLUME]);
    for (const c of [...s.containers, ...(s.initContainers ?? [])]) {
      expect(c.volumeMounts).toContainEqual({
        name: SIMULATED_TOKEN_VOLUME,
        readOnly: true,
        mountPath: TOKEN_MOUNT_PATH,
      });
    }
  });

  it('does nothing when automounting is off', () => {
    const s = { ...spec(), automountServiceAccountToken: false };
    expect(addServiceAccountToken(s)).toBe(false);
    expect(s.volumes).toEqual([{ name: 'data' }]);
  });

  it('does nothing when a container already mounts something at the token path', () => {
    const s = spec();
    s.containers[0]!.volumeMounts!.push({ name: 'own', mountPath: TOKEN_MOUNT_PATH });
    expect(addServiceAccountToken(s)).toBe(false);
  });

  it('ignores specs it cannot read', () => {
    expect(addServiceAccountToken(undefined)).toBe(false);
    expect(addServiceAccountToken({ containers: 'x' })).toBe(false);
    expect(addServiceAccountToken({ containers: [{ name: 'a' }], volumes: 'x' })).toBe(false);
  });
});

describe('removeServiceAccountToken', () => {
  it('restores the spec exactly, including lists that did not exist', () => {
    const before = spec();
    const s = structuredClone(before);
    addServiceAccountToken(s);
    removeServiceAccountToken(s, before);
    expect(s).toEqual(before);

    const bare = { containers: [{ name: 'app' }] };
    const t = structuredClone(bare);
    addServiceAccountToken(t);
    removeServiceAccountToken(t, bare);
    expect(t).toEqual(bare);
  });

  it('removes mounts of the simulated volume from containers added since', () => {
    const before = { containers: [{ name: 'app' }] };
    const s = structuredClone(before) as Spec;
    addServiceAccountToken(s);
    s.containers.push({
      name: 'vault-agent',
      volumeMounts: [
        { name: SIMULATED_TOKEN_VOLUME, mountPath: TOKEN_MOUNT_PATH },
        { name: 'home', mountPath: '/home/vault' },
      ],
    });
    removeServiceAccountToken(s, before);
    expect(s.containers[1]!.volumeMounts).toEqual([{ name: 'home', mountPath: '/home/vault' }]);
    expect(s.volumes).toBeUndefined();
  });

  it('keeps a list that existed empty', () => {
    const before = { containers: [{ name: 'app', volumeMounts: [] }], volumes: [] };
    const s = structuredClone(before);
    addServiceAccountToken(s);
    removeServiceAccountToken(s, before);
    expect(s).toEqual(before);
  });
});
