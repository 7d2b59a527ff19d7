// Shared pieces of the fault tests: a review to send, and client loops that count every outcome.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { httpsRequest } from '../helpers/https-client.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { buildOnce, CLI, REPO_ROOT } from '../helpers/serve-process.js';

export const INJECT = {
  'vault.hashicorp.com/agent-inject': 'true',
  'vault.hashicorp.com/role': 'app',
};
export const REVIEW = JSON.stringify(makeReview(makePod(INJECT)));
export const UID = '705ab4f5-6393-11e8-b7cc-42010a800002';

export interface LoadTally {
  ok: number;
  /** Answers that were not a 200 allowed review with a patch, by status code. */
  bad: Record<string, number>;
  /** Connection-level failures, by error code or message. */
  errors: Record<string, number>;
  fingerprints: Set<string>;
}

export function tally(): LoadTally {
  return { ok: 0, bad: {}, errors: {}, fingerprints: new Set() };
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

export interface LoadOptions {
  readonly url: () => string;
  /** Called per request, so a test can change which CAs the client trusts. */
  readonly ca: () => string;
  readonly keepAlive: boolean;
  readonly until: () => boolean;
  readonly servername?: string;
}

/** One client sending reviews back to back until `until()`; every outcome is counted in `t`. */
export async function clientLoop(opts: LoadOptions, t: LoadTally): Promise<void> {
  const agent = opts.keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : undefined;
  try {
    for (let i = 0; i < 1_000_000 && !opts.until(); i++) {
      try {
        const res = await httpsRequest(opts.url(), {
          ca: opts.ca(),
          method: 'POST',
          path: '/mutate',
          headers: { 'content-type': 'application/json' },
          body: REVIEW,
          ...(agent ? { agent } : {}),
          ...(opts.servername ? { servername: opts.servername } : {}),
        });
        t.fingerprints.add(res.fingerprint);
        const response =
          res.status === 200
            ? (
                JSON.parse(res.body) as {
                  response: { uid: string; allowed: boolean; patch?: string };
                }
              ).response
            : undefined;
        if (response?.uid === UID && response.allowed && response.patch) t.ok += 1;
        else bump(t.bad, String(res.status));
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        bump(t.errors, e.code ?? e.message);
      }
    }
  } finally {
    agent?.destroy();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Builds dist/ when it is missing or older than a source file (`make test` has just built it, so
 * this is normally a no-op; running vitest alone after an edit rebuilds).
 */
export function ensureBuilt(): void {
  const newest = (dir: string): number =>
    readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .reduce((m, f) => Math.max(m, statSync(join(REPO_ROOT, dir, f)).mtimeMs), 0);
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
  const sources = Math.max(...['webhook', 'patches', 'certs', 'cli'].map(newest));
  if (built < sources) buildOnce();
}
