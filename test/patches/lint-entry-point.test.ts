// One lint entry point: every caller (engine, lint, mutate, doctor, policy) lints through
// flavour-lint.ts's lintPodAnnotations; the flavour-blind rules of lint.ts are called nowhere else,
// so no caller can again lint an OpenBao pod as a Vault one.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/built-cli.js';

const SOURCE_DIRS = ['admission', 'cli', 'patches', 'webhook', 'certs'];

function sources(): string[] {
  return SOURCE_DIRS.flatMap((dir) =>
    (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(dir, f)),
  );
}

describe('the lint entry point', () => {
  it('only patches/flavour-lint.ts calls the flavour-blind lintAnnotations', () => {
    const callers = sources().filter((f) =>
      /\blintAnnotations\b/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(callers.sort()).toEqual(['patches/flavour-lint.ts', 'patches/lint.ts']);
  });

  it('the engine and the workload pipeline (lint, mutate, policy, doctor) lint through lintPodAnnotations', () => {
    const callers = sources().filter((f) =>
      /\blintPodAnnotations\(/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(callers.sort()).toEqual([
      'cli/pipeline.ts',
      'patches/flavour-lint.ts',
      'patches/inject.ts',
    ]);
  });
});
