import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { mutateDocuments } from '../../cli/mutate-documents.js';
import { SIMULATED_TOKEN_VOLUME } from '../../cli/service-account-admission.js';
import { mutateObject, type ObjectResult } from '../../cli/workloads.js';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../patches/injector-config.js';
import { formatWarning } from '../../admission/format-finding.js';
import { settingName } from '../../cli/setting-names.js';
import type { Finding } from '../../patches/finding.js';

type Obj = Record<string, unknown>;
interface PodLike {
  metadata?: { annotations?: Record<string, string> };
  spec: {
    containers: { name: string }[];
    initContainers?: { name: string; restartPolicy?: string }[];
    volumes?: { name: string }[];
  };
}

const INJECT = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'web',
  'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/web',
};

function template(annotations: Record<string, string> = INJECT): Obj {
  return {
    metadata: { labels: { app: 'web' }, annotations: { ...annotations } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
  };
}

function workload(kind: string, annotations?: Record<string, string>): Obj {
  const meta = { name: 'web', namespace: 'shop' };
  if (kind === 'CronJob') {
    return {
      apiVersion: 'batch/v1',
      kind,
      metadata: meta,
      spec: { schedule: '@daily', jobTemplate: { spec: { template: template(annotations) } } },
    };
  }
  // OpenShift's DeploymentConfig keeps its pod template where a Deployment does.
  const apiVersion = kind === 'DeploymentConfig' ? 'apps.openshift.io/v1' : 'apps/v1';
  return { apiVersion, kind, metadata: meta, spec: { template: template(annotations) } };
}

function pod(extra: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug', namespace: 'tools', annotations: { ...INJECT }, ...extra },
    spec: { containers: [{ name: 'shell', image: 'busybox:1.36' }] },
  };
}

function podOf(object: unknown): PodLike {
  const o = object as Obj & { spec: Obj };
  if (o.kind === 'Pod') return object as PodLike;
  if (o.kind === 'CronJob') {
    return ((o.spec.jobTemplate as Obj).spec as Obj).template as PodLike;
  }
  return o.spec.template as PodLike;
}

function run(object: unknown, cfg: Partial<InjectorConfig> = {}, namespace?: string): ObjectResult {
  return mutateObject(object, { namespace, config: { ...DEFAULT_INJECTOR_CONFIG, ...cfg } });
}

function injected(result: ObjectResult): Extract<ObjectResult, { status: 'injected' }> {
  if (result.status !== 'injected') {
    throw new Error(`expected injected, got ${result.status}: ${JSON.stringify(result)}`);
  }
  return result;
}

