// `make bench`: the injector (built `serve`) against a bare Fastify HTTPS baseline in the same run,
// both loaded by autocannon from a separate process (keep-alive, 50 connections), then RSS after
// 100 000 requests, then the engine alone. Prints a table with PASS/MISS per target and writes
// bench/results/bench-<timestamp>.json.
//   BENCH_DURATION   measured seconds per server (default 10; 2 s warm-up before each)
//   BENCH_RSS_REQUESTS  requests before the RSS reading (default 100000; 0 skips the step)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runEngineBench } from './engine.mjs';
import {
  ROOT,
  admissionReview,
  deploymentPod,
  httpsCall,
  measured,
  procStats,
  startBaseline,
  startInjector,
  stop,
  UID,
  writeTestCerts,
} from './lib.mjs';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = 2;
const RSS_REQUESTS = Number(process.env.BENCH_RSS_REQUESTS ?? 100_000);
const CONNECTIONS = 50;
const TARGETS = {
  ratio: 0.85,
  realisticMedianUs: 50,
  thousandSecretsMs: 20,
  rssMiB: 120,
};

const body = JSON.stringify(admissionReview(deploymentPod()));
const certs = await writeTestCerts();
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  requestBytes: Buffer.byteLength(body),
  durationSeconds: DURATION,
  connections: CONNECTIONS,
};

async function loadServer(server) {
  await measured(server, { body, connections: CONNECTIONS, duration: WARMUP });
  return measured(server, { body, connections: CONNECTIONS, duration: DURATION });
}

const injector = await startInjector(certs);
let baseline;
try {
  // One real answer: it must be an injection, and the baseline answers the same bytes.
  const first = await httpsCall(injector.url, {
    ca: certs.caPem,
    method: 'POST',
    path: '/mutate',
    body,
  });
  const answer = JSON.parse(first.body);
  if (first.status !== 200 || answer.response?.uid !== UID || !answer.response.patch) {
    throw new Error(
      `injector did not inject the realistic pod: ${first.status} ${first.body.slice(0, 300)}`,
    );
  }
  results.responseBytes = Buffer.byteLength(first.body);
  const responseFile = join(certs.dir, 'response.json');
  writeFileSync(responseFile, first.body);
  baseline = await startBaseline(certs, responseFile);
  const check = await httpsCall(baseline.url, {
    ca: certs.caPem,
    method: 'POST',
    path: '/mutate',
    body,
  });
  if (check.body.length !== first.body.length) throw new Error('baseline answer differs in size');

  console.log(
    `HTTP: ${DURATION} s per server after ${WARMUP} s warm-up, ${CONNECTIONS} connections, request ${results.requestBytes} B, response ${results.responseBytes} B`,
  );
  results.baseline = await loadServer(baseline);
  results.injector = await loadServer(injector);
  results.ratio = results.injector.requestsPerSecond / results.baseline.requestsPerSecond;
  results.baselineRssAtRest = procStats(baseline.child.pid).rssMiB;

  if (RSS_REQUESTS > 0) {
    const served = await measured(injector, {
      body,
      connections: CONNECTIONS,
      amount: RSS_REQUESTS,
    });
    results.rssAfterRequests = {
      requests: RSS_REQUESTS,
      totalServed: results.injector.totalRequests + served.totalRequests,
      rssMiB: served.rssMiB,
      non2xx: served.non2xx,
      errors: served.errors,
    };
  }
  results.injectorExit = await stop(injector);
} finally {
  if (injector.child.exitCode === null) await stop(injector);
  if (baseline) await stop(baseline);
  rmSync(certs.dir, { recursive: true, force: true });
}

console.log('Engine alone (in-process, dist/patches):');
results.engine = runEngineBench();

// Report.
const fmt = (n, d = 0) => (n === undefined ? '-' : Number(n).toFixed(d));
const row = (name, r) =>
  `${name.padEnd(10)} ${fmt(r.requestsPerSecond).padStart(8)} ${fmt(r.p50Ms, 1).padStart(7)} ${fmt(r.p99Ms, 1).padStart(7)} ${fmt(r.maxMs).padStart(7)} ${fmt(r.serverCpuPercent).padStart(6)}% ${fmt(r.rssMiB, 1).padStart(8)} ${String(r.non2xx + r.errors).padStart(7)}`;
console.log(
  `\n${'server'.padEnd(10)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'cpu'.padStart(7)} ${'RSS MiB'.padStart(8)} ${'errors'.padStart(7)}`,
);
console.log(row('baseline', results.baseline));
console.log(row('injector', results.injector));
console.log(`ratio injector/baseline: ${fmt(results.ratio, 3)}`);
if (results.rssAfterRequests) {
  console.log(
    `injector RSS after ${results.rssAfterRequests.totalServed} requests: ${fmt(results.rssAfterRequests.rssMiB, 1)} MiB (errors ${results.rssAfterRequests.non2xx + results.rssAfterRequests.errors})`,
  );
}
console.log(
  `\n${'engine case'.padEnd(56)} ${'median µs'.padStart(10)} ${'p99 µs'.padStart(10)} ${'iters'.padStart(7)}`,
);
for (const r of results.engine) {
  console.log(
    `${r.case.padEnd(56)} ${fmt(r.medianUs, 1).padStart(10)} ${fmt(r.p99Us, 1).padStart(10)} ${String(r.iterations).padStart(7)}`,
  );
}

const realistic = results.engine[0].medianUs;
const thousand = results.engine.find((r) => r.secrets === 1000).medianUs / 1000;
const verdicts = [
  ['throughput ratio ≥ 0.85', results.ratio >= TARGETS.ratio, fmt(results.ratio, 3)],
  [
    'engine median ≤ 50 µs (realistic pod)',
    realistic <= TARGETS.realisticMedianUs,
    `${fmt(realistic, 1)} µs`,
  ],
  ['1000 secrets ≤ 20 ms', thousand <= TARGETS.thousandSecretsMs, `${fmt(thousand, 2)} ms`],
  [
    'RSS ≤ 120 MiB after 100 000 requests',
    results.rssAfterRequests ? results.rssAfterRequests.rssMiB <= TARGETS.rssMiB : undefined,
    results.rssAfterRequests ? `${fmt(results.rssAfterRequests.rssMiB, 1)} MiB` : 'skipped',
  ],
  [
    'zero errors under load',
    results.injector.non2xx + results.injector.errors + results.injector.timeouts === 0,
    `${results.injector.non2xx} non-2xx, ${results.injector.errors} errors`,
  ],
];
console.log('');
for (const [name, ok, value] of verdicts) {
  console.log(`${ok === undefined ? 'SKIP' : ok ? 'PASS' : 'MISS'}  ${name}: ${value}`);
}
results.targets = verdicts.map(([name, ok, value]) => ({ name, pass: ok, value }));

mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const file = join(ROOT, 'bench/results', `bench-${results.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten ${file}`);
