// Where the shared real-world corpus is: CORPUS_DIR, beside the checkout (the workplace layout),
// or the workplace path itself, so a clean clone made elsewhere on the machine (as CI makes one)
// still finds it. Tests that need it skip, saying so, when none exists.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../cli/built-cli.js';

export function corpusDir(): string {
  const candidates = [
    process.env.CORPUS_DIR ?? '',
    join(ROOT, '../shared/corpus/real-world'),
    '/work/shared/corpus/real-world',
  ].filter((d) => d !== '');
  return candidates.find((d) => existsSync(d)) ?? candidates[0]!;
}
