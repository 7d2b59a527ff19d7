// The replica scenario that must run alone (three replicas started together, ready within 10 s)
// gets the machine to itself: the other test files of the run wait before they are imported (see
// wait-for-alone.ts) until it is done. The files of one run share a marker named after the main
// vitest process, of which every worker is a fork.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folders whose files spawn replica processes and wait on real time. */
export const PROCESS_SUITES = ['test/replicas/', 'test/migration/'];

export function isProcessSuite(path: string): boolean {
  const p = path.replaceAll('\\', '/');
  return PROCESS_SUITES.some((dir) => p.includes(`/${dir}`));
}

/** The file whose first scenario runs alone; every other file waits for it, process suites too. */
export const ALONE_FILE = 'test/replicas/replicas.test.ts';

export function isAloneFile(path: string): boolean {
  return path.replaceAll('\\', '/').endsWith(`/${ALONE_FILE}`);
}

function marker(mainPid: number): string {
  return join(tmpdir(), `vault-injector-tests-alone-${mainPid}`);
}

/** Main process, when the run includes a process suite: the other files wait for its release. */
export function holdForAlone(): void {
  writeFileSync(marker(process.pid), '');
}

/** Main process, at the end of the run. */
export function clearAlone(): void {
  rmSync(marker(process.pid), { force: true });
}

/** Worker: the scenario that runs alone is over (passed or failed). */
export function releaseAlone(): void {
  rmSync(marker(process.ppid), { force: true });
}

/** Worker: waits while the scenario runs alone; at most `timeoutMs`, so a run never hangs here. */
export async function waitWhileAlone(timeoutMs = 60_000): Promise<void> {
  const path = marker(process.ppid);
  const deadline = performance.now() + timeoutMs;
  while (existsSync(path) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
}
