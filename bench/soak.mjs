// `make soak`: SOAK_MINUTES (default 2) of realistic reviews at 50 keep-alive connections against
// the built `serve`, on the cold path (every review a different pod; SOAK_PATH=warm sends the same
// one). Passes with zero errors, RSS growth under 10 % after warm-up (the first fifth of the run,
// at least 10 s) and no upward RSS slope after warm-up (least squares, under +1 MiB a minute); prints
// one summary line and writes bench/results/soak-*.json. SOAK_NODE_FLAGS replaces the injector's
// node flags (default: the image's NODE_OPTIONS).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import {
  ROOT,
  admissionReview,
  deploymentPod,
  injectorNodeFlags,
  loadTest,
  procStats,
  startInjector,
  stop,
  writeTestCerts,
} from './lib.mjs';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 2);
const TOTAL_S = Math.max(20, Math.round(MINUTES * 60));
const WARMUP_S = Math.max(10, Math.round(TOTAL_S / 5));
const SAMPLE_MS = 2000;
const WINDOW_S = 10;
const COLD = process.env.SOAK_PATH !== 'warm';
const NODE_FLAGS = injectorNodeFlags(process.env.SOAK_NODE_FLAGS);
const MAX_SLOPE_MIB_PER_MIN = 1;

/** Least-squares slope of RSS against time, in MiB per minute. */
function slope(points) {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mr = points.reduce((a, p) => a + p.rssMiB, 0) / n;
  const num = points.reduce((a, p) => a + (p.t - mt) * (p.rssMiB - mr), 0);
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 60;
}

const body = JSON.stringify(admissionReview(deploymentPod()));
const certs = await writeTestCerts();
const injector = await startInjector(certs, [], NODE_FLAGS);
const samples = [];
const started = performance.now();
const timer = setInterval(() => {
  samples.push({
    t: (performance.now() - started) / 1000,
    rssMiB: procStats(injector.child.pid).rssMiB,
  });
}, SAMPLE_MS);
let load;
let exit;
try {
  load = await loadTest({
    url: `${injector.url}/mutate`,
    body,
    connections: 50,
    duration: TOTAL_S,
    vary: COLD,
  });
} finally {
  clearInterval(timer);
  exit = await stop(injector);
  rmSync(certs.dir, { recursive: true, force: true });
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const afterWarmup = samples.filter((s) => s.t >= WARMUP_S && s.t < WARMUP_S + WINDOW_S);
const end = samples.filter((s) => s.t >= TOTAL_S - WINDOW_S);
const rssWarm = mean(afterWarmup.map((s) => s.rssMiB));
const rssEnd = mean(end.map((s) => s.rssMiB));
const rssMax = Math.max(...samples.map((s) => s.rssMiB));
const growth = (rssEnd - rssWarm) / rssWarm;
const rssSlope = slope(samples.filter((s) => s.t >= WARMUP_S));
const errors = load.non2xx + load.errors + load.timeouts;
const pass = errors === 0 && growth < 0.1 && rssSlope < MAX_SLOPE_MIB_PER_MIN && exit.code === 0;

const summary = `soak ${pass ? 'PASS' : 'FAIL'} (${COLD ? 'cold' : 'warm'}, load average ${loadavg()[0].toFixed(2)}): ${TOTAL_S} s, 50 connections, ${load.totalRequests} requests (${load.requestsPerSecond.toFixed(0)} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms), errors ${errors}, RSS ${rssWarm.toFixed(1)} → ${rssEnd.toFixed(1)} MiB after ${WARMUP_S} s warm-up (${(growth * 100).toFixed(1)} %, slope ${rssSlope.toFixed(2)} MiB/min, max ${rssMax.toFixed(1)} MiB), exit ${exit.code ?? exit.signal}`;
console.log(summary);

mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const date = new Date().toISOString();
writeFileSync(
  join(ROOT, 'bench/results', `soak-${date.replace(/[:.]/g, '-')}.json`),
  `${JSON.stringify({ date, node: process.version, path: COLD ? 'cold' : 'warm', nodeFlags: NODE_FLAGS, loadAverage: loadavg(), totalSeconds: TOTAL_S, warmupSeconds: WARMUP_S, load, rssWarm, rssEnd, rssMax, growth, rssSlopeMiBPerMinute: rssSlope, exit, samples, pass }, null, 2)}\n`,
);
process.exitCode = pass ? 0 : 1;
