// The engine alone, in-process: time per inject() (and per whole reviewAdmission, which adds the
// base64 patch) for the realistic pod, for 1–1000 secrets and for 1–50 containers. Every timed call
// gets a pod of its own, freshly parsed from JSON (as the server receives it) with a label counter,
// so nothing computed for an earlier pod can be reused: this is the cold path. Parsing is not timed.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, admissionReview, deploymentPod } from './lib.mjs';

const { inject } = await import(join(ROOT, 'dist/patches/inject.js'));
const { reviewAdmission } = await import(join(ROOT, 'dist/admission/review.js'));
const { settingName } = await import(join(ROOT, 'dist/cli/setting-names.js'));
const { DEFAULT_INJECTOR_CONFIG } = await import(join(ROOT, 'dist/patches/injector-config.js'));

const ctx = { namespace: 'payments', kind: 'Pod', config: DEFAULT_INJECTOR_CONFIG };
const LABEL = '"tier":"backend"';

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** A producer of distinct copies of `value`: the same JSON with the tier label numbered. */
function distinct(value) {
  const text = JSON.stringify(value);
  const at = text.indexOf(LABEL);
  if (at < 0) throw new Error('no tier label to vary');
  const before = text.slice(0, at);
  const after = text.slice(at + LABEL.length);
  let n = 0;
  return () => JSON.parse(`${before}"tier":"b${++n}"${after}`);
}

/**
 * Runs `fn` on a fresh input from `make` for about `budgetMs` (at least `minIters` times) and
 * returns per-call µs statistics; only `fn` is timed.
 */
function time(make, fn, { budgetMs = 1000, minIters = 30, maxIters = 20000 } = {}) {
  for (let i = 0; i < 50; i++) fn(make()); // warm-up: let the JIT settle
  const samples = [];
  const started = performance.now();
  while (
    samples.length < maxIters &&
    (samples.length < minIters || performance.now() - started < budgetMs)
  ) {
    const input = make();
    const t0 = performance.now();
    fn(input);
    samples.push((performance.now() - t0) * 1000);
  }
  samples.sort((a, b) => a - b);
  return {
    iterations: samples.length,
    medianUs: quantile(samples, 0.5),
    p99Us: quantile(samples, 0.99),
  };
}

function check(outcome, what) {
  if (outcome.decision !== 'inject')
    throw new Error(`${what}: expected an injection, got ${JSON.stringify(outcome)}`);
}

const injectPod = (pod) => inject(pod, ctx);

export function runEngineBench({ budgetMs = 1000 } = {}) {
  const rows = [];
  const realistic = distinct(deploymentPod());
  check(injectPod(realistic()), 'realistic pod');
  rows.push({
    case: 'realistic pod (2 containers, 5 secrets): inject()',
    ...time(realistic, injectPod, { budgetMs: budgetMs * 2 }),
  });
  rows.push({
    case: 'realistic pod: reviewAdmission() incl. base64 patch',
    ...time(distinct(admissionReview(deploymentPod())), (review) =>
      reviewAdmission(review, { config: DEFAULT_INJECTOR_CONFIG, settingName }),
    ),
  });
  for (const secrets of [1, 10, 100, 1000]) {
    const pods = distinct(deploymentPod({ secrets }));
    check(injectPod(pods()), `${secrets} secrets`);
    rows.push({
      case: `${secrets} secrets (2 containers)`,
      secrets,
      ...time(pods, injectPod, { budgetMs }),
    });
  }
  for (const containers of [1, 10, 50]) {
    const pods = distinct(deploymentPod({ containers }));
    check(injectPod(pods()), `${containers} containers`);
    rows.push({
      case: `${containers} containers (5 secrets)`,
      containers,
      ...time(pods, injectPod, { budgetMs }),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(runEngineBench());
}
