// Prints the one closing line CI reads ("N passed, M failed") from vitest's JSON report.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'test-results.json';
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
} catch (err) {
  console.log(`0 passed, 1 failed (no test report: ${err.message})`);
}
