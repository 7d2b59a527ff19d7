// Runs the compiled CLI with plain node: vitest resolves packages differently from node (it reads
// the `module` field), so only a real `node dist/cli/main.js` run catches ESM import mistakes such
// as a default import from a CommonJS package.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = `${ROOT}dist/cli/main.js`;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const SOURCE_DIRS = ['cli', 'patches', 'webhook', 'certs'];

/** Whether some source is newer than its compiled file (or has none). */
function isStale(): boolean {
  return SOURCE_DIRS.some((dir) =>
    (readdirSync(`${ROOT}${dir}`, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      .some((f) => {
        const js = `${ROOT}dist/${dir}/${f.replace(/\.ts$/, '.js')}`;
        return !existsSync(js) || statSync(js).mtimeMs < statSync(`${ROOT}${dir}/${f}`).mtimeMs;
      }),
  );
}

/**
 * `npm run build` unless dist/ is already up to date (as after `make unit`): rewriting dist/
 * while other test files run it could hand them half-written modules. Type errors elsewhere still
 * emit JavaScript, so success means main.js exists; `npm run typecheck` is the type gate.
 */
export function buildCli(): void {
  if (existsSync(MAIN) && !isStale()) return;
  const res = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (!existsSync(MAIN)) {
    throw new Error(`npm run build produced no ${MAIN}:\n${res.stdout}\n${res.stderr}`);
  }
}

/** A clean environment: AGENT_INJECT_* settings of the machine running the tests must not leak in. */
export function runCli(
  args: readonly string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): CliRun {
  const res = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    timeout: 30_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}
