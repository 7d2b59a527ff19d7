// The one root logger for serve. pino writes JSON; "standard" reformats each line synchronously
// in-process (no transport worker, so nothing is lost at exit).
import { pino, stdSerializers, type Logger } from 'pino';
import type { LogFormat, LogLevel } from './server-config.js';
import { withoutJsonExcerpt } from './redact.js';
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

/**
 * pino's err serializer without what could quote a request: Node attaches the raw bytes of a
 * malformed HTTP request (`rawPacket`, body included) to the errors Fastify logs at trace, and
 * JSON parse messages quote the text around the error.
 */
function serializeError(err: Error): unknown {
  const out = stdSerializers.err(err) as unknown;
  // Anything thrown can arrive here; only error objects are serialised (and cut).
  if (typeof out !== 'object' || out === null) return out;
  // A copy: for a non-Error object the serializer returns the caller's own object.
  const { rawPacket: _raw, ...rest } = out as Record<string, unknown>;
  return withoutExcerpts(rest);
}

function withoutExcerpts(out: Record<string, unknown>): Record<string, unknown> {
  for (const k of ['message', 'stack'] as const) {
    if (typeof out[k] === 'string') out[k] = withoutJsonExcerpt(out[k]);
  }
  return out;
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
      serializers: { err: serializeError },
    },
    destination,
  );
}
