// Whether kubectl can run here: tests that use it skip, saying so, where it cannot.
import { spawnSync } from 'node:child_process';

let available: boolean | undefined;

/** Asked once per test file, on first use. */
export function hasKubectl(): boolean {
  available ??=
    spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 20_000 }).status ===
    0;
  return available;
}

/** kubectl prints several objects as JSON documents one after another; each opens on its own line. */
export function splitJsonStream(text: string): unknown[] {
  return text
    .split(/^(?=\{$)/m)
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => JSON.parse(chunk) as unknown);
}
