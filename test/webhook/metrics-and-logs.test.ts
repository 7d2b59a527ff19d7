// The vault-k8s metrics (names, types, labels, semantics) and the one-line-per-decision log.
import { afterEach, describe, expect, it } from 'vitest';
import { logDecision } from '../../webhook/decision-log.js';
import { createLogger, directLineWriter, type Logger } from '../../webhook/logger.js';
import { formatStandardLine } from '../../webhook/standard-format.js';
import { collectingSink } from '../helpers/log-sink.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { testApp, type TestApp } from '../helpers/webhook-app.js';

const INJECT = 'vault.hashicorp.com/agent-inject';
const ROLE = 'vault.hashicorp.com/role';
const TEMPLATE = 'vault.hashicorp.com/agent-inject-template-db';
const SECRET_VALUE = 'S3CR3T-token-hvs.CAESIJ';
const UID = '705ab4f5-6393-11e8-b7cc-42010a800002';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

async function mutate(app: TestApp, review: object, ct = 'application/json'): Promise<number> {
  const res = await app.app.inject({
    method: 'POST',
    url: '/mutate',
    headers: { 'content-type': ct },
    payload: JSON.stringify(review),
  });
  return res.statusCode;
}

function sample(text: string, line: string): number | undefined {
  const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
  return hit === undefined ? undefined : Number(hit.slice(line.length + 1));
}

