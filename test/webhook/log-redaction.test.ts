// Secret-bearing text must not reach the logs through error paths: JSON parse messages (V8 quotes
// the text around the error) and the raw bytes Node attaches to malformed HTTP requests.
import { connect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { createLogger } from '../../webhook/logger.js';
import { withoutJsonExcerpt } from '../../webhook/redact.js';
import { runServer, type RunningServer } from '../../webhook/run-server.js';
import { DEFAULT_SERVER_CONFIG } from '../../webhook/server-config.js';
import { collectingSink } from '../helpers/log-sink.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { testPki } from '../helpers/tls.js';
import { testApp, type TestApp } from '../helpers/webhook-app.js';
import { toError } from '../../patches/to-error.js';

// Short, so that V8's excerpt (about ten characters either side of the error) holds all of it.
const SECRET = 'hvs.S3CR3T';

let t: TestApp | undefined;
let srv: RunningServer | undefined;
afterEach(async () => {
  await t?.app.close();
  await srv?.stop();
  t = undefined;
  srv = undefined;
});

describe('withoutJsonExcerpt', () => {
  it.each([
    `{"token": ${SECRET}}`,
    `${SECRET}`,
    `{"a": "b", "token": ${SECRET}, "c": "dddddddddddddddddd"}`,
  ])('cuts the quoted text from the parse error of %s', (text) => {
    let message = '';
    try {
      JSON.parse(text);
    } catch (err) {
      message = toError(err).message;
    }
    expect(message).toContain('S3CR3T');
    expect(withoutJsonExcerpt(message)).not.toContain('S3CR3T');
    expect(withoutJsonExcerpt(message)).toContain('not valid JSON');
  });

  it('leaves messages without an excerpt unchanged', () => {
    expect(withoutJsonExcerpt('Unterminated string in JSON at position 3')).toBe(
      'Unterminated string in JSON at position 3',
    );
  });
});

describe('error paths never log secret text', () => {
  it('a malformed agent-json-patch: the denial is logged without the value', async () => {
    t = await testApp({ server: { logLevel: 'trace' } });
    const annotations = {
      'vault.hashicorp.com/agent-inject': 'true',
      'vault.hashicorp.com/role': 'r',
      'vault.hashicorp.com/agent-json-patch': `[{"op":"add","path":"/env/-","value":${SECRET}}]`,
    };
    const res = await t.app.inject({
      method: 'POST',
      url: '/mutate',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(makeReview(makePod(annotations))),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().response.allowed).toBe(false);
    const denial = t.logs.records().find((r) => r.decision === 'deny');
    expect(denial?.problems).toEqual([
      expect.stringContaining('vault.hashicorp.com/agent-json-patch: not valid JSON'),
    ]);
    expect(t.logs.text()).not.toContain('S3CR3T');
  });

  it('a request body that is not JSON: neither the 400 nor the debug line quotes it', async () => {
    t = await testApp({ server: { logLevel: 'trace' } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/mutate',
      headers: { 'content-type': 'application/json' },
      payload: `{"request":{"uid":"u","object":{"token": ${SECRET}}}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/^error decoding admission request: /);
    expect(res.body).not.toContain('S3CR3T');
    expect(t.logs.records().some((r) => r.msg === 'request rejected')).toBe(true);
    expect(t.logs.text()).not.toContain('S3CR3T');
  });

  it('a malformed HTTP request: the raw bytes Node keeps are not logged, even at trace', async () => {
    const logs = collectingSink();
    srv = await runServer({
      injector: DEFAULT_INJECTOR_CONFIG,
      server: { ...DEFAULT_SERVER_CONFIG, listen: '127.0.0.1:0', logLevel: 'trace' },
      logger: createLogger({ level: 'trace', format: 'json', sink: logs }),
      certificateSource: {
        start: (onCertificate) => {
          onCertificate({ ...testPki().serving, caPem: '' });
          return Promise.resolve();
        },
        stop: () => Promise.resolve(),
      },
    });
    const body = `{"agent-inject-template-db":"${SECRET}"}`;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: srv!.port, ca: testPki().ca.certPem });
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString('utf8')));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      // A chunk size that is not hexadecimal: the HTTP parser fails inside the body.
      socket.write(
        'POST /mutate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          `Transfer-Encoding: chunked\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`,
      );
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    const clientError = logs.records().find((r) => r.msg === 'client error');
    expect(clientError?.err).toMatchObject({ code: 'HPE_INVALID_CHUNK_SIZE' });
    // Node's rawPacket is the request's bytes, body included (logged as a byte array).
    expect(clientError?.err).not.toHaveProperty('rawPacket');
    expect(logs.text()).not.toContain('S3CR3T');
  });
});
