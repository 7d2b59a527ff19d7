// The console report of `make bench`: both paths, the engine table, PASS/MISS per target, and as
// the very last line both ratios (what CI and people read first).
const fmt = (n, d = 0) => (n === undefined ? '-' : Number(n).toFixed(d));

function serverRow(name, r) {
  return `${name.padEnd(22)} ${fmt(r.requestsPerSecond).padStart(8)} ${fmt(r.p50Ms, 1).padStart(7)} ${fmt(r.p99Ms, 1).padStart(7)} ${fmt(r.maxMs).padStart(7)} ${fmt(r.serverCpuPercent).padStart(6)}% ${fmt(r.rssMiB, 1).padStart(8)} ${String(r.non2xx + r.errors).padStart(7)}`;
}

export function printReport(results, file) {
  const { cold, warm } = results;
  console.log(
    `\n${'server'.padEnd(22)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'cpu'.padStart(7)} ${'RSS MiB'.padStart(8)} ${'errors'.padStart(7)}`,
  );
  console.log(serverRow('cold: minimal baseline', cold.baseline));
  console.log(serverRow('cold: injector', cold.injector));
  console.log(serverRow('warm: fixed bytes', warm.baseline));
  console.log(serverRow('warm: injector', warm.injector));
  console.log(
    `\n${'engine case (cold)'.padEnd(56)} ${'median µs'.padStart(10)} ${'p99 µs'.padStart(10)} ${'iters'.padStart(7)}`,
  );
  for (const r of results.engine) {
    console.log(
      `${r.case.padEnd(56)} ${fmt(r.medianUs, 1).padStart(10)} ${fmt(r.p99Us, 1).padStart(10)} ${String(r.iterations).padStart(7)}`,
    );
  }
  console.log('');
  for (const v of results.verdicts)
    console.log(`${v.pass ? 'PASS' : 'MISS'}  ${v.name}: ${v.value}`);
  const load = results.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ');
  console.log(`\nwritten ${file} (load average at start ${load})`);
  const mark = (i) => (results.verdicts[i].pass ? 'PASS' : 'MISS');
  console.log(
    `cold ratio ${fmt(cold.ratio, 3)} ${mark(0)} · warm ratio ${fmt(warm.ratio, 3)} ${mark(1)} · engine ${results.verdicts[2].value} ${mark(2)} · RSS ${fmt(cold.rssRatio, 2)}× ${mark(3)} · p99 ${results.verdicts[4].value.split(' ')[0]} ${mark(4)} · errors ${results.verdicts[6].value} ${mark(6)}`,
  );
}
