// The engine alone, in-process: time per inject() (and per whole reviewAdmission, which adds the
// base64 patch) for the realistic pod, for 1–1000 secrets and for 1–50 containers.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, admissionReview, deploymentPod } from './lib.mjs';

const { inject } = await import(join(ROOT, 'dist/patches/inject.js'));
const { reviewAdmission } = await import(join(ROOT, 'dist/admission/review.js'));
const { settingName } = await import(join(ROOT, 'dist/cli/setting-names.js'));
const { DEFAULT_INJECTOR_CONFIG } = await import(join(ROOT, 'dist/patches/injector-config.js'));

const ctx = { namespace: 'payments', kind: 'Pod', config: DEFAULT_INJECTOR_CONFIG };

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Runs `fn` for about `budgetMs` (at least `minIters` times) and returns per-call µs statistics. */
function time(fn, { budgetMs = 1000, minIters = 30, maxIters = 20000 } = {}) {
  for (let i = 0; i < 20; i++) fn(); // warm-up: let the JIT settle
  const samples = [];
  const started = performance.now();
  while (
    samples.length < maxIters &&
    (samples.length < minIters || performance.now() - started < budgetMs)
  ) {
    const t0 = performance.now();
    fn();
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

export function runEngineBench({ budgetMs = 1000 } = {}) {
  const rows = [];
  const realistic = deploymentPod();
  check(inject(realistic, ctx), 'realistic pod');
  rows.push({
    case: 'realistic pod (2 containers, 5 secrets): inject()',
    ...time(() => inject(realistic, ctx), { budgetMs }),
  });
  const review = admissionReview(realistic);
  rows.push({
    case: 'realistic pod: reviewAdmission() incl. base64 patch',
    ...time(() => reviewAdmission(review, { config: DEFAULT_INJECTOR_CONFIG, settingName }), {
      budgetMs,
    }),
  });
  for (const secrets of [1, 10, 100, 1000]) {
    const pod = deploymentPod({ secrets });
    check(inject(pod, ctx), `${secrets} secrets`);
    rows.push({
      case: `${secrets} secrets (2 containers)`,
      secrets,
      ...time(() => inject(pod, ctx), { budgetMs }),
    });
  }
  for (const containers of [1, 10, 50]) {
    const pod = deploymentPod({ containers });
    check(inject(pod, ctx), `${containers} containers`);
    rows.push({
      case: `${containers} containers (5 secrets)`,
      containers,
      ...time(() => inject(pod, ctx), { budgetMs }),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.table(runEngineBench());
}
