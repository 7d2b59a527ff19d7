// $(VAR) expansion at admission, case by case against Kubernetes' rules (its expansion package):
// $$ is a literal $, an unterminated $( and a lone $ stay as written, env values may refer to
// earlier entries, and anything not spelled out in the pod is refused rather than guessed.
import { describe, expect, it } from 'vitest';
import { expandArgv } from '../../patches/expand-argv.js';
import type { EnvVar } from '../../patches/k8s-types.js';

const env: EnvVar[] = [
  { name: 'PORT', value: '8080' },
  { name: 'URL', value: 'http://localhost:$(PORT)/' },
  { name: 'LATER_REF', value: '$(DEFINED_LATER)' },
  { name: 'DEFINED_LATER', value: 'x' },
  { name: 'EMPTY' },
  { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
  { name: 'USES_SECRET', value: 'a-$(FROM_SECRET)' },
];

describe('expandArgv', () => {
  it.each([
    ['--port=$(PORT)', '--port=8080'],
    ['$(URL)', 'http://localhost:8080/'],
    ['$$(PORT)', '$(PORT)'],
    ['$$$(PORT)', '$8080'],
    ['cost: $5', 'cost: $5'],
    ['trailing $', 'trailing $'],
    ['$(UNTERMINATED', '$(UNTERMINATED'],
    ['[$(EMPTY)]', '[]'],
    // Kubernetes expands env values in order: a reference to a later entry stays as written.
    ['$(LATER_REF)', '$(DEFINED_LATER)'],
    ['no references', 'no references'],
  ])('%j → %j', (arg, expected) => {
    expect(expandArgv([arg], env, false)).toEqual({ ok: true, argv: [expected] });
  });

  it.each([
    ['$(FROM_SECRET)', 'FROM_SECRET'],
    ['$(USES_SECRET)', 'USES_SECRET'],
    ['$(NOT_DEFINED)', 'NOT_DEFINED'],
  ])('refuses %j, naming %s', (arg, name) => {
    expect(expandArgv(['/app', arg], env, false)).toEqual({ ok: false, name });
  });

  it('with envFrom, an env value referring to an undefined name is unknown too', () => {
    const own: EnvVar[] = [{ name: 'DSN', value: 'db://$(DB_HOST)' }];
    expect(expandArgv(['$(DSN)'], own, false)).toEqual({ ok: true, argv: ['db://$(DB_HOST)'] });
    expect(expandArgv(['$(DSN)'], own, true)).toEqual({ ok: false, name: 'DSN' });
  });
});