// These need the injection engine (patches/build-injection.ts).
describe('mutateObject injects what the webhook would', () => {
  it.each([
    'Deployment',
    'StatefulSet',
    'DaemonSet',
    'ReplicaSet',
    'ReplicationController',
    'Job',
    'CronJob',
    'DeploymentConfig',
  ])('injects the pod template of a %s', (kind) => {
    const input = workload(kind);
    const snapshot = structuredClone(input);
    const r = injected(run(input));
    const p = podOf(r.object);
    expect(p.metadata?.annotations?.['vault.hashicorp.com/agent-inject-status']).toBe('injected');
    expect(p.spec.containers.map((c) => c.name)).toEqual(['web', 'vault-agent']);
    expect(p.spec.initContainers?.map((c) => c.name)).toEqual(['vault-agent-init']);
    expect(r.identity).toEqual({
      apiVersion: input.apiVersion,
      kind,
      namespace: 'shop',
      name: 'web',
    });
    // The input is untouched and the patch turns it into the printed object.
    expect(input).toEqual(snapshot);
    expect(
      jsonpatch.applyPatch(structuredClone(input), [...r.patch], true, false).newDocument,
    ).toEqual(r.object);
    const prefix = kind === 'CronJob' ? '/spec/jobTemplate/spec/template/' : '/spec/template/';
    for (const op of r.patch) expect(op.path.startsWith(prefix)).toBe(true);
  });

  it('injects a Pod', () => {
    const r = injected(run(pod()));
    const p = podOf(r.object);
    expect(p.spec.containers.map((c) => c.name)).toEqual(['shell', 'vault-agent']);
    expect(p.spec.initContainers?.map((c) => c.name)).toEqual(['vault-agent-init']);
    expect(r.identity).toMatchObject({ kind: 'Pod', namespace: 'tools', name: 'debug' });
  });

  it('is idempotent: an injected object comes back unchanged', () => {
    const once = injected(run(workload('Deployment')));
    expect(run(once.object).status).toBe('unchanged');
  });

  it("keeps a Pod's managedFields", () => {
    const managedFields = [{ manager: 'kubectl', operation: 'Update' }];
    const r = injected(run(pod({ managedFields })));
    expect((r.object.metadata as Obj).managedFields).toEqual(managedFields);
  });

  it('injects only the init container for a pre-populate-only CronJob', () => {
    const r = injected(
      run(
        workload('CronJob', { ...INJECT, 'vault.hashicorp.com/agent-pre-populate-only': 'true' }),
      ),
    );
    const p = podOf(r.object);
    expect(p.spec.containers.map((c) => c.name)).toEqual(['web']);
    expect(p.spec.initContainers?.map((c) => c.name)).toEqual(['vault-agent-init']);
  });

  it('shares the API server token mount when projection is off, without leaving the stand-in behind', () => {
    const r = injected(run(workload('Deployment'), { saTokenProjection: false }));
    expect(JSON.stringify(r.object)).not.toContain(SIMULATED_TOKEN_VOLUME);
    expect(JSON.stringify(r.patch)).not.toContain(SIMULATED_TOKEN_VOLUME);
    expect(podOf(r.object).spec.containers.map((c) => c.name)).toEqual(['web', 'vault-agent']);
  });

  it('denies a template without a token when projection is off and automounting is disabled', () => {
    const input = workload('Deployment');
    ((input.spec as Obj).template as { spec: Obj }).spec.automountServiceAccountToken = false;
    const r = run(input, { saTokenProjection: false });
    expect(r.status).toBe('denied');
  });
});

describe('mutateObject leaves alone what the webhook would not touch', () => {
  it.each([
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [] } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'no-template' }, spec: {} },
    { kind: 'Deployment', spec: { template: 'not an object' } },
    'a string',
    null,
  ])('%j', (input) => {
    const r = run(input);
    expect(r.status).toBe('unchanged');
    if (r.status === 'unchanged') expect(r.object).toBe(input);
  });

  it('passes through a workload whose pods are not annotated', () => {
    const input = workload('Deployment', { other: 'x' });
    expect(run(input)).toMatchObject({ status: 'unchanged', object: input });
  });

  it('passes through a workload with agent-inject "false"', () => {
    expect(
      run(workload('Deployment', { 'vault.hashicorp.com/agent-inject': 'false' })).status,
    ).toBe('unchanged');
  });
});

/** Warnings as `mutate` prints them. */
const lines = (r: { warnings: readonly Finding[] }): string[] =>
  r.warnings.map((w) => formatWarning(w, settingName));

