// Vault annotations on a workload's own metadata, where the injector never sees them.
import { describe, expect, it } from 'vitest';
import { lintWorkloadMetadata } from '../../cli/misplaced-annotations.js';
import * as A from '../../patches/annotations.js';

const V = A.ANNOTATION_PREFIX;

describe('lintWorkloadMetadata', () => {
  const deployment = (annotations: Record<string, string>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations },
    spec: { template: { metadata: {} } },
  });

  it('warns for each vault annotation on the workload, naming it', () => {
    const found = lintWorkloadMetadata(
      deployment({ [`${V}role`]: 'web', [`${V}agent-inject`]: 'true', 'other/x': 'y' }),
    );
    expect(found.map((f) => f.key)).toEqual([`${V}agent-inject`, `${V}role`]);
    for (const f of found) {
      expect(f.severity).toBe('warning');
      expect(f.message).toContain('Deployment/web');
    }
  });

  it('warns for openbao.org annotations on the workload too', () => {
    const found = lintWorkloadMetadata(deployment({ 'openbao.org/agent-inject': 'true' }));
    expect(found.map((f) => [f.key, f.severity])).toEqual([
      ['openbao.org/agent-inject', 'warning'],
    ]);
  });

  it('accepts keys the pod template carries too', () => {
    const obj = deployment({ [`${V}role`]: 'web' });
    expect(lintWorkloadMetadata(obj, { [`${V}role`]: 'web' })).toEqual([]);
  });

  it.each([
    ['a Pod', { kind: 'Pod', metadata: { annotations: { [`${V}role`]: 'x' } } }],
    ['no annotations', { kind: 'Deployment', metadata: { name: 'x' } }],
    ['not an object', 'text'],
    ['null', null],
  ])('%s → nothing', (_n, obj) => {
    expect(lintWorkloadMetadata(obj)).toEqual([]);
  });
});
