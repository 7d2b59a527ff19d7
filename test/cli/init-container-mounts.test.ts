// The app's own init containers get the secrets mount only when an agent renders the secrets before
// them, as vault-k8s adds it only with the init agent: with agent-pre-populate "false" they are left
// as written, so one that mounts its own volume at /vault/secrets is admitted, as vault-k8s admits it.
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { runCli } from './built-cli.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const OWN_MOUNT = { name: 'web-config', mountPath: '/vault/secrets' };

function podWith(annotations: Record<string, string>, initMounts: Obj[]): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web',
      annotations: {
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'web',
        'vault.hashicorp.com/agent-inject-secret-db': 'secret/db',
        ...annotations,
      },
    },
    spec: {
      initContainers: [{ name: 'web-init', image: 'example/web-init:1', volumeMounts: initMounts }],
      containers: [{ name: 'app', image: 'example/app:1' }],
      volumes: [{ name: 'web-config', emptyDir: {} }],
    },
  };
}

function review(pod: Obj): Obj {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'app',
      operation: 'CREATE',
      object: pod,
    },
  };
}

/** The response, and web-init as the patched pod has it. */
async function respond(
  annotations: Record<string, string>,
  initMounts: Obj[],
): Promise<{ response: Obj; patch: Obj[]; webInit: Obj }> {
  const pod = podWith(annotations, initMounts);
  const run = await runCli(['review', '-f', '-'], { input: JSON.stringify(review(pod)) });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const response = (JSON.parse(run.stdout) as Obj).response as Obj;
  const patch =
    typeof response.patch === 'string'
      ? (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Obj[])
      : [];
  const patched = jsonpatch.applyPatch(structuredClone(pod), patch as jsonpatch.Operation[])
    .newDocument as Obj;
  const webInit = (patched.spec.initContainers as Obj[]).find((c) => c.name === 'web-init') ?? {};
  return { response, patch, webInit };
}

const touchesInitContainers = (patch: Obj[]): Obj[] =>
  patch.filter((op) => String(op.path).startsWith('/spec/initContainers'));

describe('existing init containers and the secrets mount (review, built CLI)', () => {
  it('agent-pre-populate "false": web-init keeps its own /vault/secrets mount and the pod is admitted', async () => {
    const { response, patch, webInit } = await respond(
      { 'vault.hashicorp.com/agent-pre-populate': 'false' },
      [OWN_MOUNT],
    );
    expect(response.status?.message).toBeUndefined();
    expect(response.allowed).toBe(true);
    expect(touchesInitContainers(patch)).toEqual([]);
    expect(webInit.volumeMounts).toEqual([OWN_MOUNT]);
    // The sidecar still serves the app container.
    const app = patch.find((op) => op.path === '/spec/containers/0/volumeMounts');
    expect(app?.value).toEqual([{ name: 'vault-secrets', mountPath: '/vault/secrets' }]);
  });

  it('agent-pre-populate "false": an init container without mounts gets none', async () => {
    const { response, patch, webInit } = await respond(
      { 'vault.hashicorp.com/agent-pre-populate': 'false' },
      [],
    );
    expect(response.allowed).toBe(true);
    expect(touchesInitContainers(patch)).toEqual([]);
    expect(webInit.volumeMounts).toEqual([]);
  });

  it('with the init agent (the default) web-init gets the mount, as in vault-k8s', async () => {
    const { response, webInit } = await respond({}, []);
    expect(response.allowed).toBe(true);
    expect(webInit.volumeMounts).toEqual([{ name: 'vault-secrets', mountPath: '/vault/secrets' }]);
  });

  it('with the init agent, web-init mounting its own volume at /vault/secrets is still denied', async () => {
    const { response } = await respond({}, [OWN_MOUNT]);
    expect(response.allowed).toBe(false);
    expect(response.status.message).toContain(
      'container "web-init" already mounts volume "web-config" at /vault/secrets',
    );
  });
});
