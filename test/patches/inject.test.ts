// Decision flow, all-problems-at-once denials, and the AdmissionReview envelope.
import { describe, expect, it } from 'vitest';
import { parseAdmissionReview } from '../../admission/envelope.js';
import { formatProblems } from '../../admission/format-finding.js';
import { reviewAdmission as review } from '../../admission/review.js';
import { settingName } from '../../cli/setting-names.js';
import type { InjectorConfig } from '../../patches/injector-config.js';
import type { DenyOutcome } from '../../patches/outcome.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import { makePod, makeReview } from '../helpers/pods.js';

const cfg = DEFAULT_INJECTOR_CONFIG;
/** The denial as status.message carries it. */
const messageOf = (out: DenyOutcome): string => formatProblems(out.problems, settingName);
const reviewAdmission = (body: unknown, config: InjectorConfig) =>
  review(body, { config, settingName });
const base = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app' };
const run = (annotations: Record<string, string> | undefined, ns = 'app', phase?: string) => {
  const pod = makePod(annotations);
  if (phase !== undefined) pod.status = { phase };
  return inject(pod, { namespace: ns, kind: 'Pod', config: cfg });
};

describe('decision', () => {
  it.each([
    ['no annotations map', undefined, 'not_annotated'],
    ['agent-inject absent', { other: 'x' }, 'not_annotated'],
    ['agent-inject false', { 'vault.hashicorp.com/agent-inject': 'false' }, 'disabled'],
    ['agent-inject empty', { 'vault.hashicorp.com/agent-inject': '' }, 'disabled'],
    [
      'already injected',
      { ...base, 'vault.hashicorp.com/agent-inject-status': 'injected' },
      'already_injected',
    ],
  ])('%s → skip %s', (_n, ann, reason) => {
    expect(run(ann)).toMatchObject({ decision: 'skip', reason });
  });

  it('skips pods past Pending, injects Pending ones', () => {
    expect(run(base, 'app', 'Running')).toMatchObject({ decision: 'skip', reason: 'not_pending' });
    expect(run(base, 'app', 'Pending').decision).toBe('inject');
  });

  it.each(['UPDATE', 'DELETE', 'CONNECT'])(
    '%s reviews are allowed with no patch (skip not_create), even with no object',
    (operation) => {
      const review = makeReview(makePod(base)) as { request: Record<string, unknown> };
      review.request.operation = operation;
      const res = reviewAdmission(review, cfg);
      expect(res.ok && res.outcome).toMatchObject({ decision: 'skip', reason: 'not_create' });
      expect(res.ok && res.response.response).toEqual({ uid: review.request.uid, allowed: true });
      review.request.object = null;
      const empty = reviewAdmission(review, cfg);
      expect(empty.ok && empty.outcome).toMatchObject({ decision: 'skip', reason: 'not_create' });
    },
  );

  it('CREATE, or no operation at all (hand-made reviews), is injected', () => {
    const review = makeReview(makePod(base)) as { request: Record<string, unknown> };
    review.request.operation = 'CREATE';
    const created = reviewAdmission(review, cfg);
    expect(created.ok && created.outcome.decision).toBe('inject');
    delete review.request.operation;
    const unset = reviewAdmission(review, cfg);
    expect(unset.ok && unset.outcome.decision).toBe('inject');
  });

  it('re-injects when the status is anything but "injected"', () => {
    expect(run({ ...base, 'vault.hashicorp.com/agent-inject-status': 'update' }).decision).toBe(
      'inject',
    );
  });

  it.each(['kube-system', 'kube-public'])(
    'denies annotated pods in %s, allows plain ones',
    (ns) => {
      expect(run(base, ns)).toMatchObject({ decision: 'deny', reason: 'system_namespace' });
      expect(run(undefined, ns)).toMatchObject({ decision: 'skip' });
    },
  );

  it('denies an invalid agent-inject value, naming key, value and the accepted values', () => {
    const out = run({ 'vault.hashicorp.com/agent-inject': 'yes' });
    expect(out.decision).toBe('deny');
    if (out.decision === 'deny') {
      expect(messageOf(out)).toContain('vault.hashicorp.com/agent-inject="yes"');
      expect(messageOf(out)).toContain('true/false');
    }
  });

  it('lists every problem at once, each with its annotation', () => {
    const out = run({
      ...base,
      'vault.hashicorp.com/agent-pre-populate': 'maybe',
      'vault.hashicorp.com/agent-limits-cpu': '500mi',
      'vault.hashicorp.com/agent-revoke-grace': '-1',
      'vault.hashicorp.com/auth-min-backoff': '5',
      'vault.hashicorp.com/agent-inject-default-template': 'yaml',
      'vault.hashicorp.com/agent-json-patch': '{not json',
    });
    expect(out.decision).toBe('deny');
    if (out.decision !== 'deny') return;
    expect(out.problems.map((p) => p.key).sort()).toEqual([
      'vault.hashicorp.com/agent-inject-default-template',
      'vault.hashicorp.com/agent-json-patch',
      'vault.hashicorp.com/agent-limits-cpu',
      'vault.hashicorp.com/agent-pre-populate',
      'vault.hashicorp.com/agent-revoke-grace',
      'vault.hashicorp.com/auth-min-backoff',
    ]);
    // Patch annotations can carry anything: their values are never echoed.
    expect(messageOf(out)).not.toContain('{not json');
  });

  it('requires a role for kubernetes auth unless auth-config-role or a ConfigMap supplies it', () => {
    const noRole = { 'vault.hashicorp.com/agent-inject': 'true' };
    expect(run(noRole)).toMatchObject({ decision: 'deny' });
    expect(run({ ...noRole, 'vault.hashicorp.com/auth-config-role': 'r' }).decision).toBe('inject');
    expect(run({ ...noRole, 'vault.hashicorp.com/agent-configmap': 'cm' }).decision).toBe('inject');
  });

  it('never throws on objects that are not pods', () => {
    for (const obj of [
      null,
      42,
      'pod',
      [],
      { kind: 'Secret' },
      { metadata: 5 },
      { metadata: { annotations: { a: 1 } } },
    ]) {
      const out = inject(obj, { namespace: 'app', kind: 'Pod', config: cfg });
      expect(['skip', 'deny']).toContain(out.decision);
    }
    expect(
      inject({ kind: 'Secret' }, { namespace: 'app', kind: 'Secret', config: cfg }),
    ).toMatchObject({ reason: 'not_a_pod' });
  });

  it('denies an annotated pod whose spec has the wrong shape, naming the field', () => {
    const valid = makePod(base);
    const pod = { ...valid, spec: { ...valid.spec, containers: 'app' } };
    const out = inject(pod, { namespace: 'app', kind: 'Pod', config: cfg });
    expect(out).toMatchObject({ decision: 'deny' });
    if (out.decision === 'deny') expect(messageOf(out)).toContain('spec.containers');
  });

  it('refuses to replace an app container or volume that uses a reserved name', () => {
    const pod = makePod(base);
    pod.spec!.containers.push({ name: 'vault-agent', image: 'mine/agent:1' });
    pod.spec!.volumes!.push({ name: 'vault-secrets', emptyDir: {} });
    const out = inject(pod, { namespace: 'app', kind: 'Pod', config: cfg });
    expect(out.decision).toBe('deny');
    if (out.decision === 'deny') {
      expect(out.problems.map((p) => [p.key, p.value])).toEqual([
        ['spec.containers[].name', 'vault-agent'],
        ['spec.volumes[].name', 'vault-secrets'],
      ]);
    }
  });

  it('names the per-secret annotation whose mount path clashes with an app mount', () => {
    const pod = makePod({
      ...base,
      'vault.hashicorp.com/agent-inject-secret-db': 'db/creds',
      'vault.hashicorp.com/secret-volume-path-db': '/data',
    });
    pod.spec!.volumes!.push({ name: 'data', emptyDir: {} });
    pod.spec!.containers[0]!.volumeMounts!.push({ name: 'data', mountPath: '/data' });
    const out = inject(pod, { namespace: 'app', kind: 'Pod', config: cfg });
    expect(out).toMatchObject({
      decision: 'deny',
      problems: [{ key: 'vault.hashicorp.com/secret-volume-path-db', value: '/data' }],
    });
  });

  it('names the per-secret annotation whose path an agent container already mounts', () => {
    const out = run({
      ...base,
      'vault.hashicorp.com/agent-inject-secret-db': 'db/creds',
      'vault.hashicorp.com/secret-volume-path-db': '/vault/custom',
      'vault.hashicorp.com/agent-extra-secret': 'extra',
    });
    // One problem, not one per agent container.
    expect(out).toMatchObject({
      decision: 'deny',
      problems: [{ key: 'vault.hashicorp.com/secret-volume-path-db', value: '/vault/custom' }],
    });
    if (out.decision === 'deny') expect(out.problems).toHaveLength(1);
  });

  it('names agent-json-patch when the patched agent would take a name the pod uses', () => {
    const out = run({
      ...base,
      'vault.hashicorp.com/agent-init-json-patch':
        '[{"op":"replace","path":"/name","value":"vault-agent"}]',
    });
    // The init container is placed first, so the sidecar is the one found clashing.
    expect(out).toMatchObject({ decision: 'deny' });
    expect(
      run({
        ...base,
        'vault.hashicorp.com/agent-json-patch':
          '[{"op":"replace","path":"/name","value":"vault-agent-init"}]',
      }),
    ).toMatchObject({
      decision: 'deny',
      problems: [{ key: 'vault.hashicorp.com/agent-json-patch', value: 'vault-agent-init' }],
    });
  });

  it('reads odd ownerReferences and projected sources without throwing', () => {
    const pod = makePod({
      ...base,
      'vault.hashicorp.com/agent-service-account-token-volume-name': 'tok',
    });
    const meta = pod.metadata as Record<string, unknown>;
    meta.ownerReferences = 'Job';
    pod.spec!.volumes!.push({ name: 'tok', projected: { sources: 'x' as never } });
    expect(inject(pod, { namespace: 'app', kind: 'Pod', config: cfg })).toMatchObject({
      decision: 'deny',
      problems: [{ key: 'vault.hashicorp.com/agent-service-account-token-volume-name' }],
    });
    pod.spec!.volumes![1] = {
      name: 'tok',
      projected: { sources: [null as never, { serviceAccountToken: { path: 'token' } }] },
    };
    meta.ownerReferences = [null, { kind: 'Job', name: 7 }];
    const out = inject(pod, { namespace: 'app', kind: 'Pod', config: cfg });
    expect(out.decision).toBe('inject');
    expect(
      out.warnings.some((w) => w.key === 'Job/app/' && w.message.includes('never exits')),
    ).toBe(true);
  });

  it('re-injection keeps the volume order when the app has no token mount (ConfigMap mode)', () => {
    const pod = makePod({ ...base, 'vault.hashicorp.com/agent-configmap': 'agent-cfg' });
    pod.spec!.containers[0]!.volumeMounts = [];
    pod.spec!.volumes = [];
    const first = inject(pod, { namespace: 'app', kind: 'Pod', config: cfg });
    if (first.decision !== 'inject') throw new Error('expected inject');
    const again = structuredClone(first.pod);
    again.metadata!.annotations!['vault.hashicorp.com/agent-inject-status'] = 'update';
    const second = inject(again, { namespace: 'app', kind: 'Pod', config: cfg });
    if (second.decision !== 'inject') throw new Error('expected inject');
    expect(second.pod.spec!.volumes!.map((v) => v.name)).toEqual(
      first.pod.spec!.volumes!.map((v) => v.name),
    );
  });

  it('blames the annotation on the pod when a limit falls below the default request', () => {
    const out = run({ ...base, 'vault.hashicorp.com/agent-limits-cpu': '100m' });
    expect(out).toMatchObject({
      decision: 'deny',
      problems: [{ key: 'vault.hashicorp.com/agent-limits-cpu', value: '100m' }],
    });
    if (out.decision === 'deny')
      expect(messageOf(out)).toContain("below the injector's default request (250m)");
  });

  it('does not modify its input', () => {
    const pod = makePod({ ...base, 'vault.hashicorp.com/agent-inject-secret-db': 'db/creds' });
    const before = JSON.stringify(pod);
    inject(pod, { namespace: 'app', kind: 'Pod', config: cfg });
    expect(JSON.stringify(pod)).toBe(before);
  });
});

