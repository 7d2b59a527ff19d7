// The real-world corpus (../shared/corpus/real-world: 45 manifests from public repositories, saved
// unmodified) through `mutate`, `lint` and `policy`, in-process. Real users annotate in ways our own
// cases do not: comments inside the annotations map, spaces before colons, DeploymentConfigs,
// batch/v1beta1 CronJobs, values the app never reads. The directory sits beside the repository on
// the machines that run the suite; elsewhere the tests skip, saying so.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../cli/manifests.js';
import { podFromTemplate, templateOf } from '../../cli/pipeline.js';
import { isRecord } from '../../patches/is-record.js';
import type { Pod } from '../../patches/k8s-types.js';
import { checkPodShape } from '../../patches/pod-shape.js';
import { corpusDir } from '../helpers/corpus.js';
import { runCli } from '../cli/in-process.js';
import { hasKubectl, splitJsonStream } from '../helpers/kubectl.js';
import { podProblems } from '../helpers/validate-pod.js';

type Obj = Record<string, unknown>;

const CORPUS = corpusDir();
const PRESENT = existsSync(CORPUS);
const SNAPSHOT = join(import.meta.dirname, 'real-world-lint.txt');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const INJECT = 'vault.hashicorp.com/agent-inject';
const STATUS = 'vault.hashicorp.com/agent-inject-status';
const SKIPPED =
  '(skipped when the shared corpus is absent: ../shared/corpus/real-world or CORPUS_DIR)';

/** Go's strconv.ParseBool true spellings: what vault-k8s accepts for agent-inject. */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

const files = PRESENT
  ? readdirSync(CORPUS)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
  : [];

/** The pod template a document carries (a Pod is its own), or undefined. */
function podLike(doc: unknown): Obj | undefined {
  if (!isRecord(doc)) return undefined;
  return doc.kind === 'Pod' ? doc : templateOf(doc);
}

function annotationsOf(podLike: Obj): Record<string, unknown> {
  const meta = podLike.metadata;
  return isRecord(meta) && isRecord(meta.annotations) ? meta.annotations : {};
}

/** What the webhook injects: agent-inject true and not already injected. */
function shouldInject(doc: unknown): boolean {
  const template = podLike(doc);
  if (template === undefined) return false;
  const a = annotationsOf(template);
  return typeof a[INJECT] === 'string' && GO_TRUE.has(a[INJECT]) && a[STATUS] !== 'injected';
}

/** The pod as the engine reads it, through the engine's own shape check. */
function asPod(template: Obj): Pod {
  const shape = checkPodShape(template.kind === 'Pod' ? template : podFromTemplate(template));
  if (!shape.ok) throw new Error(`not a pod: ${JSON.stringify(shape.problems)}`);
  return shape.pod;
}

function agentContainers(pod: Pod): string[] {
  const spec = pod.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]
    .map((c) => c.name)
    .filter((n) => n.startsWith('vault-agent'));
}

function idOf(doc: unknown): string {
  const o = doc as { apiVersion?: string; kind?: string; metadata?: { name?: string } };
  return `${o.apiVersion}/${o.kind}/${o.metadata?.name}`;
}

describe.skipIf(!PRESENT)(`real-world corpus ${SKIPPED}`, () => {
  it('holds the 45 manifests SOURCES.md lists', () => {
    expect(files).toHaveLength(45);
    const sources = readFileSync(join(CORPUS, 'SOURCES.md'), 'utf8');
    for (const f of files) expect(sources).toContain(`| ${f} |`);
  });

  it('has 96 documents, 45 of them pod templates for injection (one more says "false")', () => {
    const docs = files.flatMap((f) => parseManifests(readFileSync(join(CORPUS, f), 'utf8'), f));
    expect(docs).toHaveLength(96);
    expect(docs.filter(shouldInject)).toHaveLength(45);
  });

  describe.each(files)('%s', (file) => {
    it('mutate injects exactly the pods annotated agent-inject true, validly and idempotently', async () => {
      const path = join(CORPUS, file);
      const text = readFileSync(path, 'utf8');
      const once = await runCli(['mutate', '-f', path]);
      expect(once.code, once.stderr).toBe(0);
      // Warnings are fine (kubectl prints them too); nothing is denied.
      for (const line of once.stderr.split('\n').filter(Boolean)) {
        expect(line).toMatch(/^Warning: /);
      }
      const input = parseManifests(text, file);
      const output = parseManifests(once.stdout, 'output');
      expect(output.map(idOf)).toEqual(input.map(idOf));
      input.forEach((doc, i) => {
        const out = output[i];
        if (!shouldInject(doc)) {
          expect(out, `${idOf(doc)} is not for injection`).toEqual(doc);
          return;
        }
        const pod = asPod(podLike(out)!);
        expect(annotationsOf(podLike(out)!)[STATUS], idOf(doc)).toBe('injected');
        expect(agentContainers(pod), idOf(doc)).not.toEqual([]);
        expect(podProblems(pod), idOf(doc)).toEqual([]);
      });
      const twice = await runCli(['mutate', '-f', '-'], { input: once.stdout });
      expect(twice.code).toBe(0);
      expect(twice.stdout).toBe(once.stdout);
    });

    it('policy reads it without an error', async () => {
      const run = await runCli(['policy', '-f', join(CORPUS, file)]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/^vault-injector: /m);
    });
  });

  it.skipIf(!hasKubectl())(
    'kubectl reads every mutated document as mutate meant it (skipped when kubectl is absent)',
    async () => {
      const outputs: string[] = [];
      for (const file of files)
        outputs.push((await runCli(['mutate', '-f', join(CORPUS, file)])).stdout);
      const stream = outputs.join('---\n');
      const tmp = mkdtempSync(join(tmpdir(), 'corpus-'));
      try {
        writeFileSync(join(tmp, 'mutated.yaml'), stream);
        // An empty merge patch: kubectl only reads and prints the objects (one run for the corpus).
        const printed = execFileSync(
          'kubectl',
          [
            'patch',
            '--local',
            '-f',
            join(tmp, 'mutated.yaml'),
            '--type=merge',
            '-p',
            '{}',
            '-o',
            'json',
          ],
          { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        );
        expect(splitJsonStream(printed)).toEqual(parseManifests(stream, 'mutated'));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );

  it('lint reports what the reviewed snapshot (test/corpus/real-world-lint.txt) says', async () => {
    const report: string[] = [];
    for (const file of files) {
      const input = readFileSync(join(CORPUS, file), 'utf8');
      const run = await runCli(['lint', '-f', '-'], { input });
      report.push(`## ${file} (exit ${run.code})`);
      for (const line of run.stdout.split('\n').filter(Boolean)) {
        report.push(line.replace(/^<stdin>: /, ''));
      }
      if (run.stderr !== '') report.push(`# ${run.stderr.trimEnd()}`);
    }
    const text = `${report.join('\n')}\n`;
    if (UPDATE) writeFileSync(SNAPSHOT, text);
    expect(text).toBe(readFileSync(SNAPSHOT, 'utf8'));
  });
});
