// The answer cache must be invisible: a hit is byte-for-byte what the engine would answer, with
// the request's own uid; anything the engine reads changes the key.
import { describe, expect, it } from 'vitest';
import { parseAdmissionReview } from '../../admission/envelope.js';
import { reviewAdmission } from '../../admission/review.js';
import { settingName } from '../../cli/setting-names.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { ReviewCache } from '../../webhook/review-cache.js';
import { makePod, makeReview } from '../helpers/pods.js';

const annotations = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'app',
  'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/app',
};

function review(
  uid: string,
  mutate?: (r: Record<string, unknown>) => void,
): ReturnType<typeof makeReview> {
  const r = makeReview(makePod({ ...annotations }));
  (r.request as { uid: string }).uid = uid;
  mutate?.(r);
  return r;
}

function parsed(body: unknown) {
  const p = parseAdmissionReview(body);
  if (!p.ok) throw new Error(p.error);
  return p.review;
}

describe('ReviewCache', () => {
  it('returns the engine answer with the new uid, byte for byte', () => {
    const cache = new ReviewCache();
    const first = review('uid-1');
    const key = cache.keyOf(parsed(first))!;
    const answered = reviewAdmission(first, { config: DEFAULT_INJECTOR_CONFIG, settingName });
    if (!answered.ok) throw new Error('not ok');
    expect(cache.set(key, answered.response, answered.outcome)).toBe(
      JSON.stringify(answered.response),
    );
    const second = review('uid-2');
    const hit = cache.get(cache.keyOf(parsed(second))!, 'uid-2');
    const fresh = reviewAdmission(second, { config: DEFAULT_INJECTOR_CONFIG, settingName });
    if (!fresh.ok) throw new Error('not ok');
    expect(hit?.payload.toString('utf8')).toBe(JSON.stringify(fresh.response));
  });

  it('ignores managedFields but keys on namespace, kind, version, annotations and spec', () => {
    const cache = new ReviewCache();
    const key = (r: unknown): string | undefined => cache.keyOf(parsed(r));
    const base = key(review('a'));
    const withManaged = review('b', (r) => {
      (
        r.request as { object: { metadata: Record<string, unknown> } }
      ).object.metadata.managedFields = [{ manager: 'kubectl' }];
    });
    expect(key(withManaged)).toBe(base);
    expect(
      key(review('c', (r) => ((r.request as { namespace: string }).namespace = 'other'))),
    ).not.toBe(base);
    expect(key(review('d', (r) => (r.apiVersion = 'admission.k8s.io/v1beta1')))).not.toBe(base);
    const otherAnnotation = review('e', (r) => {
      (
        r.request as { object: { metadata: { annotations: Record<string, string> } } }
      ).object.metadata.annotations['vault.hashicorp.com/role'] = 'x';
    });
    expect(key(otherAnnotation)).not.toBe(base);
    const otherSpec = review('f', (r) => {
      (
        r.request as { object: { spec: { containers: Array<{ image: string }> } } }
      ).object.spec.containers[0]!.image = 'y';
    });
    expect(key(otherSpec)).not.toBe(base);
  });

  it('keys on the operation: an UPDATE of a pod once created never gets its CREATE patch', () => {
    const cache = new ReviewCache();
    const created = review('c-1');
    const answered = reviewAdmission(created, { config: DEFAULT_INJECTOR_CONFIG, settingName });
    if (!answered.ok) throw new Error('not ok');
    expect(answered.response.response.patch).toBeDefined();
    cache.set(cache.keyOf(parsed(created))!, answered.response, answered.outcome);
    const updated = review(
      'u-1',
      (r) => ((r.request as { operation: string }).operation = 'UPDATE'),
    );
    expect(cache.get(cache.keyOf(parsed(updated))!, 'u-1')).toBeUndefined();
  });

  it('stays bounded and skips huge objects', () => {
    const cache = new ReviewCache(2, 10_000);
    const big = review('big', (r) => {
      (
        r.request as { object: { metadata: { annotations: Record<string, string> } } }
      ).object.metadata.annotations['x'] = 'y'.repeat(20_000);
    });
    expect(cache.keyOf(parsed(big))).toBeUndefined();
    for (const ns of ['a', 'b', 'c']) {
      const r = review(ns, (x) => ((x.request as { namespace: string }).namespace = ns));
      const answered = reviewAdmission(r, { config: DEFAULT_INJECTOR_CONFIG, settingName });
      if (answered.ok) cache.set(cache.keyOf(parsed(r))!, answered.response, answered.outcome);
    }
    expect(cache.size).toBe(2);
  });
});
