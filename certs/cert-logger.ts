// The certificate machinery logs through this narrow shape so it can take a pino logger (or a
// child of the server's) without importing pino, and tests can capture lines in an array.

export interface CertLogger {
  /** Optional: per-retry detail that would be noise at info. */
  debug?(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Wall clock for certificate validity; injected so tests can jump weeks ahead. */
export interface Clock {
  now(): Date;
}

export const SYSTEM_CLOCK: Clock = Object.freeze({ now: (): Date => new Date() });
