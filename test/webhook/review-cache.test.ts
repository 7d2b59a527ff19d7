// The answer cache must be invisible: a hit is byte-for-byte what the engine would answer, with
// the request's own uid; anything the engine reads changes the key, and a body that cannot be
// keyed soundly is not keyed at all.
import { describe, expect, it } from 'vitest';
import { parseAdmissionReview } from '../../admission/envelope.js';
import { reviewAdmission } from '../../admission/review.js';
import { settingName } from '../../cli/setting-names.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { ReviewCache } from '../../webhook/review-cache.js';
import { reviewKey } from '../../webhook/review-key.js';
import { makePod, makeReview } from '../helpers/pods.js';

const annotations = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'app',
  'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/app',
};

type Review = ReturnType<typeof makeReview>;
type Meta = { metadata: Record<string, unknown> & { annotations: Record<string, string> } };

function review(uid: string, mutate?: (r: Review) => void): Review {
  const r = makeReview(makePod({ ...annotations }));
  (r.request as { uid: string }).uid = uid;
  const meta = (r.request as { object: Meta }).object.metadata;
  meta.managedFields = [
    { manager: 'kube-controller-manager', time: `2026-11-20T10:00:0${uid.length % 10}Z` },
  ];
  mutate?.(r);
  return r;
}

/** The key as the server computes it: from the text as sent and the parsed review. */
function keyOfText(text: string): string | undefined {
  const p = parseAdmissionReview(JSON.parse(text));
  if (!p.ok) throw new Error(p.error);
  return reviewKey(text, p.review.request.uid, p.review.request.object);
}
const keyOf = (r: Review): string | undefined => keyOfText(JSON.stringify(r));

function answer(r: Review): ReturnType<typeof reviewAdmission> & { ok: true } {
  const a = reviewAdmission(r, { config: DEFAULT_INJECTOR_CONFIG, settingName });
  if (!a.ok) throw new Error('not ok');
  return a;
}

