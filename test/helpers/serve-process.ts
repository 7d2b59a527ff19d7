// Runs the BUILT CLI (`node dist/cli/main.js ...`) as a child process, as the container does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { buildCli } from '../cli/built-cli.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Builds dist/ only when stale; the vitest global setup has normally built it already. */
export function buildOnce(): void {
  buildCli();
}

/** Only PATH and what the test gives: AGENT_INJECT_* from the outer shell must not leak in. */
export function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', ...vars };
}

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runCliSync(
  args: readonly string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Starts serve and resolves once it logs its URL ("webhook ready"); rejects if it exits first. */
export function startServe(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 10_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not become ready:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      // Complete lines only: a chunk may end mid-URL.
      const line = out
        .split('\n')
        .slice(0, -1)
        .find((l) => l.includes('vault-injector webhook ready'));
      const url = line === undefined ? null : /https:\/\/[^\s"]+/.exec(line);
      if (url !== null) {
        clearTimeout(timer);
        resolve({ child, url: url[0], output: () => out, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before ready:\n${out}`));
    });
  });
}

/** The files `certs generate --out dir` writes (and tests write in that layout). */
export function tlsFilesIn(dir: string): { cert: string; key: string; ca: string } {
  return { cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key'), ca: join(dir, 'ca.crt') };
}

/** `serve` on a free loopback port with a certificate and key from files, then `extra` flags. */
export function startServeTls(
  files: { readonly cert: string; readonly key: string },
  extra: readonly string[],
  env: Record<string, string>,
  timeoutMs?: number,
): Promise<ServeProcess> {
  return startServe(
    [
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--tls-cert-file',
      files.cert,
      '--tls-key-file',
      files.key,
      ...extra,
    ],
    env,
    timeoutMs,
  );
}

/** Waits for a line of the server's output matching `match` (stderr may trail the response). */
export async function waitForLine(
  srv: ServeProcess,
  match: (line: string) => boolean,
  tries = 50,
): Promise<string | undefined> {
  for (let i = 0; i < tries; i++) {
    const found = srv.output().split('\n').find(match);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  return undefined;
}
