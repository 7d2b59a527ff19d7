// One outage line per outage, and an outage is over only when every loop that failed has
// succeeded again: one loop's success must not end another's failures (a Role missing
// configmaps fails the election every 2 s while Secret reads succeed).
import { describe, expect, it } from 'vitest';
import { OutageLog } from '../../certs/outage-log.js';
import { captureLogger, type LogLine } from './support.js';

function setup(): { log: OutageLog; lines: LogLine[]; advance: (ms: number) => void } {
  const lines: LogLine[] = [];
  let now = 0;
  const log = new OutageLog({
    logger: captureLogger(lines),
    repeatMs: 30_000,
    monotonicNow: () => now,
  });
  return { log, lines, advance: (ms) => (now += ms) };
}

const warnings = (lines: LogLine[]): string[] =>
  lines.filter((l) => l.level !== 'debug').map((l) => `${l.level} ${l.msg.split(';')[0]}`);

describe('OutageLog', () => {
  it('logs one warning for many retries, a reminder after 30 s, one line on recovery', () => {
    const { log, lines, advance } = setup();
    for (let i = 0; i < 20; i++) {
      log.failed('certificate round', new Error('connect ECONNREFUSED'), 1000);
      advance(1000);
    }
    log.failed('certificate round', new Error('connect ECONNREFUSED'), 1000);
    advance(10_000);
    log.failed('certificate round', new Error('connect ECONNREFUSED'), 1000);
    log.succeeded('certificate round');
    expect(warnings(lines)).toEqual([
      'warn Kubernetes API unavailable',
      'warn Kubernetes API still unavailable',
      'info Kubernetes API reachable again',
    ]);
    expect(lines.filter((l) => l.level === 'debug')).toHaveLength(22);
  });

  it("one loop's successes do not end another loop's failures", () => {
    const { log, lines, advance } = setup();
    for (let i = 0; i < 5; i++) {
      log.failed('leader election', new Error('configmaps is forbidden'), 2000);
      log.succeeded('certificate round');
      advance(2000);
    }
    expect(warnings(lines)).toEqual(['warn Kubernetes API unavailable']);
    log.succeeded('leader election');
    expect(warnings(lines)).toEqual([
      'warn Kubernetes API unavailable',
      'info Kubernetes API reachable again',
    ]);
  });

  it('a loop that stops no longer holds the outage open', () => {
    const { log, lines } = setup();
    log.failed('webhook watch', new Error('socket hang up'), 1000);
    log.withdraw('webhook watch');
    log.failed('certificate round', new Error('HTTP 500'), 1000);
    expect(warnings(lines)).toEqual([
      'warn Kubernetes API unavailable',
      'warn Kubernetes API unavailable',
    ]);
  });
});
