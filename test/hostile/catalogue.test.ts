// Hostile-input catalogue against the real TLS listener: runServer on 127.0.0.1:0
// with a test certificate the client verifies. Every complete request gets a clear 4xx with a
// message or an AdmissionReview (a denial carries a message), never a 5xx or a dropped connection,
// and after each case the server still answers a normal review correctly.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCertificateSource } from '../../certs/file-source.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { createLogger } from '../../webhook/logger.js';
import { runServer, type RunningServer } from '../../webhook/run-server.js';
import { DEFAULT_SERVER_CONFIG } from '../../webhook/server-config.js';
import { httpsRequest } from '../helpers/https-client.js';
import { collectingSink } from '../helpers/log-sink.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { SecretVolume } from '../helpers/secret-volume.js';
import { testPki } from '../helpers/tls.js';
import { postBytes, rawExchange, type RawResponse } from './raw-client.js';

const BODY_LIMIT = 2 * 1024 * 1024;
const UID = '705ab4f5-6393-11e8-b7cc-42010a800002';
const INJECT = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app' };

let dir = '';
let srv: RunningServer;
const logs = collectingSink();
const ca = testPki().ca.certPem;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vi-hostile-'));
  const vol = new SecretVolume(dir);
  const pki = testPki();
  await vol.write({ 'tls.crt': pki.serving.certPem, 'tls.key': pki.serving.keyPem });
  srv = await runServer({
    injector: DEFAULT_INJECTOR_CONFIG,
    server: { ...DEFAULT_SERVER_CONFIG, listen: '127.0.0.1:0', bodyLimit: BODY_LIMIT },
    logger: createLogger({ level: 'warn', format: 'json', sink: logs }),
    certificateSource: new FileCertificateSource({
      certFile: vol.path('tls.crt'),
      keyFile: vol.path('tls.key'),
      caFile: '',
    }),
  });
});
afterAll(async () => {
  await srv?.stop();
  await rm(dir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;
const j = (v: unknown): string => JSON.stringify(v);
/** A review whose request (or object) is changed by `edit`. */
function review(edit: (r: Json) => void, pod: unknown = makePod(INJECT)): string {
  const r = makeReview(pod) as Json;
  edit(r);
  return j(r);
}
function podWith(edit: (p: Json) => void, annotations: Record<string, string> = INJECT): Json {
  const p: Json = { ...makePod(annotations) };
  edit(p);
  return p;
}
const req = (r: Json): Json => r.request as Json;
/** `depth` levels of nested objects around a leaf. */
function nested(depth: number, open: string, close: string, leaf: string): string {
  return `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
}
const withRaw = (field: string, rawJson: string): string =>
  review(() => undefined).replace('"kind":"Pod"}', `"kind":"Pod"},"${field}":${rawJson}`);
const annotations10k = Object.fromEntries(
  Array.from({ length: 10_000 }, (_, i) => [`example.com/key-${i}`, `value-${i}`]),
);
/** Bytes 0xC3 0x28 and 0xFF are not UTF-8. */
const INVALID_UTF8 = Buffer.from([0xc3, 0x28, 0xff, 0xfe]);
function withInvalidUtf8InValue(): Buffer {
  const text = review(() => undefined, makePod({ ...INJECT, 'example.com/bin': 'XXXX' }));
  const [before, after] = text.split('XXXX') as [string, string];
  return Buffer.concat([Buffer.from(before), INVALID_UTF8, Buffer.from(after)]);
}

type Expect = 'reject' | 'deny' | 'allow' | 'inject' | 413 | 415 | 404 | 431;
interface Case {
  readonly name: string;
  readonly bytes: () => Buffer;
  readonly expect: Expect;
  /** For denials: text the message must contain. */
  readonly mentions?: string;
}
const post =
  (body: string | Buffer, headers: Record<string, string | null> = {}): (() => Buffer) =>
  () =>
    postBytes(body, headers);

const CASES: Case[] = [
  // Not JSON, or not an AdmissionReview envelope → 400 with a message.
  { name: 'empty body', bytes: post(''), expect: 'reject' },
  { name: 'truncated JSON', bytes: post(review(() => undefined).slice(0, 150)), expect: 'reject' },
  {
    name: 'truncated after the last brace',
    bytes: post(review(() => undefined).slice(0, -1)),
    expect: 'reject',
  },
  { name: 'body is null', bytes: post('null'), expect: 'reject' },
  { name: 'body is an array', bytes: post('[]'), expect: 'reject' },
  { name: 'body is a string', bytes: post('"AdmissionReview"'), expect: 'reject' },
  { name: 'body is a number', bytes: post('42'), expect: 'reject' },
  { name: 'body is {}', bytes: post('{}'), expect: 'reject' },
  { name: 'request: null', bytes: post(review((r) => (r.request = null))), expect: 'reject' },
  { name: 'request is an array', bytes: post(review((r) => (r.request = []))), expect: 'reject' },
  { name: 'request is a string', bytes: post(review((r) => (r.request = 'x'))), expect: 'reject' },
  { name: 'missing uid', bytes: post(review((r) => delete req(r).uid)), expect: 'reject' },
  { name: 'uid is a number', bytes: post(review((r) => (req(r).uid = 7))), expect: 'reject' },
  { name: 'uid is empty', bytes: post(review((r) => (req(r).uid = ''))), expect: 'reject' },
  {
    name: 'apiVersion is a number',
    bytes: post(review((r) => (r.apiVersion = 1))),
    expect: 'reject',
  },
  {
    name: 'unknown apiVersion',
    bytes: post(review((r) => (r.apiVersion = 'admission.k8s.io/v2'))),
    expect: 'reject',
  },
  { name: 'kind is Pod', bytes: post(review((r) => (r.kind = 'Pod'))), expect: 'reject' },
  {
    name: 'request.namespace is a number',
    bytes: post(review((r) => (req(r).namespace = 7))),
    expect: 'reject',
  },
  {
    name: 'request.kind is a string',
    bytes: post(review((r) => (req(r).kind = 'Pod'))),
    expect: 'reject',
  },
  {
    name: '100-level nested array as the body',
    bytes: post(nested(100, '[', ']', '1')),
    expect: 'reject',
  },
  {
    name: '5000-level nested array as the body',
    bytes: post(nested(5000, '[', ']', '1')),
    expect: 'reject',
  },
  {
    name: '__proto__ key (prototype pollution)',
    bytes: post(withRaw('__proto__', '{"polluted":true}')),
    expect: 'reject',
  },
  {
    name: 'constructor.prototype key',
    bytes: post(withRaw('constructor', '{"prototype":{"x":1}}')),
    expect: 'reject',
  },
  {
    name: 'invalid UTF-8 outside strings',
    bytes: post(Buffer.concat([Buffer.from('{"a":'), INVALID_UTF8, Buffer.from('}')])),
    expect: 'reject',
  },
  {
    name: 'JSON with a byte-order mark (tolerated)',
    bytes: post(`\ufeff${review(() => undefined)}`),
    expect: 'inject',
  },
  {
    name: 'chunked body with a bad chunk size',
    bytes: () =>
      Buffer.from(
        'POST /mutate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
      ),
    expect: 'reject',
  },
  { name: 'garbage request line', bytes: () => Buffer.from('HELLO\r\n\r\n'), expect: 'reject' },
  // Transport-level limits.
  { name: 'body over the limit', bytes: post(`{"x":"${'a'.repeat(BODY_LIMIT)}"}`), expect: 413 },
  {
    name: 'content-length over the limit, no body sent',
    bytes: () =>
      Buffer.from(
        `POST /mutate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${BODY_LIMIT * 4}\r\nconnection: close\r\n\r\n`,
      ),
    expect: 413,
  },
  {
    name: 'text/plain content type',
    bytes: post(
      review(() => undefined),
      { 'content-type': 'text/plain' },
    ),
    expect: 415,
  },
  {
    name: 'no content type',
    bytes: post(
      review(() => undefined),
      { 'content-type': null },
    ),
    expect: 415,
  },
  {
    name: 'unknown path',
    bytes: () =>
      Buffer.from(
        'POST /nope HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}',
      ),
    expect: 404,
  },
  {
    name: '64 KiB header',
    bytes: post(
      review(() => undefined),
      { 'x-big': 'h'.repeat(64 * 1024) },
    ),
    expect: 431,
  },
  // A valid envelope with a broken object inside → denial naming the field.
  {
    name: 'request.object: null',
    bytes: post(review((r) => (req(r).object = null))),
    expect: 'deny',
    mentions: 'request.object',
  },
  {
    name: 'object is a string',
    bytes: post(review((r) => (req(r).object = 'pod'))),
    expect: 'deny',
    mentions: 'request.object',
  },
  {
    name: 'metadata is an array',
    bytes: post(
      review(
        () => undefined,
        podWith((p) => (p.metadata = [])),
      ),
    ),
    expect: 'deny',
    mentions: 'metadata',
  },
  {
    name: 'annotations is a string',
    bytes: post(
      review(
        () => undefined,
        podWith((p) => ((p.metadata as Json).annotations = 'x')),
      ),
    ),
    expect: 'deny',
    mentions: 'metadata.annotations',
  },
  {
    name: 'annotation value is a number',
    bytes: post(
      review(
        () => undefined,
        podWith((p) => ((p.metadata as Json).annotations = { ...INJECT, n: 5 })),
      ),
    ),
    expect: 'deny',
    mentions: 'n: expected a string, got number: quote it: "5"',
  },
  {
    name: 'spec is a number',
    bytes: post(
      review(
        () => undefined,
        podWith((p) => (p.spec = 5)),
      ),
    ),
    expect: 'deny',
    mentions: 'spec',
  },
  {
    name: 'containers is an object',
    bytes: post(
      review(
        () => undefined,
        podWith((p) => ((p.spec as Json).containers = {})),
      ),
    ),
    expect: 'deny',
    mentions: 'spec.containers',
  },
  {
    name: 'volumeMounts is a string',
    bytes: post(
      review(
        () => undefined,
        podWith((p) => ((p.spec as { containers: Json[] }).containers[0]!.volumeMounts = 'x')),
      ),
    ),
    expect: 'deny',
    mentions: 'spec.containers[0].volumeMounts',
  },
  {
    name: 'status.phase is a number',
    bytes: post(
      review(
        () => undefined,
        podWith((p) => (p.status = { phase: 5 })),
      ),
    ),
    expect: 'deny',
    mentions: 'status.phase',
  },
  {
    name: 'a Pod that is actually a Secret',
    bytes: post(
      review(() => undefined, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', annotations: INJECT },
        data: { k: 'dg==' },
      }),
    ),
    expect: 'deny',
    mentions: 'object.kind',
  },
  {
    name: 'a Secret review (kind Secret) is let through',
    bytes: post(
      review((r) => (req(r).kind = { group: '', version: 'v1', kind: 'Secret' }), {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
      }),
    ),
    expect: 'allow',
  },
  {
    name: 'invalid annotation values',
    bytes: post(
      review(
        () => undefined,
        makePod({ ...INJECT, 'vault.hashicorp.com/agent-limits-cpu': 'lots' }),
      ),
    ),
    expect: 'deny',
    mentions: 'vault.hashicorp.com/agent-limits-cpu',
  },
  // Big or odd, but valid: served normally.
  {
    name: '100-level nesting inside the pod',
    bytes: post(
      review(
        () => undefined,
        podWith((p) => ((p.spec as Json).x = JSON.parse(nested(100, '{"a":', '}', '1')))),
      ),
    ),
    expect: 'inject',
  },
  {
    name: '10 000 annotations',
    bytes: post(review(() => undefined, makePod({ ...annotations10k, ...INJECT }))),
    expect: 'inject',
  },
  {
    name: '1 MiB annotation value',
    bytes: post(
      review(() => undefined, makePod({ ...INJECT, 'example.com/big': 'v'.repeat(1024 * 1024) })),
    ),
    expect: 'inject',
  },
  {
    name: '1 MiB secret template',
    bytes: post(
      review(
        () => undefined,
        makePod({
          ...INJECT,
          'vault.hashicorp.com/agent-inject-secret-db': 'kv/db',
          'vault.hashicorp.com/agent-inject-template-db': `{{ "${'t'.repeat(1024 * 1024)}" }}`,
        }),
      ),
    ),
    expect: 'inject',
  },
  {
    name: 'invalid UTF-8 inside an annotation value',
    bytes: post(withInvalidUtf8InValue()),
    expect: 'inject',
  },
  {
    name: 'duplicate keys (last one wins, as in Go)',
    bytes: post(review(() => undefined).replace(`"uid":"${UID}"`, `"uid":"first","uid":"${UID}"`)),
    expect: 'inject',
  },
  {
    name: 'annotation keys with / and ~',
    bytes: post(review(() => undefined, makePod({ ...INJECT, 'a~b/c~1': 'x', '~0/~1': 'y' }))),
    expect: 'inject',
  },
];

function checkAnswer(c: Case, res: RawResponse): void {
  expect(res.status, `no answer (socket closed after ${res.closedAfterMs.toFixed(0)} ms)`).not.toBe(
    0,
  );
  expect(res.status).toBeLessThan(500);
  if (typeof c.expect === 'number') expect(res.status).toBe(c.expect);
  if (res.status >= 400) {
    expect(
      c.expect === 'reject' || typeof c.expect === 'number',
      `unexpected ${res.status}: ${res.body}`,
    ).toBe(true);
    // Node's own parser errors (bad request line, header too large) carry no body; ours do.
    if (res.body !== '')
      expect((JSON.parse(res.body) as { message: string }).message).toMatch(/\S/);
    return;
  }
  expect(res.status).toBe(200);
  const body = JSON.parse(res.body) as {
    kind: string;
    response: { uid: string; allowed: boolean; patch?: string; status?: { message: string } };
  };
  expect(body.kind).toBe('AdmissionReview');
  expect(body.response.uid).toBe(UID);
  if (c.expect === 'deny') {
    expect(body.response.allowed).toBe(false);
    expect(body.response.status?.message).toContain(c.mentions ?? '');
  } else {
    expect(c.expect === 'allow' || c.expect === 'inject', `unexpected 200 for ${c.expect}`).toBe(
      true,
    );
    expect(body.response.allowed, body.response.status?.message).toBe(true);
    expect(body.response.patch !== undefined).toBe(c.expect === 'inject');
  }
}

async function normalReviewWorks(): Promise<void> {
  const res = await httpsRequest(srv.url, {
    ca,
    method: 'POST',
    path: '/mutate',
    headers: { 'content-type': 'application/json' },
    body: j(makeReview(makePod(INJECT))),
  });
  expect(res.status).toBe(200);
  const response = (
    JSON.parse(res.body) as { response: { uid: string; allowed: boolean; patch: string } }
  ).response;
  expect(response.uid).toBe(UID);
  expect(response.allowed).toBe(true);
  expect(Buffer.from(response.patch, 'base64').toString('utf8')).toContain('vault-agent');
}

describe('hostile input catalogue over real TLS', () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const res = await rawExchange({ port: srv.port, ca }, c.bytes());
    checkAnswer(c, res);
    await normalReviewWorks();
  });

  it('logged no internal errors', () => {
    const errors = logs.records().filter((r) => r.level === 'error' || r.level === 50);
    expect(errors).toEqual([]);
  });
});
