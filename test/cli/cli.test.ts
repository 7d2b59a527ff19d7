// The review and mutate commands end to end, through the program's entry function in this process
// (in-process.ts); built-binary.test.ts keeps what only a real `node dist/cli/main.js` shows.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ROOT, type CliRun } from './built-cli.js';
import { runCli } from './in-process.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLE_REVIEW = `${ROOT}examples/admission-review.json`;
const fixture = (name: string): string => `test/fixtures/${name}`;

function readJson(path: string): Obj {
  return JSON.parse(readFileSync(path, 'utf8')) as Obj;
}

function yamlDocs(text: string): Obj[] {
  return parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS() as Obj);
}

function decodePatch(response: Obj): Obj[] {
  return JSON.parse(Buffer.from(response.patch as string, 'base64').toString('utf8')) as Obj[];
}

function names(list: unknown): string[] {
  return ((list as { name: string }[] | undefined) ?? []).map((c) => c.name);
}

/** Help and usage problems print one line (or help), never a stack trace. */
function expectNoStack(run: CliRun): void {
  expect(run.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
  expect(run.stderr).not.toContain('node:internal');
}

describe('vault-injector --help', () => {
  it.each([[['--help']], [['review', '--help']], [['mutate', '--help']], [['help', 'mutate']]])(
    '%j exits 0 and prints usage',
    async (args) => {
      const run = await runCli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Usage: vault-injector');
    },
  );

  it('lists the commands', async () => {
    const run = await runCli(['--help']);
    expect(run.stdout).toMatch(/\breview\b/);
    expect(run.stdout).toMatch(/\bmutate\b/);
  });

  it.each(['review', 'mutate'])('%s --help shows every setting with its variable', async (cmd) => {
    const out = (await runCli([cmd, '--help'])).stdout;
    expect(out).toContain('--vault-address <url>');
    expect(out).toContain('AGENT_INJECT_VAULT_ADDR');
    expect(out).toContain('--revoke-on-shutdown [bool]');
    expect(out).toContain('AGENT_INJECT_MEM_REQUEST');
    expect(out).toContain('TLS_CERT_FILE');
  });
});

describe('vault-injector review', () => {
  // Waits on the engine: needs a real injection.
  it('answers the example AdmissionReview with an injection patch', async () => {
    const run = await runCli(['review', '-f', EXAMPLE_REVIEW]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const review = JSON.parse(run.stdout) as Obj;
    const request = readJson(EXAMPLE_REVIEW).request as Obj;
    expect(review.apiVersion).toBe('admission.k8s.io/v1');
    expect(review.kind).toBe('AdmissionReview');
    expect(review.response.uid).toBe(request.uid);
    expect(review.response.allowed).toBe(true);
    expect(review.response.patchType).toBe('JSONPatch');
    const ops = decodePatch(review.response);
    expect(ops).toContainEqual({
      op: 'add',
      path: '/metadata/annotations/vault.hashicorp.com~1agent-inject-status',
      value: 'injected',
    });
    const added = ops.flatMap((op) => (Array.isArray(op.value) ? op.value : [op.value]));
    expect(names(added.filter((v: Obj | undefined) => v?.image !== undefined))).toEqual(
      expect.arrayContaining(['vault-agent', 'vault-agent-init']),
    );
  });

  it('reads stdin when no file is given, and with -f -', async () => {
    const input = readFileSync(EXAMPLE_REVIEW, 'utf8');
    for (const args of [['review'], ['review', '-f', '-']]) {
      const run = await runCli(args, { input });
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as Obj).response.uid).toBe(
        '0df28fbd-5f5f-11e8-bc74-36e6bb280816',
      );
    }
  });

  it('echoes a v1beta1 review and answers a denial with exit 0', async () => {
    const review = readJson(EXAMPLE_REVIEW);
    review.apiVersion = 'admission.k8s.io/v1beta1';
    review.request.object.metadata.annotations['vault.hashicorp.com/agent-inject'] = 'maybe';
    const run = await runCli(['review'], { input: JSON.stringify(review) });
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as Obj;
    expect(out.apiVersion).toBe('admission.k8s.io/v1beta1');
    expect(out.response.allowed).toBe(false);
    expect(out.response.status.message).toContain('vault.hashicorp.com/agent-inject');
    expect(out.response.patch).toBeUndefined();
  });

  it('allows an object that is not annotated, without a patch', async () => {
    const review = readJson(EXAMPLE_REVIEW);
    review.request.object.metadata.annotations = {};
    const run = await runCli(['review'], { input: JSON.stringify(review) });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Obj).response).toEqual({
      uid: review.request.uid,
      allowed: true,
    });
  });

  // Waits on the engine: the image is read from the injected containers.
  it('applies configuration: a flag beats its variable, Go-style flags work', async () => {
    const image = (run: CliRun): string[] =>
      decodePatch((JSON.parse(run.stdout) as Obj).response)
        .flatMap((op) => (Array.isArray(op.value) ? op.value : [op.value]))
        .filter((v: Obj | undefined) => typeof v?.image === 'string')
        .map((v: Obj) => v.image as string);
    const env = { AGENT_INJECT_VAULT_IMAGE: 'env/vault:1' };
    expect(image(await runCli(['review', '-f', EXAMPLE_REVIEW], { env }))).toContain('env/vault:1');
    const flagged = await runCli(['review', '-f', EXAMPLE_REVIEW, '-vault-image=flag/vault:2'], {
      env,
    });
    expect(flagged.code).toBe(0);
    expect(new Set(image(flagged))).toEqual(new Set(['flag/vault:2']));
    const bools = await runCli([
      'review',
      '-f',
      EXAMPLE_REVIEW,
      '-revoke-on-shutdown=false',
      '-native-sidecar',
    ]);
    expect(bools.code).toBe(0);
  });

  it.each([
    ['not JSON', 'this is not json', /^vault-injector: <stdin>: not valid JSON: /],
    ['a JSON array', '[]', /^vault-injector: <stdin>: body is not a JSON object/],
    [
      'another kind',
      '{"apiVersion":"admission.k8s.io/v1","kind":"Pod"}',
      /^vault-injector: <stdin>: kind is "Pod"/,
    ],
    ['no request', '{"kind":"AdmissionReview"}', /^vault-injector: <stdin>: .*no request/],
  ])('exits 2 for %s with one line on stderr', async (_what, input, message) => {
    const run = await runCli(['review'], { input });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expectNoStack(run);
  });

  it('exits 2 naming a file it cannot read', async () => {
    const run = await runCli(['review', '-f', 'no/such/review.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('vault-injector: cannot read no/such/review.json: no such file\n');
  });

  it.each([
    [['--default-template=yaml'], {}, /--default-template/],
    [['-log-level=loud'], {}, /--log-level/],
    [
      [],
      { AGENT_INJECT_AUTH_MAX_BACKOFF: '5' },
      /--auth-max-backoff \(from AGENT_INJECT_AUTH_MAX_BACKOFF\)/,
    ],
    [[], { TLS_MIN_VERSION: 'ssl3' }, /--tls-min-version \(from TLS_MIN_VERSION\)/],
    [[], { AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'yes' }, /AGENT_INJECT_REVOKE_ON_SHUTDOWN/],
  ])('exits 2 (a usage error) for bad configuration %j %j', async (args, env, message) => {
    const run = await runCli(['review', '-f', EXAMPLE_REVIEW, ...args], { env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/^vault-injector: invalid value "[^"]*" for .*: expected .+\n$/);
    expectNoStack(run);
  });
});

describe('vault-injector mutate', () => {
  // Waits on the engine.
  it('injects a Deployment and keeps YAML 1.1 strings quoted', async () => {
    const run = await runCli(['mutate', '-f', fixture('cli-deployment.yaml')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [doc, ...rest] = yamlDocs(run.stdout);
    expect(rest).toEqual([]);
    const tpl = doc!.spec.template;
    expect(tpl.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('injected');
    expect(tpl.metadata.annotations['example.com/flag']).toBe('yes');
    expect(names(tpl.spec.containers)).toEqual(['web', 'vault-agent']);
    expect(names(tpl.spec.initContainers)).toEqual(['vault-agent-init']);
    expect(run.stdout).toContain('example.com/flag: "yes"');
  });

  // Waits on the engine.
  it('is idempotent: its own output comes back unchanged', async () => {
    const once = await runCli(['mutate', '-f', fixture('cli-deployment.yaml')]);
    expect(once.code).toBe(0);
    const twice = await runCli(['mutate', '-f', '-'], { input: once.stdout });
    expect(twice.stderr).toBe('');
    expect(twice.code).toBe(0);
    expect(yamlDocs(twice.stdout)).toEqual(yamlDocs(once.stdout));
    expect(
      JSON.parse(
        (await runCli(['mutate', '-f', '-', '-o', 'patch'], { input: once.stdout })).stdout,
      ),
    ).toEqual([]);
  });

  // Waits on the engine.
  it('injects a CronJob through its job template', async () => {
    const run = await runCli(['mutate', '-f', fixture('cli-cronjob.yaml'), '-o', 'json']);
    expect(run.code).toBe(0);
    const tpl = (JSON.parse(run.stdout) as Obj).spec.jobTemplate.spec.template;
    expect(tpl.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('injected');
    expect(names(tpl.spec.containers)).toEqual(['report']);
    expect(names(tpl.spec.initContainers)).toEqual(['vault-agent-init']);
  });

  it('injects an OpenShift DeploymentConfig through its pod template', async () => {
    const run = await runCli(['mutate', '-f', fixture('cli-deploymentconfig.yaml'), '-o', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "Warning: DeploymentConfig/shop/api: vault.hashicorp.com/tls-skip-verify: the agent won't verify Vault's TLS certificate\n",
    );
    const tpl = (JSON.parse(run.stdout) as Obj).spec.template;
    expect(tpl.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('injected');
    expect(names(tpl.spec.containers)).toEqual(['api', 'vault-agent']);
    expect(names(tpl.spec.initContainers)).toEqual(['vault-agent-init']);
  });

  it("warns about vault annotations on a workload's own metadata, as lint does", async () => {
    const input = readFileSync(`${ROOT}test/fixtures/lint/warnings.yaml`, 'utf8');
    const run = await runCli(['mutate', '-f', '-'], { input });
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n')).toContain(
      'Warning: Deployment/shop/web: vault.hashicorp.com/agent-pre-populate-only: ' +
        "ignored on Deployment/shop/web's own metadata: move it to the pod template's annotations",
    );
  });

  // Waits on the engine.
  it('injects a Pod', async () => {
    const run = await runCli(['mutate', '-f', fixture('cli-pod.yaml'), '-o', 'json']);
    expect(run.code).toBe(0);
    const pod = JSON.parse(run.stdout) as Obj;
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.annotations['vault.hashicorp.com/agent-inject-status']).toBe('injected');
    expect(names(pod.spec.containers)).toEqual(['shell', 'vault-agent']);
    expect(names(pod.spec.initContainers)).toEqual(['vault-agent-init']);
  });

  // Waits on the engine.
  it('injects List items and passes the others through (JSON in, JSON out)', async () => {
    const run = await runCli(['mutate', '-f', fixture('cli-list.json'), '-o', 'json']);
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as Obj;
    const input = readJson(`${ROOT}${fixture('cli-list.json')}`);
    expect(list.kind).toBe('List');
    expect(list.items).toHaveLength(2);
    expect(names(list.items[0].spec.template.spec.containers)).toEqual(['db', 'vault-agent']);
    expect(list.items[1]).toEqual(input.items[1]);
  });

  // Waits on the engine.
  it('prints one patch per injected object, with its identity, for --output patch', async () => {
    const input = ['cli-configmap.yaml', 'cli-pod.yaml', 'cli-deployment.yaml']
      .map((f) => readFileSync(`${ROOT}${fixture(f)}`, 'utf8'))
      .join('---\n');
    const run = await runCli(['mutate', '-f', '-', '--output', 'patch'], { input });
    expect(run.code).toBe(0);
    const patches = JSON.parse(run.stdout) as Obj[];
    expect(patches.map(({ patch: _p, ...id }) => id)).toEqual([
      { apiVersion: 'v1', kind: 'Pod', namespace: 'tools', name: 'debug' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
    ]);
    expect(patches[1]!.patch.length).toBeGreaterThan(0);
    for (const op of patches[1]!.patch as Obj[]) expect(op.path).toMatch(/^\/spec\/template\//);
  });

  // Waits on the engine.
  it('injects as --namespace when the object names none', async () => {
    const input = readFileSync(`${ROOT}${fixture('cli-pod.yaml')}`, 'utf8').replace(
      /^ {2}namespace: tools\n/m,
      '',
    );
    const run = await runCli(['mutate', '-f', '-', '-o', 'patch', '-n', 'other'], { input });
    expect((JSON.parse(run.stdout) as Obj[])[0]).toMatchObject({ namespace: 'other' });
    const sys = await runCli(['mutate', '-f', '-', '--namespace', 'kube-system'], { input });
    expect(sys.code).toBe(1);
    expect(sys.stderr).toContain('Pod/kube-system/debug');
  });

  // Waits on the engine: the warning comes from the injection of a Job's pod.
  it('prints admission warnings as kubectl does', async () => {
    const run = await runCli(['mutate', '-f', fixture('cli-job.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^Warning: Job\/shop\/migrate: .*never complete/m);
    expect(names(yamlDocs(run.stdout)[0]!.spec.template.spec.containers)).toContain('vault-agent');
  });

  it('passes a ConfigMap through unchanged', async () => {
    const run = await runCli(['mutate', '-f', fixture('cli-configmap.yaml')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const input = readFileSync(`${ROOT}${fixture('cli-configmap.yaml')}`, 'utf8');
    expect(yamlDocs(run.stdout)).toEqual(yamlDocs(input));
    expect(yamlDocs(run.stdout)[0]!.data).toEqual({ mode: '0755', enabled: 'yes', plain: 'hello' });
    const json = await runCli(['mutate', '-f', fixture('cli-configmap.yaml'), '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(yamlDocs(input)[0]);
  });

  it('exits 1 naming each denied object, and still prints the others', async () => {
    const run = await runCli(['mutate', '-f', fixture('cli-denied.yaml')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Error: Deployment\/shop\/broken would be denied: vault\.hashicorp\.com\/agent-inject="maybe": /m,
    );
    const docs = yamlDocs(run.stdout);
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ConfigMap/before',
      'Pod/after',
    ]);
    expectNoStack(run);
  });

  // Waits on the engine: the Pod after the denied Deployment is injected.
  it('injects the objects around a denied one', async () => {
    const docs = yamlDocs((await runCli(['mutate', '-f', fixture('cli-denied.yaml')])).stdout);
    expect(names(docs[1]!.spec.containers)).toEqual(['app', 'vault-agent']);
  });

  it('exits 2 with file, line and column for a YAML syntax error', async () => {
    // Written at run time: an invalid YAML file in the tree would break `prettier --check .`.
    const dir = mkdtempSync(join(tmpdir(), 'vi-mutate-'));
    const file = join(dir, 'invalid.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad\n  labels: [a, b\nspec: {}\n',
    );
    const run = await runCli(['mutate', '-f', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.startsWith(`vault-injector: ${file}:6:1: `)).toBe(true);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 for a document that is not an object', async () => {
    const run = await runCli(['mutate', '-f', '-'], { input: 'kind: Pod\n---\nhello\n' });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'vault-injector: <stdin>:3:1: expected a Kubernetes object (a mapping), got a string\n',
    );
  });

  it('exits 2 naming a file it cannot read', async () => {
    const run = await runCli(['mutate', '-f', 'missing.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('vault-injector: cannot read missing.yaml: no such file\n');
  });

  it.each([
    [['mutate'], /required option '-f, --file <path>'/],
    [['mutate', '-f', 'x.yaml', '-o', 'xml'], /Allowed choices are yaml, json, patch/],
    [['mutate', '-f', 'x.yaml', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [
      ['mutate', '-f', 'x.yaml', '--sa-token-expiration-seconds=10'],
      /--sa-token-expiration-seconds/,
    ],
  ])('exits 2 for the usage mistake %j', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expectNoStack(run);
  });

  it('exits 2 for a bad setting, before reading any input', async () => {
    const run = await runCli(['mutate', '-f', 'x.yaml', '--sa-token-expiration-seconds=10']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^vault-injector: invalid value "10" for --sa-token-expiration-seconds: /,
    );
    expectNoStack(run);
  });
});
