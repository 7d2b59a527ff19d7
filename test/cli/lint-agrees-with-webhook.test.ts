// A `lint` finding's severity is the webhook's outcome for the same pod: an error exactly when
// `review` denies it (naming the same keys), a warning when it is admitted. Every warning the
// webhook sends is among lint's findings. Checked over the lint and CLI fixtures and, when it is
// present, the real-world corpus.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isList, parseManifests } from '../../cli/manifests.js';
import { addServiceAccountToken } from '../../cli/service-account-admission.js';
import { identify, podFromTemplate, templateOf } from '../../cli/pipeline.js';
import { isRecord } from '../../patches/is-record.js';
import { makeReview } from '../helpers/pods.js';
import { ROOT } from './built-cli.js';
import { runCli } from './in-process.js';
import { corpusDir } from '../helpers/corpus.js';

type Obj = Record<string, unknown>;

interface LintFinding {
  annotation: string;
  severity: 'warning' | 'error';
  message: string;
  suggestion?: string;
}

interface Response {
  allowed: boolean;
  warnings?: string[];
  status?: { message: string };
}

const FIXTURES = join(ROOT, 'test/fixtures');
const CORPUS = corpusDir();

function manifestFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

const FILES = [
  ...manifestFiles(join(FIXTURES, 'lint')),
  ...manifestFiles(FIXTURES),
  ...manifestFiles(CORPUS),
];

/** The admission warning the webhook would send for a finding. */
function asWarning(f: LintFinding): string {
  const short = (k: string): string => k.replace(/^vault\.hashicorp\.com\//, '');
  const hint = f.suggestion === undefined ? '' : ` (did you mean ${short(f.suggestion)}?)`;
  return `${f.annotation === '' ? '' : `${f.annotation}: `}${f.message}${hint}`;
}

/** The pod the webhook would be asked about, built as `mutate` and `lint` build it. */
function admittedPod(object: Obj, namespace: string | undefined): Obj | undefined {
  const id = identify(object, namespace);
  const template = id.kind === 'Pod' ? object : templateOf(object);
  if (template === undefined) return undefined;
  const pod = structuredClone(id.kind === 'Pod' ? object : podFromTemplate(template, id));
  addServiceAccountToken(pod.spec);
  return pod;
}

/** The object with no namespace of its own, so that -n places it (as kubectl lets -n do only then). */
function withoutNamespace(object: Obj): Obj {
  if (!isRecord(object.metadata)) return object;
  const { namespace: _own, ...metadata } = object.metadata;
  return { ...object, metadata };
}

async function check(original: Obj, namespace: string | undefined): Promise<void> {
  const ns = namespace === undefined ? [] : ['-n', namespace];
  const object = namespace === undefined ? original : withoutNamespace(original);
  const linted = await runCli(['lint', '-o', 'json', '-f', '-', ...ns], {
    input: JSON.stringify(object),
  });
  const findings = JSON.parse(linted.stdout) as LintFinding[];
  const errors = findings.filter((f) => f.severity === 'error');
  const pod = admittedPod(object, namespace);
  if (pod === undefined) {
    // Nothing reaches the webhook: only warnings (vault annotations in the wrong place).
    expect(errors).toEqual([]);
    expect(linted.code).toBe(0);
    return;
  }
  const reviewNs = identify(object, namespace).namespace;
  const reviewed = await runCli(['review'], {
    input: JSON.stringify(makeReview(pod, reviewNs)),
  });
  expect(reviewed.code, reviewed.stderr).toBe(0);
  const response = (JSON.parse(reviewed.stdout) as { response: Response }).response;
  expect(linted.code).toBe(response.allowed ? 0 : 1);
  expect(errors.length > 0).toBe(!response.allowed);
  for (const e of errors) expect(response.status?.message).toContain(e.annotation);
  const linedUp = new Set(findings.filter((f) => f.severity === 'warning').map(asWarning));
  for (const w of response.warnings ?? []) expect([...linedUp]).toContain(w);
}

function objectsOf(file: string): Obj[] {
  return parseManifests(readFileSync(join(ROOT, file), 'utf8'), file)
    .flatMap((d) => (isList(d) ? d.items : [d]))
    .filter(isRecord);
}

describe.each(FILES.map((f) => [relative(ROOT, f)]))('%s', (file) => {
  it("lint's severities are the webhook's outcomes", async () => {
    for (const object of objectsOf(file)) await check(object, undefined);
  });

  it('and in a system namespace, where the webhook denies every annotated pod', async () => {
    for (const object of objectsOf(file)) await check(object, 'kube-system');
  });
});
