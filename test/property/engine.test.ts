// Properties of the engine over generated pods and annotation maps: it never
// throws, always answers a well-formed AdmissionReview with the request uid, its patch applies the
// same with two RFC 6902 implementations and gives a valid pod, re-injection is a no-op, and every
// denial points at something the user can find or add.
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import * as rfc6902 from 'rfc6902';
import { describe, expect, it } from 'vitest';
import * as A from '../../patches/annotations.js';
import type { AdmissionResponse } from '../../admission/envelope.js';
import { reviewAdmission } from '../../admission/review.js';
import { settingName } from '../../cli/setting-names.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import type { Pod } from '../../patches/k8s-types.js';
import type { InjectionOutcome, Problem } from '../../patches/outcome.js';
import { makeReview } from '../helpers/pods.js';
import { podProblems } from '../helpers/validate-pod.js';
import { annotationsArb, podArb } from './arbitraries.js';

const cfg = DEFAULT_INJECTOR_CONFIG;
const UID = '705ab4f5-6393-11e8-b7cc-42010a800002';
const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
// Local runs explore new inputs each time; CI replays one fixed sequence (PROPERTY_SEED overrides
// both), so a landing never depends on the draw. Failures print the seed to replay them.
const SEED = process.env.PROPERTY_SEED ?? (process.env.CI === 'true' ? '20261128' : undefined);
if (SEED !== undefined) fc.configureGlobal({ seed: Number(SEED) });
/** Required settings a denial may name although they are absent: the annotation to add. */
const TO_ADD = new Set<string>([
  A.ANNOTATION_ROLE,
  A.ANNOTATION_AGENT_REQUEST_NAMESPACE,
  A.ANNOTATION_SECRET_VOLUME_PATH,
  // Env secrets for a container without a command: the argv to add.
  A.ANNOTATION_AGENT_ENV_COMMAND,
]);
/** A pod or request field path: spec.containers[].volumeMounts, metadata.annotations["k"], object.kind. */
const FIELD_PATH = /^(spec|metadata|status|object|request\.object)(\.|\[|$)/;
const namespaceArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('app', 'default', 'team-a') },
  { weight: 1, arbitrary: fc.constantFrom('kube-system', '') },
);

function applyBoth(pod: Pod, ops: readonly Operation[]): Pod {
  const viaFjp = jsonpatch.applyPatch(structuredClone(pod), structuredClone([...ops]), true, false)
    .newDocument as Pod;
  const viaRfc = structuredClone(pod);
  const errors = rfc6902.applyPatch(viaRfc, structuredClone(ops) as rfc6902.Operation[]);
  expect(errors.filter((e) => e !== null)).toEqual([]);
  // Compared as JSON, where -0 and 0 are one number (the libraries clone values differently).
  expect(JSON.parse(JSON.stringify(viaRfc))).toEqual(JSON.parse(JSON.stringify(viaFjp)));
  return viaFjp;
}

/**
 * As the pod travels: JSON. A -0 the generator put into a damaged pod is 0 once the patch has been
 * serialised, and both are the same number to the API server.
 */
function withoutManagedFields(pod: Pod): Pod {
  const copy = JSON.parse(JSON.stringify(pod)) as Pod;
  if (copy.metadata) delete copy.metadata.managedFields;
  return copy;
}

function byVolumeName(pod: Pod): Pod {
  const copy = structuredClone(pod);
  copy.spec?.volumes?.sort((a, b) => a.name.localeCompare(b.name));
  return copy;
}

/** Why a problem key is acceptable; undefined when it points at nothing the user can act on. */
function explain(p: Problem, annotations: Record<string, string>, ns: string): string | undefined {
  if (Object.hasOwn(annotations, p.key)) return 'annotation on the pod';
  if (TO_ADD.has(p.key)) return 'required annotation to add';
  if (FIELD_PATH.test(p.key)) return 'pod field';
  if (p.key === 'namespace' && (ns === 'kube-system' || ns === 'kube-public'))
    return 'system namespace';
  return undefined;
}

function checkEnvelope(response: AdmissionResponse, outcome: InjectionOutcome): void {
  expect(response.uid).toBe(UID);
  expect(typeof response.allowed).toBe('boolean');
  expect(response.allowed).toBe(outcome.decision !== 'deny');
  if (response.patch !== undefined) {
    expect(response.patchType).toBe('JSONPatch');
    const decoded: unknown = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
    expect(outcome.decision === 'inject' && decoded).toEqual(
      outcome.decision === 'inject' && outcome.patch,
    );
  } else expect(response.patchType).toBeUndefined();
  if (!response.allowed) {
    expect(response.status?.message).toMatch(/\S/);
    expect([400, 403]).toContain(response.status?.code);
  }
}

