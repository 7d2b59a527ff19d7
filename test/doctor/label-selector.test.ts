// The namespaceSelector/objectSelector semantics the API server applies to webhooks.
import { describe, expect, it } from 'vitest';
import { matchesSelector, selectsEverything } from '../../cli/doctor/label-selector.js';

const labels = { team: 'shop', tier: 'web' };

describe('matchesSelector', () => {
  it.each([
    ['absent selector', undefined, true],
    ['empty selector', {}, true],
    ['matchLabels all equal', { matchLabels: { team: 'shop', tier: 'web' } }, true],
    ['matchLabels one differs', { matchLabels: { team: 'shop', tier: 'db' } }, false],
    ['matchLabels missing key', { matchLabels: { env: 'prod' } }, false],
    [
      'In, value listed',
      { matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'shop'] }] },
      true,
    ],
    [
      'In, value not listed',
      { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] },
      false,
    ],
    [
      'In, key missing',
      { matchExpressions: [{ key: 'env', operator: 'In', values: ['x'] }] },
      false,
    ],
    [
      'NotIn, value listed',
      { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['shop'] }] },
      false,
    ],
    [
      'NotIn, value not listed',
      { matchExpressions: [{ key: 'team', operator: 'NotIn', values: ['x'] }] },
      true,
    ],
    [
      'NotIn, key missing',
      { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['x'] }] },
      true,
    ],
    ['Exists, present', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['Exists, missing', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, false],
    [
      'DoesNotExist, missing',
      { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] },
      true,
    ],
    [
      'DoesNotExist, present',
      { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      false,
    ],
    [
      'unknown operator',
      { matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] },
      false,
    ],
    [
      'labels and expressions both needed',
      {
        matchLabels: { team: 'shop' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }],
      },
      false,
    ],
  ])('%s', (_name, selector, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });

  it('selectsEverything only for absent or empty selectors', () => {
    expect(selectsEverything(undefined)).toBe(true);
    expect(selectsEverything({ matchLabels: {}, matchExpressions: [] })).toBe(true);
    expect(selectsEverything({ matchLabels: { a: 'b' } })).toBe(false);
    expect(selectsEverything({ matchExpressions: [{ key: 'a', operator: 'Exists' }] })).toBe(false);
  });
});