describe('metrics', () => {
  it('exposes the four vault-k8s metrics with their types, plus skips and default metrics', async () => {
    t = await testApp();
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    for (const [name, type] of [
      ['vault_agent_injector_request_queue_length', 'gauge'],
      ['vault_agent_injector_request_processing_duration_ms', 'histogram'],
      ['vault_agent_injector_injections_by_namespace_total', 'counter'],
      ['vault_agent_injector_failed_injections_by_namespace_total', 'counter'],
      ['vault_agent_injector_skipped_requests_total', 'counter'],
      ['vault_agent_injector_internal_errors_total', 'counter'],
      ['process_cpu_user_seconds_total', 'counter'],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
    for (const le of [5, 10, 25, 50, 75, 100, 250, 500, 1000, 2500, 5000, 7500, 10000]) {
      expect(text).toContain(
        `vault_agent_injector_request_processing_duration_ms_bucket{le="${le}"}`,
      );
    }
  });

  it('counts injections by namespace and type, failures by namespace, skips by reason', async () => {
    t = await testApp();
    expect(await mutate(t, makeReview(makePod({ [INJECT]: 'true', [ROLE]: 'r' }), 'team-a'))).toBe(
      200,
    );
    const initOnly = {
      [INJECT]: 'true',
      [ROLE]: 'r',
      'vault.hashicorp.com/agent-pre-populate-only': 'true',
    };
    expect(await mutate(t, makeReview(makePod(initOnly), 'team-a'))).toBe(200);
    expect(await mutate(t, makeReview(makePod(initOnly), 'team-b'))).toBe(200);
    const bad = { [INJECT]: 'true', [ROLE]: 'r', 'vault.hashicorp.com/agent-limits-cpu': 'lots' };
    expect(await mutate(t, makeReview(makePod(bad), 'team-c'))).toBe(200);
    expect(await mutate(t, makeReview(makePod(undefined), 'team-d'))).toBe(200);
    const update = makeReview(makePod({ [INJECT]: 'true', [ROLE]: 'r' }), 'team-e');
    (update.request as { operation: string }).operation = 'UPDATE';
    expect(await mutate(t, update)).toBe(200);
    // Early exits count in the duration histogram but touch no injection counter.
    expect(await mutate(t, makeReview(makePod(undefined)), 'text/plain')).toBe(415);
    expect(await mutate(t, { kind: 'Pod' })).toBe(400);

    const text = (await t.app.inject({ url: '/metrics' })).body;
    const inj = 'vault_agent_injector_injections_by_namespace_total';
    expect(sample(text, `${inj}{namespace="team-a",injection_type="init_and_sidecar"}`)).toBe(1);
    expect(sample(text, `${inj}{namespace="team-a",injection_type="init_only"}`)).toBe(1);
    expect(sample(text, `${inj}{namespace="team-b",injection_type="init_only"}`)).toBe(1);
    const failed = 'vault_agent_injector_failed_injections_by_namespace_total';
    expect(sample(text, `${failed}{namespace="team-c"}`)).toBe(1);
    expect(text).not.toContain(`${failed}{namespace="team-d"}`);
    expect(
      sample(text, 'vault_agent_injector_skipped_requests_total{reason="not_annotated"}'),
    ).toBe(1);
    expect(sample(text, 'vault_agent_injector_skipped_requests_total{reason="not_create"}')).toBe(
      1,
    );
    expect(text).not.toContain(`${inj}{namespace="team-e"`);
    expect(sample(text, 'vault_agent_injector_request_processing_duration_ms_count')).toBe(8);
    expect(sample(text, 'vault_agent_injector_request_queue_length')).toBe(0);
  });

  it('telemetryPath moves the endpoint; empty disables it', async () => {
    t = await testApp({ server: { telemetryPath: '/custom-metrics' } });
    expect((await t.app.inject({ url: '/custom-metrics' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(404);
    await t.app.close();
    t = await testApp({ server: { telemetryPath: '' } });
    expect((await t.app.inject({ url: '/metrics' })).statusCode).toBe(404);
  });
});

describe('decision log', () => {
  it('one line per decision with uid, namespace, pod, owner, decision, reason, duration', async () => {
    t = await testApp();
    await mutate(t, makeReview(makePod({ [INJECT]: 'true', [ROLE]: 'r' }), 'team-a'));
    await mutate(t, makeReview(makePod(undefined), 'team-a'));
    const decisions = t.logs.records().filter((r) => r.component === 'admission');
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toMatchObject({
      level: 'info',
      decision: 'inject',
      uid: UID,
      namespace: 'team-a',
      pod: 'web-7d4b9c-',
      owner: 'ReplicaSet',
      reason: 'init_and_sidecar',
    });
    expect(typeof decisions[0]!.duration_ms).toBe('number');
    expect(decisions[1]).toMatchObject({ decision: 'skip', reason: 'not_annotated' });
    // Fastify's per-request lines are off.
    expect(t.logs.records().filter((r) => r.msg === 'incoming request')).toHaveLength(0);
  });

  it('never logs values of sensitive annotations, even at debug', async () => {
    t = await testApp({ server: { logLevel: 'trace' } });
    const ann = { [INJECT]: 'true', [ROLE]: 'r', [TEMPLATE]: `{{ "${SECRET_VALUE}" }}` };
    await mutate(t, makeReview(makePod(ann)));
    await mutate(
      t,
      makeReview(makePod({ ...ann, 'vault.hashicorp.com/agent-limits-cpu': 'lots' })),
    );
    expect(t.logs.text()).not.toContain(SECRET_VALUE);
    const decisions = t.logs.records().filter((r) => r.component === 'admission');
    expect(decisions[0]!.annotations).toContain(TEMPLATE);
    expect(decisions[1]!.problems).toEqual([
      expect.stringContaining('vault.hashicorp.com/agent-limits-cpu="lots"'),
    ]);
  });

  it('drops a problem value when its annotation is sensitive', () => {
    const sink = collectingSink();
    const logger = createLogger({ level: 'info', format: 'json', sink });
    logDecision(
      logger,
      {
        summary: { uid: 'u', namespace: 'n', name: 'p', ownerKind: '', operation: 'CREATE' },
        outcome: {
          decision: 'deny',
          reason: 'invalid_annotations',
          warnings: [],
          problems: [
            { severity: 'error', key: TEMPLATE, value: SECRET_VALUE, message: 'bad template' },
          ],
        },
        object: {},
      },
      1.234,
    );
    expect(sink.text()).not.toContain(SECRET_VALUE);
    expect(sink.records()[0]).toMatchObject({
      level: 'warn',
      problems: [`${TEMPLATE}: bad template`],
      duration_ms: 1.2,
    });
  });
});

/** The symbol under which a standard-format logger keeps its direct writer. */
function directKey(logger: Logger): symbol {
  const writer = directLineWriter(logger);
  let proto: object | null = logger;
  while (proto !== null) {
    const key = Object.getOwnPropertySymbols(proto).find(
      (k) => (proto as Record<symbol, unknown>)[k] === writer,
    );
    if (key !== undefined) return key;
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  throw new Error('no direct writer');
}

describe('standard log format', () => {
  it('prints time, level, component and key=value fields on one line', () => {
    const line = formatStandardLine(
      JSON.stringify({
        level: 'info',
        time: '2026-11-28T08:00:00.000Z',
        component: 'admission',
        decision: 'inject',
        uid: 'abc',
        pod: 'web-',
        owner: 'ReplicaSet',
        duration_ms: 0.4,
      }),
    );
    expect(line).toBe(
      '2026-11-28T08:00:00.000Z [INFO]  admission: decision=inject uid=abc pod=web- owner=ReplicaSet duration_ms=0.4\n',
    );
  });

  it('quotes values with spaces and shows an error message', () => {
    const line = formatStandardLine(
      JSON.stringify({
        level: 'error',
        time: '2026-11-28T08:00:00.000Z',
        msg: 'reload failed',
        err: { type: 'Error', message: 'no such file', stack: 'Error: …' },
        path: 'a b',
      }),
    );
    expect(line).toBe(
      '2026-11-28T08:00:00.000Z [ERROR] reload failed: err="no such file" path="a b"\n',
    );
  });

  it.each(['debug', 'info', 'warn'] as const)(
    'writes decision lines directly exactly as pino would reformat them (level %s)',
    (level) => {
      type Decision = Parameters<typeof logDecision>[1];
      const decision = (warnings: Decision['outcome']['warnings'], deny: boolean): Decision => ({
        summary: { uid: 'u-1', namespace: 'ns', name: 'web-', ownerKind: '', operation: 'CREATE' },
        outcome: deny
          ? {
              decision: 'deny',
              reason: 'invalid_annotations',
              warnings,
              problems: [{ severity: 'error', key: 'k', value: 'a "b" = c', message: 'bad' }],
            }
          : { decision: 'skip', reason: 'not_annotated', warnings },
        object: { metadata: { annotations: { b: '1', a: '2' } } },
      });
      const lines = (viaPino: boolean): string[] => {
        const sink = collectingSink();
        const root = createLogger({ level, format: 'standard', sink });
        const child = root.child({ component: 'admission' });
        // The same logger without the direct writer: pino's JSON, reformatted.
        const logger = viaPino
          ? Object.create(child, { [directKey(child)]: { value: undefined } })
          : child;
        logDecision(logger, decision([], false), 0.25);
        const w = { severity: 'warning' as const, key: 'vault.hashicorp.com/x', message: 'm' };
        logDecision(logger, decision([w, w], true), 12);
        return sink.lines.map((l) => l.replace(/^\S+Z /, 'TIME '));
      };
      const direct = lines(false);
      expect(direct).toHaveLength(level === 'warn' ? 1 : 2);
      expect(direct).toEqual(lines(true));
    },
  );

  it('createLogger standard writes one line per event', () => {
    const sink = collectingSink();
    const logger = createLogger({ level: 'warn', format: 'standard', sink });
    logger.info('hidden');
    logger.child({ component: 'certs' }).warn({ file: '/x' }, 'reload failed');
    expect(sink.lines).toHaveLength(1);
    expect(sink.lines[0]).toMatch(/^\S+Z \[WARN\] {2}certs: reload failed: file=\/x\n$/);
  });
});
