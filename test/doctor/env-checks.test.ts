// env-config-missing: a container wrapped for env secrets whose agent cannot start, taken from the
// golden env-only pod with one part removed at a time, as an API server with ImageVolume off does.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkEnvWrapped } from '../../cli/doctor/env-checks.js';
import type { Obj } from '../../cli/doctor/k8s-objects.js';

const injected = (): Obj => {
  const pod = parse(
    readFileSync(new URL('../golden/env-image-volume-mode/expected.yaml', import.meta.url), 'utf8'),
  ) as Obj & { metadata: { name?: string; namespace?: string } };
  pod.metadata.name = 'web-1';
  pod.metadata.namespace = 'shop';
  return pod;
};

describe('checkEnvWrapped', () => {
  it('says nothing about a complete injection', () => {
    expect(checkEnvWrapped(injected(), new Map())).toEqual([]);
  });

  it('reports the volume the API server dropped, with the fix', () => {
    const pod = injected() as { spec: { volumes: Array<{ name: string }> } } & Obj;
    pod.spec.volumes = pod.spec.volumes.filter((v) => v.name !== 'vault-agent-bin');
    const [f, ...rest] = checkEnvWrapped(pod, new Map());
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      code: 'env-config-missing',
      severity: 'error',
      object: 'Pod/shop/web-1',
      message:
        'Container app runs the agent for env secrets, but the vault-agent-bin volume is missing, so it cannot start.',
    });
    expect(f?.hint).toContain('--agent-binary-source=copy');
  });

  it('reports a missing config annotation', () => {
    const pod = injected() as { metadata: { annotations: Record<string, string> } } & Obj;
    delete pod.metadata.annotations['vault.hashicorp.com/agent-env-config-0'];
    expect(checkEnvWrapped(pod, new Map())[0]?.message).toContain(
      'the vault.hashicorp.com/agent-env-config-0 annotation is missing',
    );
  });
});

describe('checkEnvWrapped on OpenBao pods', () => {
  it('reads OpenBao names: a dropped openbao-agent-bin volume is reported', () => {
    const pod = parse(
      readFileSync(
        new URL('../golden/openbao-env-and-files-image-volume/expected.yaml', import.meta.url),
        'utf8',
      ),
    ) as { spec: { volumes: Array<{ name: string }> } } & Obj;
    expect(checkEnvWrapped(pod, new Map())).toEqual([]);
    pod.spec.volumes = pod.spec.volumes.filter((v) => v.name !== 'openbao-agent-bin');
    expect(checkEnvWrapped(pod, new Map())[0]?.message).toContain(
      'the openbao-agent-bin volume is missing',
    );
  });
});
