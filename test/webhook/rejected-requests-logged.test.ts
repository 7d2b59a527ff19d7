// The built server logs every /mutate request it refuses before the engine (415 wrong content type,
// 400 empty, not JSON, not an AdmissionReview) at info, with the reason the client was sent.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../helpers/https-client.js';
import {
  buildOnce,
  runCliSync,
  startServeTls,
  tlsFilesIn,
  type ServeProcess,
} from '../helpers/serve-process.js';

let dir = '';
let ca = '';
let srv: ServeProcess | undefined;

beforeAll(async () => {
  buildOnce();
  dir = await mkdtemp(join(tmpdir(), 'vi-rejected-'));
  const res = runCliSync(['certs', 'generate', '--hosts', '127.0.0.1', '--out', dir]);
  expect(res.status).toBe(0);
  ca = await readFile(join(dir, 'ca.crt'), 'utf8');
  srv = await startServeTls(tlsFilesIn(dir), [], {
    AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
    AGENT_INJECT_LOG_FORMAT: 'json',
  });
}, 60_000);

afterAll(async () => {
  srv?.child.kill('SIGTERM');
  await srv?.exited;
  await rm(dir, { recursive: true, force: true });
});

type Line = Record<string, unknown>;

function lines(): Line[] {
  return (srv?.output() ?? '')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

/** Waits for the server's line about this request (stderr may trail the response). */
async function loggedLine(match: (l: Line) => boolean): Promise<Line | undefined> {
  for (let i = 0; i < 50; i++) {
    const found = lines().find(match);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}

describe('rejected /mutate requests are logged at info with the reason', () => {
  it.each([
    ['text/plain', '{}', 415, 'Invalid content-type: "text/plain": expected application/json'],
    ['application/json', '', 400, 'Empty request body'],
    ['application/json', '{"apiVersion": ', 400, 'error decoding admission request'],
    ['application/json', '{"kind":"Pod"}', 400, 'kind is "Pod": expected "AdmissionReview"'],
    [
      'application/json',
      '{"kind":"AdmissionReview"}',
      400,
      'AdmissionReview has no request object',
    ],
  ])('%s %j → %i', async (type, body, status, reason) => {
    const res = await httpsRequest(srv!.url, {
      ca,
      method: 'POST',
      path: '/mutate',
      headers: { 'content-type': type },
      body,
    });
    expect(res.status).toBe(status);
    expect((JSON.parse(res.body) as { message: string }).message).toContain(reason);
    const line = await loggedLine(
      (l) => typeof l.reason === 'string' && l.reason.includes(reason) && l.status === status,
    );
    expect(line, srv!.output()).toBeDefined();
    expect(line!.level).toBe('info');
    expect(String(line!.msg)).toMatch(/^request rejected/);
  });
});
