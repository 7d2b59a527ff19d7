// A pod asking for env secrets with no container to wrap is denied, and the denial names what is
// on the pod (found by the damaged-pod property test: it used to blame an absent annotation).
import { describe, expect, it } from 'vitest';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import { makePod } from '../helpers/pods.js';

const base = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'app',
  'vault.hashicorp.com/agent-inject-env-DB_PASSWORD': 'secret/data/db#password',
};

function run(annotations: Record<string, string>, containers: unknown[]) {
  const pod = makePod(annotations);
  pod.spec = { ...pod.spec, containers: containers as never };
  return inject(pod, { namespace: 'app', kind: 'Pod', config: DEFAULT_INJECTOR_CONFIG });
}

describe('env secrets with nothing to wrap', () => {
  it('blames spec.containers when the pod has none and agent-env-containers is unset', () => {
    const out = run(base, []);
    expect(out.decision).toBe('deny');
    expect(out.decision === 'deny' && out.problems.map((p) => p.key)).toEqual(['spec.containers']);
  });

  it('blames agent-env-containers when it is set but names nothing', () => {
    const out = run({ ...base, 'vault.hashicorp.com/agent-env-containers': ' , ' }, [
      { name: 'app', image: 'example/app:1', command: ['/app'] },
    ]);
    expect(out.decision).toBe('deny');
    expect(out.decision === 'deny' && out.problems.map((p) => p.key)).toContain(
      'vault.hashicorp.com/agent-env-containers',
    );
  });
});
