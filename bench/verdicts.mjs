// The targets of `make bench` (issue 11) and the PASS/MISS verdict of a run against each.
export const TARGETS = {
  coldRatio: 0.75,
  warmRatio: 0.9,
  engineColdMedianUs: 60,
  coldRssRatio: 1.3,
  coldP99Ratio: 2,
  thousandSecretsMs: 20,
};

const fix = (n, d) => Number(n).toFixed(d);

/** [{ name, pass, value }] for every target. */
export function verdicts(results) {
  const { cold, warm, engine } = results;
  const realistic = engine[0].medianUs;
  const thousand = engine.find((r) => r.secrets === 1000).medianUs / 1000;
  const p99Ratio = cold.injector.p99Ms / cold.baseline.p99Ms;
  const errors =
    cold.injector.non2xx + cold.injector.errors + warm.injector.non2xx + warm.injector.errors;
  const rows = [
    ['cold ratio ≥ 0.75 (minimal baseline)', cold.ratio >= TARGETS.coldRatio, fix(cold.ratio, 3)],
    [
      'warm ratio ≥ 0.9 (fixed-bytes baseline)',
      warm.ratio >= TARGETS.warmRatio,
      fix(warm.ratio, 3),
    ],
    [
      'engine cold median ≤ 60 µs (realistic pod)',
      realistic <= TARGETS.engineColdMedianUs,
      `${fix(realistic, 1)} µs`,
    ],
    [
      'RSS after cold load ≤ 1.3× baseline',
      cold.rssRatio <= TARGETS.coldRssRatio,
      `${fix(cold.rssRatio, 2)}× (${fix(cold.injector.rssMiB, 1)} / ${fix(cold.baseline.rssMiB, 1)} MiB)`,
    ],
    [
      'cold p99 ≤ 2× baseline',
      p99Ratio <= TARGETS.coldP99Ratio,
      `${fix(p99Ratio, 2)}× (${cold.injector.p99Ms} / ${cold.baseline.p99Ms} ms)`,
    ],
    ['1000 secrets ≤ 20 ms', thousand <= TARGETS.thousandSecretsMs, `${fix(thousand, 2)} ms`],
    ['zero errors', errors === 0, String(errors)],
  ];
  return rows.map(([name, pass, value]) => ({ name, pass, value }));
}
