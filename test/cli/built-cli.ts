// Runs the compiled CLI with plain node: vitest resolves packages differently from node (it reads
// the `module` field), so only a real `node dist/cli/main.js` run catches ESM import mistakes such
// as a default import from a CommonJS package.
import { spawn, spawnSync } from 'node:child_process';
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

const MAX_RUNNING = 3;
let running = 0;
const waiting: Array<() => void> = [];

/** A few at a time: overlapping node start-ups saves time, a crowd of them on a busy CI box doesn't. */
async function limited<T>(job: () => Promise<T>): Promise<T> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await job();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * A clean environment: AGENT_INJECT_* settings of the machine running the tests must not leak in.
 * Asynchronous, so a test file's runs overlap; stdin is a real pipe.
 */
export function runCli(
  args: readonly string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  return limited(
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [MAIN, ...args], {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? '', ...opts.env },
          timeout: 30_000,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(opts.input ?? '');
      }),
  );
}
