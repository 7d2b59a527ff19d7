// The one root logger for serve. pino writes JSON; "standard" reformats each line synchronously
// in-process (no transport worker, so nothing is lost at exit).
import { pino, stdSerializers, type Logger } from 'pino';
import type { LogFormat, LogLevel } from './server-config.js';
import { formatStandardLine } from './standard-format.js';

export type { Logger } from 'pino';

export interface LogSink {
  write(line: string): unknown;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Where lines go; stderr by default (vault-helm merges it into stdout with `2>&1`). */
  readonly sink?: LogSink;
}

export function createLogger(opts: LoggerOptions): Logger {
  const sink: LogSink = opts.sink ?? process.stderr;
  const destination: LogSink =
    opts.format === 'json' ? sink : { write: (line) => sink.write(formatStandardLine(line)) };
  return pino(
    {
      level: opts.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names, not numbers: readable in JSON and the same words as --log-level.
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err },
    },
    destination,
  );
}