describe('AdmissionReview envelope', () => {
  it.each([
    [null, 'not a JSON object'],
    [[], 'not a JSON object'],
    [{}, 'no request'],
    [{ request: null }, 'no request'],
    [{ request: {} }, 'no uid'],
    [{ request: { uid: 5 } }, 'no uid'],
    [{ apiVersion: 'v1', request: { uid: 'u' } }, 'unsupported apiVersion'],
    [{ kind: 'Pod', request: { uid: 'u' } }, 'kind is "Pod"'],
    [{ request: { uid: 'u', namespace: 3 } }, 'namespace must be a string'],
  ])('rejects %j (%s)', (body, message) => {
    const r = parseAdmissionReview(body);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });

  it.each(['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'])(
    'echoes %s, kind and uid; base64 JSONPatch',
    (apiVersion) => {
      const r = reviewAdmission(makeReview(makePod({ ...base }), 'app', apiVersion), cfg);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.response.apiVersion).toBe(apiVersion);
      expect(r.response.kind).toBe('AdmissionReview');
      expect(r.response.response.uid).toBe('705ab4f5-6393-11e8-b7cc-42010a800002');
      expect(r.response.response.patchType).toBe('JSONPatch');
      expect(
        Array.isArray(JSON.parse(Buffer.from(r.response.response.patch!, 'base64').toString())),
      ).toBe(true);
      expect(r.summary).toMatchObject({
        namespace: 'app',
        name: 'web-7d4b9c-',
        ownerKind: 'ReplicaSet',
      });
    },
  );

  it('has no patch field when nothing changes, and status.message on denial', () => {
    const skip = reviewAdmission(makeReview(makePod(undefined)), cfg);
    expect(skip.ok && skip.response.response).toEqual({
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      allowed: true,
    });
    const deny = reviewAdmission(makeReview(makePod(base), 'kube-system'), cfg);
    expect(deny.ok && deny.response.response.allowed).toBe(false);
    expect(deny.ok && deny.response.response.status?.message).toContain('system namespaces');
  });

  it('lets non-Pod objects through untouched', () => {
    const review = makeReview({ kind: 'Secret', metadata: { name: 's' } });
    (review.request as { kind: unknown }).kind = { group: '', version: 'v1', kind: 'Secret' };
    const r = reviewAdmission(review, cfg);
    expect(r.ok && r.response.response).toMatchObject({ allowed: true });
    expect(r.ok && r.outcome).toMatchObject({ decision: 'skip', reason: 'not_a_pod' });
  });
});
