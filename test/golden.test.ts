// Golden cases: test/golden/<case>/input.yaml (a Pod), optional config.json ({ "namespace": "...",
// "config": { InjectorConfig overrides }, "env": { AGENT_INJECT_* as a chart sets them } }), expected.yaml (the pod after the patch is applied) and
// result.json (decision, reason, injection type, warnings, problem keys). Cases are discovered from
// the directory; UPDATE_GOLDEN=1 rewrites expected files; stale or incomplete folders fail.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsonpatch from 'fast-json-patch';
import * as rfc6902 from 'rfc6902';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findingSubject, findingText } from '../admission/format-finding.js';
import { reviewAdmission } from '../admission/review.js';
import { resolveConfig } from '../cli/config.js';
import { settingName } from '../cli/setting-names.js';
import { DEFAULT_INJECTOR_CONFIG, type InjectorConfig } from '../patches/injector-config.js';
import type { Pod } from '../patches/k8s-types.js';
import { hasKubectl } from './helpers/kubectl.js';
import { makeReview } from './helpers/pods.js';
import { injectedContainerProblems, restrictedProblems } from './helpers/restricted.js';
import { podProblems } from './helpers/validate-pod.js';

const ROOT = join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
/** The status key each flavour writes: a re-injection is asked for through the one present. */
const STATUS_KEYS = ['openbao.org/agent-inject-status', 'vault.hashicorp.com/agent-inject-status'];

interface CaseConfig {
  namespace?: string;
  config?: Partial<InjectorConfig>;
  env?: Record<string, string>;
}

/** The case's configuration: a chart's environment resolved as `serve` resolves it, then overrides. */
function caseConfig(dir: string): { caseCfg: CaseConfig; cfg: InjectorConfig } {
  const caseCfg: CaseConfig = existsSync(join(dir, 'config.json'))
    ? JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))
    : {};
  const base =
    caseCfg.env === undefined ? DEFAULT_INJECTOR_CONFIG : resolveConfig({}, caseCfg.env).injector;
  return { caseCfg, cfg: { ...base, ...caseCfg.config } };
}

interface Result {
  decision: string;
  reason?: string;
  injectionType?: string;
  allowed: boolean;
  warnings: string[];
  problems?: Array<{ key: string; message: string }>;
}

function run(
  pod: unknown,
  ns: string,
  cfg: InjectorConfig,
): { result: Result; patch: jsonpatch.Operation[] } {
  const reviewed = reviewAdmission(makeReview(pod, ns), { config: cfg, settingName });
  if (!reviewed.ok) throw new Error(reviewed.error);
  const { outcome, response } = reviewed;
  const patch = response.response.patch
    ? (JSON.parse(
        Buffer.from(response.response.patch, 'base64').toString(),
      ) as jsonpatch.Operation[])
    : [];
  const result: Result = {
    decision: outcome.decision,
    allowed: response.response.allowed,
    // As kubectl would print them.
    warnings: response.response.warnings ?? [],
  };
  if (outcome.decision !== 'inject') result.reason = outcome.reason;
  if (outcome.decision === 'inject' && outcome.injectionType)
    result.injectionType = outcome.injectionType;
  if (outcome.decision === 'deny')
    // Named as the admission response names them (a setting by its flag).
    result.problems = outcome.problems.map((p) => ({
      key: findingSubject(p, settingName),
      message: findingText(p, settingName),
    }));
  return { result, patch };
}

function decodedConfigs(pod: Pod): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    const value = c.env?.find((e) => e.name === 'VAULT_CONFIG' || e.name === 'BAO_CONFIG')?.value;
    if (value !== undefined)
      out[c.name] = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  }
  return out;
}

const cases = existsSync(ROOT)
  ? readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  : [];

function caseInput(name: string): { input: Pod; ns: string; cfg: InjectorConfig } {
  const dir = join(ROOT, name);
  const { caseCfg, cfg } = caseConfig(dir);
  return {
    input: parse(readFileSync(join(dir, 'input.yaml'), 'utf8')) as Pod,
    ns: caseCfg.namespace ?? 'app',
    cfg,
  };
}

let kubectlBatch: ReadonlyMap<string, Pod> | undefined;

/**
 * Every case with a patch, patched by one `kubectl patch --local` run (a process per case made
 * this file the suite's slowest). The input pods sit side by side in one object of a made-up kind,
 * and each case's operations are re-rooted at its slot: kubectl applies JSON patches to the
 * unstructured object (it keeps fields it does not know, so a Pod gains nothing by being typed),
 * and an array not named `items` keeps kubectl from splitting the object up as a List.
 */
