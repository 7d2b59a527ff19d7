// The process edges a command may touch, passed in so commands run in tests without a process.
import type { Readable, Writable } from 'node:stream';

export interface CliIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit code of a command that failed on a bug: apart from 1 (denied, findings) and 2 (bad input). */
export const EXIT_INTERNAL_ERROR = 3;

/** Raised by a command for a user's mistake: printed as one line, never with a stack trace. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
