// `make bench`: the injector (built `serve`) against bare Fastify HTTPS baselines in the same run,
// each loaded by autocannon from a separate process (keep-alive, 50 connections), in rounds that
// alternate between the two servers (and which of them goes first), so drift in the machine's load
// falls on both. Two paths:
//   cold  every request a different pod (uid and a label carry a counter), so no answer can be
//         reused; against the minimal baseline, which parses the review and serialises the same
//         patch (JSON + base64) and response per request. RSS of both is read after the cold rounds.
//   warm  the same pod every time (the replicas of one template in a scale-up); against the
//         baseline that answers fixed bytes.
// Then the engine alone, in-process, over distinct pods. Prints tables, PASS/MISS per target and,
// as the last line, both ratios; writes bench/results/bench-<timestamp>.json.
//   BENCH_ROUNDS        rounds per path (default 3)
//   BENCH_COLD_SECONDS  measured seconds per cold round and server (default 20: 60 s of cold load)
//   BENCH_WARM_SECONDS  measured seconds per warm round and server (default 10)
//   BENCH_NODE_FLAGS    node flags for the injector (space-separated; "" for none); by default the
//                       image's NODE_OPTIONS (Dockerfile), so what is deployed is what is measured
//   BENCH_PROFILE=1     a CPU profile of the injector under bench/results/profiles/
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runEngineBench } from './engine.mjs';
import { TARGETS, verdicts } from './verdicts.mjs';
import { printReport } from './report.mjs';
import {
  ROOT,
  admissionReview,
  deploymentPod,
  httpsCall,
  injectorNodeFlags,
  measured,
  procStats,
  startBaseline,
  startInjector,
  stop,
  writeTestCerts,
} from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const COLD_S = Number(process.env.BENCH_COLD_SECONDS ?? 20);
const WARM_S = Number(process.env.BENCH_WARM_SECONDS ?? 10);
const NODE_FLAGS = injectorNodeFlags(process.env.BENCH_NODE_FLAGS);
const WARMUP_S = 2;
const CONNECTIONS = 50;

const body = JSON.stringify(admissionReview(deploymentPod()));
const certs = await writeTestCerts();
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  loadAverageAtStart: loadavg(),
  injectorNodeFlags: NODE_FLAGS,
  requestBytes: Buffer.byteLength(body),
  rounds: ROUNDS,
  coldSecondsPerRound: COLD_S,
  warmSecondsPerRound: WARM_S,
  connections: CONNECTIONS,
  targets: TARGETS,
};

/** One admission that must be an injection answering `uid`; returns the raw answer. */
async function checkedAnswer(server, path, review) {
  const res = await httpsCall(server.url, { ca: certs.caPem, method: 'POST', path, body: review });
  const answer = JSON.parse(res.body);
  const uid = JSON.parse(review).request.uid;
  if (res.status !== 200 || answer.response?.uid !== uid || !answer.response.patch) {
    throw new Error(
      `${server.name} ${path} did not inject: ${res.status} ${res.body.slice(0, 300)}`,
    );
  }
  return res.body;
}

/** Sums rounds: req/s over the whole measured time, median p50/p99 of the rounds, every error. */
function aggregate(runs) {
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const total = runs.reduce((n, r) => n + r.totalRequests, 0);
  const seconds = runs.reduce((n, r) => n + r.durationSeconds, 0);
  return {
    requestsPerSecond: total / seconds,
    totalRequests: total,
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
    serverCpuPercent: runs.reduce((n, r) => n + r.serverCpuPercent, 0) / runs.length,
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.errors + r.timeouts, 0),
    rounds: runs,
  };
}

/** Warm-up, then `ROUNDS` alternating rounds; the first server leads in odd rounds only. */
async function compare(injectorRun, baselineRun) {
  await injectorRun(WARMUP_S);
  await baselineRun(WARMUP_S);
  const inj = [];
  const base = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['i', 'b'] : ['b', 'i'];
    for (const who of order) {
      if (who === 'i') inj.push(await injectorRun());
      else base.push(await baselineRun());
    }
    process.stdout.write('.');
  }
  process.stdout.write('\n');
  const injector = aggregate(inj);
  const baseline = aggregate(base);
  return { injector, baseline, ratio: injector.requestsPerSecond / baseline.requestsPerSecond };
}

const injector = await startInjector(certs, [], NODE_FLAGS);
let baseline;
try {
  const first = await checkedAnswer(injector, '/mutate', body);
  results.responseBytes = Buffer.byteLength(first);
  const responseFile = join(certs.dir, 'response.json');
  writeFileSync(responseFile, first);
  baseline = await startBaseline(certs, responseFile);
  // Both baselines answer as many bytes as the injector (the same patch and warnings).
  for (const path of ['/fixed', '/mutate']) {
    const same = await checkedAnswer(baseline, path, body);
    if (same.length !== first.length) throw new Error(`baseline ${path} answer differs in size`);
  }
  const opts = { body, connections: CONNECTIONS };
  const run = (server, path, vary, seconds) => (s) =>
    measured(server, { ...opts, path, vary, duration: s ?? seconds });

  console.log(
    `cold: ${ROUNDS} × ${COLD_S} s per server, ${CONNECTIONS} connections, request ${results.requestBytes} B, response ${results.responseBytes} B, load average ${loadavg()[0].toFixed(2)}`,
  );
  results.cold = await compare(
    run(injector, '/mutate', true, COLD_S),
    run(baseline, '/mutate', true, COLD_S),
  );
  results.cold.injector.rssMiB = procStats(injector.child.pid).rssMiB;
  results.cold.baseline.rssMiB = procStats(baseline.child.pid).rssMiB;
  results.cold.rssRatio = results.cold.injector.rssMiB / results.cold.baseline.rssMiB;
  results.cold.loadAverageAfter = loadavg();

  console.log(`warm: ${ROUNDS} × ${WARM_S} s per server, load average ${loadavg()[0].toFixed(2)}`);
  results.warm = await compare(
    run(injector, '/mutate', false, WARM_S),
    run(baseline, '/fixed', false, WARM_S),
  );
  results.warm.injector.rssMiB = procStats(injector.child.pid).rssMiB;
  results.warm.baseline.rssMiB = procStats(baseline.child.pid).rssMiB;
  results.warm.loadAverageAfter = loadavg();
  results.injectorExit = await stop(injector);
} finally {
  if (injector.child.exitCode === null) await stop(injector);
  if (baseline) await stop(baseline);
  rmSync(certs.dir, { recursive: true, force: true });
}

console.log('engine alone (in-process, dist/patches, a distinct pod per call):');
results.engine = runEngineBench();
results.loadAverageAtEnd = loadavg();
results.verdicts = verdicts(results);

mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const file = join(ROOT, 'bench/results', `bench-${results.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
printReport(results, file);