function patchedByKubectl(): ReadonlyMap<string, Pod> {
  if (kubectlBatch !== undefined) return kubectlBatch;
  const names = cases.filter((n) => existsSync(join(ROOT, n, 'expected.yaml')));
  const inputs: Pod[] = [];
  const ops: jsonpatch.Operation[] = [];
  names.forEach((name, i) => {
    const { input, ns, cfg } = caseInput(name);
    inputs.push(input);
    const at = (path: string): string => `/cases/${i}${path}`;
    for (const op of run(input, ns, cfg).patch) {
      ops.push(
        'from' in op
          ? { ...op, path: at(op.path), from: at(op.from) }
          : { ...op, path: at(op.path) },
      );
    }
  });
  const tmp = mkdtempSync(join(tmpdir(), 'golden-'));
  try {
    const wrapper = {
      apiVersion: 'test.vault-injector.dev/v1',
      kind: 'GoldenCases',
      metadata: { name: 'golden' },
      cases: inputs,
    };
    writeFileSync(join(tmp, 'cases.json'), JSON.stringify(wrapper));
    // A file, not -p: the combined patch is larger than one command-line argument may be.
    writeFileSync(join(tmp, 'patch.json'), JSON.stringify(ops));
    const out = execFileSync(
      'kubectl',
      [
        'patch',
        '--local',
        '-f',
        join(tmp, 'cases.json'),
        '--type=json',
        '--patch-file',
        join(tmp, 'patch.json'),
        '-o',
        'json',
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    const patched = (JSON.parse(out) as { cases: Pod[] }).cases;
    kubectlBatch = new Map(names.map((n, i) => [n, patched[i]!]));
    return kubectlBatch;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

describe('golden cases', () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  describe.each(cases)('%s', (name) => {
    const dir = join(ROOT, name);
    const inputFile = join(dir, 'input.yaml');
    const expectedFile = join(dir, 'expected.yaml');
    const resultFile = join(dir, 'result.json');

    it('is complete and current', () => {
      expect(existsSync(inputFile), `${name} has no input.yaml`).toBe(true);
      const input = parse(readFileSync(inputFile, 'utf8')) as Pod;
      const { caseCfg, cfg } = caseConfig(dir);
      const ns = caseCfg.namespace ?? 'app';
      const { result, patch } = run(input, ns, cfg);
      const patched = jsonpatch.applyPatch(
        structuredClone(input),
        structuredClone(patch),
        true,
        false,
      ).newDocument as Pod;
      if (UPDATE) {
        writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
        if (patch.length > 0) writeFileSync(expectedFile, stringify(patched, { lineWidth: 0 }));
        else rmSync(expectedFile, { force: true });
      }
      expect(JSON.parse(readFileSync(resultFile, 'utf8'))).toEqual(result);
      if (patch.length === 0) {
        if (UPDATE) rmSync(join(dir, 'agent-config.json'), { force: true });
        expect(
          existsSync(expectedFile),
          `${name}: stale expected.yaml for a case with no patch`,
        ).toBe(false);
        expect(existsSync(join(dir, 'agent-config.json')), `${name}: stale agent-config.json`).toBe(
          false,
        );
        return;
      }
      expect(parse(readFileSync(expectedFile, 'utf8'))).toEqual(patched);
      // The decoded agent configs, kept beside the pod so reviewers can read them.
      const configs = decodedConfigs(patched);
      const configsFile = join(dir, 'agent-config.json');
      if (UPDATE) writeFileSync(configsFile, `${JSON.stringify(configs, null, 2)}\n`);
      expect(JSON.parse(readFileSync(configsFile, 'utf8'))).toEqual(configs);
      // A second RFC 6902 implementation gives the same pod.
      const viaRfc6902 = structuredClone(input);
      const errors = rfc6902.applyPatch(viaRfc6902, structuredClone(patch) as rfc6902.Operation[]);
      expect(errors.filter((e) => e !== null)).toEqual([]);
      expect(viaRfc6902).toEqual(patched);
      // Valid Kubernetes, and Pod Security "restricted" is kept: injected containers with a security
      // context meet every container rule, and a pod that passed before injection still passes.
      expect(podProblems(patched)).toEqual([]);
      expect(injectedContainerProblems(patched)).toEqual([]);
      const agentsRestricted =
        injectedContainerProblems(patched).length === 0 &&
        caseCfg.config?.setSecurityContext !== false;
      if (
        restrictedProblems(input).length === 0 &&
        agentsRestricted &&
        !JSON.stringify(patched).includes('"runAsUser":0')
      ) {
        expect(restrictedProblems(patched)).toEqual([]);
      }
      // Injecting the result again gives no patch; asking for re-injection converges to the same pod.
      expect(run(patched, ns, cfg).patch).toEqual([]);
      const again = structuredClone(patched);
      const annotations = again.metadata!.annotations!;
      const status = STATUS_KEYS.find((k) => annotations[k] !== undefined) ?? STATUS_KEYS[1]!;
      annotations[status] = 'update';
      const second = run(again, ns, cfg);
      const reinjected = jsonpatch.applyPatch(again, second.patch, true, false).newDocument;
      expect(reinjected).toEqual(patched);
    });

    it.skipIf(!hasKubectl())(
      'applies the same with kubectl patch --local (Go json-patch; skipped when kubectl is absent)',
      () => {
        if (!existsSync(expectedFile)) return;
        const viaGo = patchedByKubectl().get(name);
        expect(viaGo, `${name} was not in the kubectl batch`).toBeDefined();
        expect(viaGo).toEqual(parse(readFileSync(expectedFile, 'utf8')));
      },
    );
  });
});
