// doctor's --request-timeout, in kubectl's grammar: a whole number of seconds or a Go duration
// (30s, 1m, 1m30s); 0 means no timeout. Every API request gets its own deadline, so a server that
// accepts connections and never answers ends the run instead of hanging it.
import type { Middleware, RequestContext, ResponseContext } from '@kubernetes/client-node';
import { parseDurationMs } from '../config-values.js';
import { UsageError } from '../io.js';

export const DEFAULT_REQUEST_TIMEOUT = '30s';

/** Milliseconds, 0 for none; a bad value is a usage error naming the flag. */
export function parseRequestTimeout(raw: string): number {
  if (/^[0-9]+$/.test(raw)) return Number(raw) * 1000;
  const parsed = parseDurationMs(raw);
  if (parsed.ok) return parsed.value;
  throw new UsageError(
    `invalid value ${JSON.stringify(raw)} for --request-timeout: expected a whole number of ` +
      'seconds or a duration such as 30s, 1m or 1m30s (0: no timeout)',
    2,
  );
}

/**
 * Aborts each request not answered in time. A timer is not cleared on the response: the body is
 * read after this middleware, and a slow body must time out too. The timers hold the process open
 * (a deadline is work it waits for), so the run clears the ones left when it ends.
 */
export class RequestDeadlines {
  private readonly pending = new Set<NodeJS.Timeout>();

  constructor(private readonly timeoutMs: number) {}

  middleware(): Middleware {
    return {
      pre: (context: RequestContext): Promise<RequestContext> => {
        const controller = new AbortController();
        const timer = setTimeout(() => {
          this.pending.delete(timer);
          controller.abort();
        }, this.timeoutMs);
        this.pending.add(timer);
        context.setSignal(controller.signal);
        return Promise.resolve(context);
      },
      post: (context: ResponseContext): Promise<ResponseContext> => Promise.resolve(context),
    };
  }

  /** Every request of the run has settled: its deadlines have nothing left to end. */
  clear(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}

/** node-fetch rejects an aborted request with an AbortError; only this deadline aborts one. */
export function isTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
