// POST /mutate, probes and error replies, driven through Fastify inject() (no sockets).
import { afterEach, describe, expect, it } from 'vitest';
import { reviewAdmission } from '../../admission/review.js';
import { settingName } from '../../cli/setting-names.js';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../../patches/injector-config.js';
import { createMetrics } from '../../webhook/metrics.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { testApp, type TestApp } from '../helpers/webhook-app.js';

const JSON_CT = { 'content-type': 'application/json' };
const ROLE = 'vault.hashicorp.com/role';
const INJECT = 'vault.hashicorp.com/agent-inject';

let current: TestApp | undefined;
async function setup(opts: Parameters<typeof testApp>[0] = {}): Promise<TestApp> {
  current = await testApp(opts);
  return current;
}
afterEach(async () => {
  await current?.app.close();
  current = undefined;
});

function post(t: TestApp, payload: string | object, headers: Record<string, string> = JSON_CT) {
  return t.app.inject({
    method: 'POST',
    url: '/mutate',
    headers,
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

describe('POST /mutate', () => {
  it('answers exactly what reviewAdmission returns (the code path `review` uses)', async () => {
    const t = await setup();
    for (const review of [
      makeReview(makePod(undefined)),
      makeReview(makePod({ [INJECT]: 'true', [ROLE]: 'app' })),
      makeReview(makePod({ [INJECT]: 'true' }), 'app', 'admission.k8s.io/v1beta1'),
    ]) {
      const res = await post(t, review);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const expected = reviewAdmission(structuredClone(review), {
        config: DEFAULT_INJECTOR_CONFIG,
        settingName,
      });
      expect(expected.ok).toBe(true);
      expect(res.json()).toEqual(expected.ok ? expected.response : undefined);
    }
  });

  it('accepts application/json with parameters', async () => {
    const t = await setup();
    const res = await post(t, makeReview(makePod(undefined)), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().response).toEqual({
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      allowed: true,
    });
  });

  it.each([
    ['text/plain', 'x'],
    ['application/x-www-form-urlencoded', 'a=b'],
    ['application/yaml', 'a: b'],
  ])('rejects content-type %s with 415 and a message', async (ct, body) => {
    const t = await setup();
    const res = await post(t, body, { 'content-type': ct });
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toContain(`Invalid content-type: "${ct}"`);
  });

  it.each([
    ['empty body', ''],
    ['truncated JSON', '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionRev'],
    ['not JSON', 'hello'],
    ['JSON null', 'null'],
    ['JSON array', '[1,2]'],
    ['not an AdmissionReview', '{"kind":"Pod"}'],
    ['AdmissionReview without uid', '{"kind":"AdmissionReview","request":{"object":{}}}'],
    ['wrong apiVersion', '{"apiVersion":"v1","kind":"AdmissionReview","request":{"uid":"x"}}'],
  ])('%s → 400 with a message, never 500', async (_name, body) => {
    const t = await setup();
    const res = await post(t, body);
    expect(res.statusCode).toBe(400);
    expect(typeof res.json().message).toBe('string');
    expect(res.json().message.length).toBeGreaterThan(0);
  });

  it('a POST without any content-type and no body → 400 Empty request body', async () => {
    const t = await setup();
    const res = await t.app.inject({ method: 'POST', url: '/mutate' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('Empty request body');
  });

  it('a body over ServerConfig.bodyLimit → 413', async () => {
    const t = await setup({ server: { bodyLimit: 1024 } });
    const pod = makePod({ [INJECT]: 'true', note: 'x'.repeat(2000) });
    const res = await post(t, makeReview(pod));
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toContain('1024 bytes');
    const small = await post(t, makeReview(makePod(undefined)));
    expect(small.statusCode).toBe(200);
  });

  it('an engine bug is an InternalError denial with the uid, logged with its stack and counted', async () => {
    // A failing dependency of the engine: every read of the injector configuration throws.
    const exploding = new Proxy({} as InjectorConfig, {
      get() {
        throw new Error('config exploded');
      },
    });
    const t = await setup({ injector: exploding });
    const res = await post(t, makeReview(makePod({ [INJECT]: 'true', [ROLE]: 'app' }), 'team-a'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
        allowed: false,
        status: {
          metadata: {},
          status: 'Failure',
          reason: 'InternalError',
          code: 500,
          message: 'internal error in vault-injector: config exploded',
        },
      },
    });
    const errors = t.logs.records().filter((r) => r.level === 'error');
    expect(errors).toHaveLength(1);
    const err = errors[0]?.err as { message?: string; stack?: string } | undefined;
    expect(err?.message).toBe('config exploded');
    expect(err?.stack).toMatch(/^Error: config exploded\n\s+at /);
    const metrics = await t.app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('\nvault_agent_injector_internal_errors_total 1\n');
    expect(metrics.body).toContain(
      'vault_agent_injector_failed_injections_by_namespace_total{namespace="team-a"} 1\n',
    );
  });

  it('an unexpected throw in the HTTP layer becomes a 200 denial carrying the uid', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.skippedRequests.inc = () => {
      throw new Error('metrics exploded');
    };
    const t = await setup({ metrics });
    const res = await post(t, makeReview(makePod(undefined), 'team-a', 'admission.k8s.io/v1beta1'));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      apiVersion: 'admission.k8s.io/v1beta1',
      kind: 'AdmissionReview',
      response: {
        uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
        allowed: false,
        status: {
          metadata: {},
          status: 'Failure',
          reason: 'InternalError',
          code: 500,
          message: 'internal error in vault-injector: metrics exploded',
        },
      },
    });
    const errors = t.logs.records().filter((r) => r.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ uid: '705ab4f5-6393-11e8-b7cc-42010a800002' });
    expect(await metrics.internalErrors.get()).toMatchObject({ values: [{ value: 1 }] });
    // The server keeps working afterwards.
    expect((await t.app.inject({ url: '/health/live' })).statusCode).toBe(204);
  });

  it('other paths are 404 and GET /mutate is not an admission call', async () => {
    const t = await setup();
    expect((await t.app.inject({ url: '/nope' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/mutate' })).statusCode).toBe(404);
  });
});

describe('health', () => {
  it('/health/ready is 503 while starting, 204 when serving, 503 when shutting down', async () => {
    const t = await setup({ ready: false });
    expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(503);
    t.readiness.markCertificateLoaded();
    expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(503);
    t.readiness.markServing();
    const ok = await t.app.inject({ url: '/health/ready' });
    expect(ok.statusCode).toBe(204);
    expect(ok.body).toBe('');
    t.readiness.markShuttingDown();
    expect((await t.app.inject({ url: '/health/ready' })).statusCode).toBe(503);
    expect((await t.app.inject({ url: '/health/live' })).statusCode).toBe(204);
  });
});
