// Builds dist/ once before any test file runs: tests that run `node dist/cli/main.js` must never
// see it half-rewritten by a build another test file started.
import { clearAlone } from './alone-gate.js';
import { buildCli } from './cli/built-cli.js';

export function setup(): void {
  buildCli();
}

export function teardown(): void {
  clearAlone();
}
