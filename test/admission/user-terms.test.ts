// Denials, warnings and the decision log name what the user wrote: the AdmissionReview field
// (request.object.spec), the namespace, the Job as Kind/namespace/name, an injector setting by its
// flag. Never an internal path (metadata.ownerReferences, request.namespace), a configuration key
// (cpuLimit, runAsSameUser) or JavaScript's "undefined". Through the built binary.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/built-cli.js';
import { httpsRequest } from '../helpers/https-client.js';
import { makePod, makeReview } from '../helpers/pods.js';
import {
  buildOnce,
  runCliSync,
  startServeTls,
  tlsFilesIn,
  waitForLine,
} from '../helpers/serve-process.js';

const INJECT = { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app' };
const LEAKS = /undefined|request\.namespace|metadata\.ownerReferences|runAsSameUser|cpuLimit/;

interface Response {
  allowed: boolean;
  status?: { message: string };
  warnings?: string[];
}

async function review(body: unknown, args: string[] = []): Promise<Response> {
  const run = await runCli(['review', ...args], { input: JSON.stringify(body) });
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { response: Response }).response;
}

beforeAll(() => buildOnce(), 120_000);

describe.concurrent('review: findings in the terms of the AdmissionReview sent', () => {
  it('a pod without spec: request.object.spec, got nothing', async () => {
    // The pod as JSON without its spec: a shape no Pod type allows, so built as plain data.
    const { spec: _spec, ...pod } = makePod(INJECT);
    const res = await review(makeReview(pod));
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toBe(
      'request.object.spec: expected a pod spec object, got nothing',
    );
  });

  it('a broken container list names its place in request.object', async () => {
    const pod = makePod(INJECT);
    const res = await review(makeReview({ ...pod, spec: { ...pod.spec, containers: 'web' } }));
    expect(res.status?.message).toBe(
      'request.object.spec.containers: expected a list of containers, got string',
    );
  });

  it('a system namespace is named as the namespace', async () => {
    const res = await review(makeReview(makePod(INJECT), 'kube-system'));
    expect(res.status?.message).toBe(
      'namespace="kube-system": cannot inject into system namespaces (kube-system, kube-public)',
    );
  });

  it("a Job's pod: the warning names the Job as Job/namespace/name", async () => {
    const pod = makePod(INJECT);
    pod.metadata!.ownerReferences = [
      { apiVersion: 'batch/v1', kind: 'Job', name: 'migrate', uid: 'u2', controller: true },
    ];
    const res = await review(makeReview(pod, 'shop'));
    expect(res.allowed).toBe(true);
    expect(res.warnings).toContain(
      'Job/shop/migrate: the vault-agent sidecar never exits, so the Job\'s pods never complete; set vault.hashicorp.com/agent-native-sidecar: "true" or vault.hashicorp.com/agent-pre-populate-only: "true"',
    );
    expect(res.warnings?.join('\n')).not.toMatch(LEAKS);
  });
});

describe('serve: the decision log names an injector setting by its flag', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vi-user-terms-'));
    expect(runCliSync(['certs', 'generate', '--hosts', '127.0.0.1', '--out', dir]).status).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a denial caused by --run-as-same-user is logged as --run-as-same-user', async () => {
    const srv = await startServeTls(tlsFilesIn(dir), ['--run-as-same-user'], {
      AGENT_INJECT_VAULT_ADDR: 'https://vault.vault.svc:8200',
    });
    try {
      const res = await httpsRequest(srv.url, {
        ca: await readFile(join(dir, 'ca.crt'), 'utf8'),
        method: 'POST',
        path: '/mutate',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(makeReview(makePod(INJECT))),
      });
      const response = (JSON.parse(res.body) as { response: Response }).response;
      expect(response.status?.message).toMatch(/^--run-as-same-user="true": /);
      const line = await waitForLine(srv, (l) => l.includes('decision=deny'));
      expect(line, srv.output()).toContain('--run-as-same-user=\\"true\\": container \\"app\\"');
      expect(line).not.toMatch(LEAKS);
    } finally {
      srv.child.kill('SIGTERM');
      await srv.exited;
    }
  }, 30_000);
});
