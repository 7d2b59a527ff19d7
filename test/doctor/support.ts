// Running doctor against the HTTPS fake: in-process through runCli (what the command does, with a
// real client-node and a kubeconfig file), and as the built binary in a child process. The child
// is spawned asynchronously: the fake answers from this process, so a blocking spawn would hang.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../cli/program.js';
import type { FakeKubeApi } from '../fakes/kube-api.js';
import type { FakeKubeCluster } from '../fakes/kube-cluster.js';
import { ROOT } from '../cli/built-cli.js';
import { startCluster } from './scenarios.js';

export interface DoctorRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Writes the fake's kubeconfig to a fresh directory; returns its path and a clean-up. */
export function writeKubeconfig(api: FakeKubeApi): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vi-doctor-'));
  const path = join(dir, 'config');
  writeFileSync(path, api.kubeConfig().exportConfig());
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A test's fake cluster and its kubeconfig file; `stop` (from afterEach) closes and removes both. */
export class DoctorCluster {
  private current: FakeKubeCluster | undefined;
  private remove: (() => void) | undefined;

  /** The fake of the running test; throws when none is started. */
  get api(): FakeKubeCluster {
    if (this.current === undefined) throw new Error('no fake cluster started');
    return this.current;
  }

  /** Starts a fake seeded by `seed`; resolves with the path of its kubeconfig. */
  async start(seed: (a: FakeKubeCluster) => void): Promise<string> {
    this.current = await startCluster(seed);
    const kc = writeKubeconfig(this.current);
    this.remove = kc.remove;
    return kc.path;
  }

  async stop(): Promise<void> {
    this.remove?.();
    this.remove = undefined;
    await this.current?.close();
    this.current = undefined;
  }
}

export async function doctorInProcess(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<DoctorRun> {
  let stdout = '';
  let stderr = '';
  const out = new PassThrough().on('data', (d: Buffer) => (stdout += d.toString()));
  const err = new PassThrough().on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await runCli(['doctor', ...args], {
    stdin: new PassThrough(),
    stdout: out,
    stderr: err,
    env,
  });
  return { code, stdout, stderr };
}

/** `node dist/cli/main.js doctor ...` with only PATH and `env` in its environment. */
export function doctorBuilt(
  args: readonly string[],
  env: Record<string, string>,
): Promise<DoctorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}dist/cli/main.js`, 'doctor', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ReportJson {
  findings: Array<{
    code: string;
    severity: string;
    object: string;
    message: string;
    cause?: string;
    owner?: string;
    hint?: string;
  }>;
  summary: Record<string, unknown>;
}

export function parseReport(stdout: string): ReportJson {
  return JSON.parse(stdout) as ReportJson;
}

/** No stack trace, no node internals: what a user sees on stderr. */
export function hasStack(text: string): boolean {
  return /\n\s+at .+:\d+:\d+/.test(text) || text.includes('node:internal');
}