/** One full round: review → envelope checks → (patch, validate, re-inject) or (denial keys). */
function checkRound(pod: Pod, ns: string, strictPod: boolean): InjectionOutcome {
  const input = structuredClone(pod);
  const result = reviewAdmission(makeReview(pod, ns), { config: cfg, settingName });
  expect(pod, 'the engine must not modify its input').toEqual(input);
  expect(result.ok).toBe(true);
  if (!result.ok) return { decision: 'skip', reason: 'not_a_pod', warnings: [] };
  expect(result.response.apiVersion).toBe('admission.k8s.io/v1');
  expect(result.response.kind).toBe('AdmissionReview');
  const { outcome } = result;
  checkEnvelope(result.response.response, outcome);
  const annotations = pod.metadata?.annotations ?? {};
  if (outcome.decision === 'deny') {
    for (const p of outcome.problems) {
      expect(p.key, `internal error: ${p.message}`).not.toBe('injector');
      expect(explain(p, annotations, ns), `problem key ${p.key}: ${p.message}`).toBeDefined();
    }
  }
  if (outcome.decision !== 'inject') return outcome;
  const patched = applyBoth(pod, outcome.patch);
  expect(withoutManagedFields(patched)).toEqual(withoutManagedFields(outcome.pod));
  if (strictPod) expect(podProblems(patched)).toEqual([]);
  const again = inject(patched, { namespace: ns, kind: 'Pod', config: cfg });
  expect(again.decision === 'inject' ? again.patch : []).toEqual([]);
  return outcome;
}

describe('engine properties (fast-check)', () => {
  it('annotated pods: valid envelope, patch applies (fast-json-patch = rfc6902), valid pod, idempotent, denials explained', () => {
    const seen = { inject: 0, deny: 0, skip: 0 };
    fc.assert(
      fc.property(podArb(annotationsArb), namespaceArb, (pod, ns) => {
        seen[checkRound(pod, ns, true).decision] += 1;
      }),
      { numRuns: RUNS },
    );
    // The generators must reach every branch, or the property proves little.
    expect(seen.inject).toBeGreaterThan(RUNS / 10);
    expect(seen.deny).toBeGreaterThan(RUNS / 10);
    expect(seen.skip).toBeGreaterThan(0);
  });

  it('pods without annotations or with only foreign ones are let through untouched', () => {
    const foreign = fc.option(
      fc.dictionary(fc.constantFrom('a~b', 'x/y', 'example.com/k', '~1'), fc.string()),
    );
    fc.assert(
      fc.property(podArb(foreign.map((m) => m ?? undefined)), namespaceArb, (pod, ns) => {
        const outcome = checkRound(pod, ns, true);
        expect(outcome).toMatchObject({ decision: 'skip' });
      }),
      { numRuns: Math.ceil(RUNS / 3) },
    );
  });

  it('re-injection with agent-inject-status: update converges to the same pod', () => {
    fc.assert(
      fc.property(podArb(annotationsArb), (pod) => {
        const first = inject(pod, { namespace: 'app', kind: 'Pod', config: cfg });
        if (first.decision !== 'inject') return;
        const once = applyBoth(pod, first.patch);
        const again = structuredClone(once);
        again.metadata!.annotations![A.ANNOTATION_AGENT_INJECT_STATUS] = 'update';
        const second = inject(again, { namespace: 'app', kind: 'Pod', config: cfg });
        expect(second.decision).toBe('inject');
        if (second.decision !== 'inject') return;
        // Volume order carries no meaning in Kubernetes; compare by name.
        expect(byVolumeName(applyBoth(again, second.patch))).toEqual(byVolumeName(once));
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

/** Every JSON pointer in a document, for replacing one value with a wrong type. */
function pointers(doc: unknown, at = ''): string[] {
  if (typeof doc !== 'object' || doc === null) return [at];
  const keys = Array.isArray(doc) ? doc.map((_, i) => String(i)) : Object.keys(doc);
  return [
    at,
    ...keys.flatMap((k) =>
      pointers(
        (doc as Record<string, unknown>)[k],
        `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      ),
    ),
  ];
}

describe('engine properties on damaged pods', () => {
  it('a wrong type anywhere in the pod: never throws, valid envelope, denial names a field or annotation', () => {
    const damaged = fc
      .tuple(podArb(annotationsArb), fc.nat(), fc.jsonValue({ maxDepth: 2 }))
      .map(([pod, n, value]) => {
        const all = pointers(pod).filter((p) => p !== '');
        const path = all[n % all.length]!;
        return jsonpatch.applyPatch(pod, [{ op: 'replace', path, value }], false, true)
          .newDocument as Pod;
      });
    fc.assert(
      fc.property(damaged, namespaceArb, (pod, ns) => {
        const outcome = checkRound(pod, ns, false);
        if (outcome.decision === 'deny') {
          for (const p of outcome.problems) expect(p.message).toMatch(/\S/);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('any JSON as request.object or as the whole body: never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), (object, body) => {
        const review = reviewAdmission(makeReview(object), { config: cfg, settingName });
        expect(review.ok).toBe(true);
        if (review.ok) expect(review.response.response.uid).toBe(UID);
        const raw = reviewAdmission(body, { config: cfg, settingName });
        if (!raw.ok) expect(raw.error).toMatch(/\S/);
      }),
      { numRuns: RUNS },
    );
  });
});
