// A bug in the engine is an internal error in every command: exit 3 (apart from 1, "denied", and
// 2, bad input) with the stack on stderr; `review` first prints the InternalError answer the
// webhook would send. The engine is made to throw here, in this process: no input reaches a bug.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from './in-process.js';

vi.mock('../../patches/inject.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../patches/inject.js')>()),
  inject: () => {
    throw new TypeError('engine exploded');
  },
}));

const ROOT = new URL('../../', import.meta.url).pathname;
const REVIEW = readFileSync(`${ROOT}examples/admission-review.json`, 'utf8');
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    vault.hashicorp.com/agent-inject: "true"
    vault.hashicorp.com/role: app
spec:
  containers:
    - name: app
      image: example/app:1
`;

function expectInternalError(stderr: string): void {
  expect(stderr).toMatch(/^vault-injector: internal error: TypeError: engine exploded\n\s+at /);
}

describe('internal errors in the CLI', () => {
  it('review prints the InternalError answer and exits 3', async () => {
    const run = await runCli(['review'], { input: REVIEW });
    expect(run.code).toBe(3);
    const uid = (JSON.parse(REVIEW) as { request: { uid: string } }).request.uid;
    expect(JSON.parse(run.stdout)).toMatchObject({
      kind: 'AdmissionReview',
      response: {
        uid,
        allowed: false,
        status: {
          reason: 'InternalError',
          code: 500,
          message: 'internal error in vault-injector: engine exploded',
        },
      },
    });
    expectInternalError(run.stderr);
  });

  it('mutate exits 3, not 1 as for a denial', async () => {
    const run = await runCli(['mutate', '-f', '-'], { input: POD });
    expect(run.code).toBe(3);
    expectInternalError(run.stderr);
  });
});
