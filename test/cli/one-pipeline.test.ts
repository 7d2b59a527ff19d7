// mutate, lint, policy and doctor read a manifest object through one pipeline (cli/pipeline.ts), and
// mutate's `-o patch` comes from the engine's own diff: an inserted container is one `add`, and the
// patch turns the input into exactly the object `-o json` prints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { checkWorkload } from '../../cli/doctor/workload-checks.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { hasKubectl } from '../helpers/kubectl.js';
import { ROOT } from './built-cli.js';
import { runCli } from './in-process.js';

type Obj = Record<string, unknown>;

function deployment(annotations: Record<string, string>): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations },
        spec: {
          serviceAccountName: 'web',
          initContainers: [{ name: 'migrate', image: 'example/migrate:1', command: ['/migrate'] }],
          containers: [{ name: 'app', image: 'example/app:1' }],
        },
      },
    },
  };
}

const INIT_FIRST = deployment({
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'web',
  'vault.hashicorp.com/agent-init-first': 'true',
  'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/web',
});

interface PrintedPatch {
  readonly kind: string;
  readonly name: string;
  readonly patch: Operation[];
}

async function patchAndObject(input: Obj): Promise<{ patch: Operation[]; printed: Obj }> {
  const text = JSON.stringify(input);
  const patched = await runCli(['mutate', '-f', '-', '-o', 'patch'], { input: text });
  const printed = await runCli(['mutate', '-f', '-', '-o', 'json'], { input: text });
  expect(patched.code, patched.stderr).toBe(0);
  const patches = JSON.parse(patched.stdout) as PrintedPatch[];
  expect(patches.map((p) => `${p.kind}/${p.name}`)).toEqual(['Deployment/web']);
  return { patch: patches[0]!.patch, printed: JSON.parse(printed.stdout) as Obj };
}

describe('mutate -o patch is the engine diff of the manifest', () => {
  it('puts a first init container in with one add and touches the existing one only to add to it', async () => {
    const { patch, printed } = await patchAndObject(INIT_FIRST);
    const initOps = patch.filter((op) => op.path.startsWith('/spec/template/spec/initContainers'));
    expect(initOps[0]).toMatchObject({
      op: 'add',
      path: '/spec/template/spec/initContainers/0',
      value: { name: 'vault-agent-init' },
    });
    // The user's init container moves to index 1 untouched: nothing of it is replaced or removed.
    expect(patch.filter((op) => op.op !== 'add')).toEqual([]);
    const applied = jsonpatch.applyPatch(structuredClone(INIT_FIRST), patch, true, false);
    expect(applied.newDocument).toEqual(printed);
    const init = ((printed.spec as Obj).template as { spec: { initContainers: Obj[] } }).spec;
    expect(init.initContainers.map((c) => c.name)).toEqual(['vault-agent-init', 'migrate']);
    expect(init.initContainers[1]).toMatchObject({ image: 'example/migrate:1' });
  });

  it.skipIf(!hasKubectl())(
    'kubectl patch --local --type=json applies it to the same object (skipped without kubectl)',
    async () => {
      const { patch, printed } = await patchAndObject(INIT_FIRST);
      const tmp = mkdtempSync(join(tmpdir(), 'one-pipeline-'));
      try {
        writeFileSync(join(tmp, 'in.json'), JSON.stringify(INIT_FIRST));
        const args = ['patch', '--local', '-f', join(tmp, 'in.json'), '--type=json'];
        const out = execFileSync('kubectl', [...args, '-p', JSON.stringify(patch), '-o', 'json'], {
          encoding: 'utf8',
        });
        expect(JSON.parse(out)).toEqual(printed);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});

describe('every command states the same denial, in the workload’s own flavour', () => {
  const OPENBAO_AWS = deployment({
    'openbao.org/agent-inject': 'true',
    'openbao.org/role': 'web',
    'openbao.org/auth-type': 'aws',
    'openbao.org/agent-inject-secret-db': 'database/creds/web',
  });

  it('mutate, lint, policy and doctor', async () => {
    const input = JSON.stringify(OPENBAO_AWS);
    const mutate = await runCli(['mutate', '-f', '-'], { input });
    const lint = await runCli(['lint', '-f', '-', '-o', 'json'], { input });
    const policy = await runCli(['policy', '-f', '-', '-o', 'json'], { input });
    const doctor = checkWorkload(OPENBAO_AWS, DEFAULT_INJECTOR_CONFIG);

    const denial = /^Error: Deployment\/shop\/web would be denied: (.+)$/m.exec(mutate.stderr)?.[1];
    expect(mutate.code).toBe(1);
    expect(denial).toContain('openbao.org/auth-type');
    expect(denial).not.toContain('vault.hashicorp.com/');

    const errors = (JSON.parse(lint.stdout) as { annotation: string; severity: string }[]).filter(
      (f) => f.severity === 'error',
    );
    expect(errors.map((e) => e.annotation)).toEqual(['openbao.org/auth-type']);

    // The plan names the denied workload with the denial as it reads (no policy is made for it).
    expect(policy.stdout).toContain(JSON.stringify(denial).slice(1, -1));

    const wouldDeny = doctor.filter((f) => f.code === 'would-deny');
    expect(wouldDeny).toHaveLength(1);
    expect(wouldDeny[0]!.message).toBe(`The injector would deny its pods: ${denial!}.`);
  });
});

describe('one pipeline, one diff, in the sources', () => {
  const sources = (dirs: readonly string[]): [string, string][] =>
    dirs.flatMap((dir) =>
      (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts'))
        .map((f): [string, string] => [join(dir, f), readFileSync(join(ROOT, dir, f), 'utf8')]),
    );
  const outside = sources(['admission', 'cli', 'webhook', 'certs']);

  it('outside the engine, only admission/admitted-pod.ts calls it; review and the pipeline go through it', () => {
    const engine = /from '(\.\.\/)+patches\/inject\.js'/;
    expect(outside.filter(([, text]) => engine.test(text)).map(([f]) => f)).toEqual([
      'admission/admitted-pod.ts',
    ]);
    const step = outside.filter(([, text]) => /\bengineOutcome\(/.test(text)).map(([f]) => f);
    expect(step.sort()).toEqual([
      'admission/admitted-pod.ts',
      'admission/review.ts',
      'cli/pipeline.ts',
    ]);
  });

  it('no source diffs with fast-json-patch: patches come from patches/diff.ts', () => {
    const all = [...outside, ...sources(['patches'])];
    const compare = /\bjsonpatch\.compare\b|\bcompare\b[^;]*from 'fast-json-patch'/;
    expect(all.filter(([, text]) => compare.test(text)).map(([f]) => f)).toEqual([]);
  });
});