describe('ReviewCache', () => {
  it('keeps an answer on its second miss and returns it with the new uid, byte for byte', () => {
    const cache = new ReviewCache();
    const key = keyOf(review('uid-1'))!;
    for (const uid of ['uid-1', 'uid-2']) {
      expect(cache.get(key, uid)).toBeUndefined();
      const a = answer(review(uid));
      cache.remember(key, a.response, a.outcome);
      expect(cache.size).toBe(uid === 'uid-1' ? 0 : 1);
    }
    const third = review('uid-3');
    expect(keyOf(third)).toBe(key);
    const hit = cache.get(key, 'uid-3');
    expect(hit?.payload.toString('utf8')).toBe(JSON.stringify(answer(third).response));
    expect(hit?.outcome).toEqual(answer(third).outcome);
  });

  it('a hit is the whole review serialised for denials, warnings and v1beta1 too', () => {
    const variants: Array<(r: Review) => void> = [
      // A denial with a status (a bad boolean), and a warning (an unknown annotation key).
      (r) => {
        const meta = (r.request as { object: Meta }).object.metadata;
        meta.annotations['vault.hashicorp.com/agent-pre-populate'] = 'maybe';
      },
      (r) => {
        const meta = (r.request as { object: Meta }).object.metadata;
        meta.annotations['vault.hashicorp.com/agent-inject-secert-x'] = 'kv/x';
        r.apiVersion = 'admission.k8s.io/v1beta1';
      },
    ];
    for (const variant of variants) {
      const cache = new ReviewCache();
      const key = keyOf(review('w-1', variant))!;
      for (const uid of ['w-1', 'w-2'])
        cache.remember(
          key,
          answer(review(uid, variant)).response,
          answer(review(uid, variant)).outcome,
        );
      const expected = answer(review('w-3', variant)).response;
      expect(expected.response.status ?? expected.response.warnings).toBeDefined();
      expect(cache.get(key, 'w-3')?.payload.toString('utf8')).toBe(JSON.stringify(expected));
    }
  });

  it('ignores uid and managedFields but keys on namespace, kind, version, annotations and spec', () => {
    const base = keyOf(review('req-a'));
    expect(base).toBeDefined();
    const withManaged = review('req-b', (r) => {
      (r.request as { object: Meta }).object.metadata.managedFields = [{ manager: 'kubectl' }];
    });
    expect(keyOf(withManaged)).toBe(base);
    expect(
      keyOf(review('req-c', (r) => ((r.request as { namespace: string }).namespace = 'other'))),
    ).not.toBe(base);
    expect(keyOf(review('req-d', (r) => (r.apiVersion = 'admission.k8s.io/v1beta1')))).not.toBe(
      base,
    );
    const otherKind = review('req-e', (r) => {
      (r.request as { kind: { kind: string } }).kind.kind = 'Deployment';
    });
    expect(keyOf(otherKind)).not.toBe(base);
    const otherAnnotation = review('req-f', (r) => {
      (r.request as { object: Meta }).object.metadata.annotations['vault.hashicorp.com/role'] = 'x';
    });
    expect(keyOf(otherAnnotation)).not.toBe(base);
    const otherSpec = review('req-g', (r) => {
      (
        r.request as { object: { spec: { containers: Array<{ image: string }> } } }
      ).object.spec.containers[0]!.image = 'y';
    });
    expect(keyOf(otherSpec)).not.toBe(base);
  });

  it('keys on the operation: an UPDATE of a pod once created never gets its CREATE patch', () => {
    const cache = new ReviewCache();
    const created = review('c-1');
    const answered = answer(created);
    expect(answered.response.response.patch).toBeDefined();
    const key = keyOf(created)!;
    // Twice, so the answer is kept.
    cache.remember(key, answered.response, answered.outcome);
    cache.remember(key, answered.response, answered.outcome);
    expect(cache.get(key, 'c-2')).toBeDefined();
    const updated = review(
      'u-1',
      (r) => ((r.request as { operation: string }).operation = 'UPDATE'),
    );
    expect(keyOf(updated)).not.toBe(key);
    expect(cache.get(keyOf(updated)!, 'u-1')).toBeUndefined();
  });

  it('does not key a body whose uid is not spelt plainly once at request.uid', () => {
    // The uid also elsewhere in the body (here a label): cutting it would be ambiguous.
    const twice = review('abc-123', (r) => {
      (
        r.request as { object: { metadata: { labels: Record<string, string> } } }
      ).object.metadata.labels.copy = 'abc-123';
    });
    expect(keyOf(twice)).toBeUndefined();
    // A uid needing JSON escapes, and a plain uid written with an escape in the body.
    expect(keyOf(review('a"b'))).toBeUndefined();
    const escaped = JSON.stringify(review('xyz-1')).replace('"uid":"xyz-1"', '"uid":"\\u0078yz-1"');
    expect(keyOfText(escaped)).toBeUndefined();
  });

  it('does not cut a lookalike managedFields: the pod with the real one escaped keys on all of it', () => {
    // metadata.managedFields written with an escaped key, and a literal lookalike in an annotation
    // map is impossible (values are strings), so put one on a container: cutting it would make two
    // pods that differ there collide. Its text differs from the real value, so nothing is cut.
    const make = (image: string): string => {
      const r = review('m-1', (x) => {
        const spec = (
          x.request as { object: { spec: { containers: Array<Record<string, unknown>> } } }
        ).object.spec;
        spec.containers[0]!.managedFields = [{ manager: image }];
      });
      return JSON.stringify(r).replace(
        '"managedFields":[{"manager":"kube',
        '"managed\\u0046ields":[{"manager":"kube',
      );
    };
    const a = keyOfText(make('one'));
    const b = keyOfText(make('two'));
    expect(a).toBeDefined();
    expect(a).not.toBe(b);
  });

  it('stays bounded, and remembers one-off reviews by key only', () => {
    const cache = new ReviewCache(2, 64 * 1024, 3);
    for (const ns of ['a', 'b', 'c', 'a', 'b', 'c']) {
      const r = review(`u-${ns}`, (x) => ((x.request as { namespace: string }).namespace = ns));
      const a = answer(r);
      cache.remember(keyOf(r)!, a.response, a.outcome);
    }
    expect(cache.size).toBe(2);
    // Four different reviews through a memory of three: the first is forgotten, never stored.
    const small = new ReviewCache(2, 64 * 1024, 3);
    const key = (i: number): string =>
      keyOf(review(`v-${i}`, (x) => ((x.request as { namespace: string }).namespace = `n${i}`)))!;
    const a = answer(review('v-0'));
    for (const i of [0, 1, 2, 3, 0]) small.remember(key(i), a.response, a.outcome);
    expect(small.size).toBe(0);
  });
});