describe('mutateObject warns about vault annotations the injector never sees', () => {
  const MISPLACED =
    "vault.hashicorp.com/agent-pre-populate-only: ignored on Deployment/shop/web's own metadata: " +
    "move it to the pod template's annotations";

  it("warns about keys on a Deployment's own metadata, and still injects its template", () => {
    const input = workload('Deployment');
    (input.metadata as Obj).annotations = {
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
      // Also on the template, as charts often set both: that copy takes effect, no warning.
      'vault.hashicorp.com/role': 'web',
    };
    const r = injected(run(input));
    expect(lines(r)).toEqual([MISPLACED]);
    expect(podOf(r.object).spec.containers.map((c) => c.name)).toEqual(['web', 'vault-agent']);
  });

  it('warns when the template is not annotated at all, and passes the object through', () => {
    const input = workload('Deployment', {});
    (input.metadata as Obj).annotations = { 'vault.hashicorp.com/agent-pre-populate-only': 'x' };
    const r = run(input);
    expect(r.status).toBe('unchanged');
    expect(lines(r)).toEqual([MISPLACED]);
  });

  it("warns about keys on a CronJob's jobTemplate and on objects with no pods", () => {
    const cron = workload('CronJob');
    const jobTemplate = (cron.spec as { jobTemplate: Obj }).jobTemplate;
    jobTemplate.metadata = { annotations: { 'vault.hashicorp.com/agent-inject-token': 'true' } };
    expect(lines(run(cron))).toContainEqual(
      expect.stringMatching(
        /^vault\.hashicorp\.com\/agent-inject-token: ignored on CronJob\/shop\/web jobTemplate's own metadata/,
      ),
    );
    const cm = {
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { 'vault.hashicorp.com/role': 'x' } },
    };
    const r = run(cm);
    expect(r.status).toBe('unchanged');
    expect(lines(r)).toEqual([
      expect.stringContaining(
        "does nothing on ConfigMap/default/c: it has no pod template, and the injector reads only pods' annotations",
      ),
    ]);
  });
});

describe('mutateObject reports denials with the object they stop', () => {
  it('names the object and the annotation at fault', () => {
    const r = run(workload('Deployment', { 'vault.hashicorp.com/agent-inject': 'maybe' }));
    expect(r).toMatchObject({
      status: 'denied',
      identity: { kind: 'Deployment', namespace: 'shop', name: 'web' },
    });
    if (r.status === 'denied') {
      expect(r.problems.map((p) => p.key)).toEqual(['vault.hashicorp.com/agent-inject']);
    }
  });

  it('injects as --namespace, then the object namespace, then "default"', () => {
    // kube-system is refused by the engine, which shows which namespace was used.
    const inShop = workload('Deployment', { 'vault.hashicorp.com/agent-inject': 'maybe' });
    expect(run(inShop, {}, 'kube-system')).toMatchObject({
      identity: { namespace: 'kube-system' },
    });
    expect(run(inShop)).toMatchObject({ identity: { namespace: 'shop' } });
    const noNs = { ...inShop, metadata: { name: 'web' } };
    expect(run(noNs)).toMatchObject({ identity: { namespace: 'default' } });
    const sys = { ...workload('Deployment'), metadata: { name: 'web', namespace: 'kube-system' } };
    expect(run(sys).status).toBe('denied');
    expect(run(sys, {}, 'app').status).toBe('injected');
  });

  it('names a pod from generateName when it has no name', () => {
    const p = pod();
    (p.metadata as Obj).name = undefined;
    (p.metadata as Obj).generateName = 'debug-';
    (p.metadata as Obj).annotations = { 'vault.hashicorp.com/agent-inject': 'maybe' };
    expect(run(p)).toMatchObject({ identity: { name: 'debug-' } });
  });
});

describe('mutateDocuments', () => {
  it('keeps order, descends into Lists and leaves denied objects out', () => {
    const denied = workload('Deployment', { 'vault.hashicorp.com/agent-inject': 'maybe' });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } };
    const list = { apiVersion: 'v1', kind: 'List', items: [denied, cm] };
    const out = mutateDocuments([cm, list, pod()], {
      namespace: undefined,
      config: DEFAULT_INJECTOR_CONFIG,
    });
    expect(out.results.map((r) => r.status)).toEqual([
      'unchanged',
      'denied',
      'unchanged',
      'injected',
    ]);
    expect(out.documents).toHaveLength(3);
    expect(out.documents[0]).toBe(cm);
    expect(out.documents[1]).toEqual({ apiVersion: 'v1', kind: 'List', items: [cm] });
    expect((out.documents[2] as Obj).kind).toBe('Pod');
    expect(podOf(out.documents[2]).spec.containers.map((c) => c.name)).toContain('vault-agent');
  });
});
