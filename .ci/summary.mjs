// Prints the one closing line CI reads ("N passed, M failed") from vitest's JSON report.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results.json';
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
} catch (err) {
  // Lint, typecheck or the build stopped `make test` before any test ran: count that as a failure.
  console.log(`no test report (${err.message}): make test stopped before the tests ran`);
  console.log('0 passed, 1 failed');
}
