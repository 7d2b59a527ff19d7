// The one root logger for serve. pino writes JSON; "standard" reformats each line synchronously
// in-process (no transport worker, so nothing is lost at exit).
import { pino, stdSerializers, type Logger } from 'pino';
import type { LogFormat, LogLevel } from './server-config.js';
import { withoutJsonExcerpt } from './redact.js';
import { formatStandardLine, standardLine } from './standard-format.js';

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

/** Writes one record at `level` for `logger` (its bindings included), as the logger would. */
export type LineWriter = (logger: Logger, level: 'info' | 'warn', fields: object) => void;

const DIRECT = Symbol('standard lines written directly');
type WithDirect = Logger & { [DIRECT]?: LineWriter };

/**
 * For the standard format, the writer that builds a line straight from the fields, or undefined
 * (JSON format): the same line pino's JSON would be reformatted into, without serialising it and
 * parsing it back (the per-admission decision line, where that round trip doubled the cost).
 */
export function directLineWriter(logger: Logger): LineWriter | undefined {
  return (logger as WithDirect)[DIRECT];
}

function standardWriter(sink: LogSink): LineWriter {
  // A logger's bindings never change after child(): read them once per logger.
  const bound = new WeakMap<Logger, Record<string, unknown>>();
  return (logger, level, fields) => {
    if (!logger.isLevelEnabled(level)) return;
    let bindings = bound.get(logger);
    if (bindings === undefined) {
      bindings = logger.bindings();
      bound.set(logger, bindings);
    }
    const time = new Date().toISOString();
    sink.write(standardLine({ level, time, ...bindings, ...fields }));
  };
}

export function createLogger(opts: LoggerOptions): Logger {
  const sink: LogSink = opts.sink ?? process.stderr;
  const destination: LogSink =
    opts.format === 'json' ? sink : { write: (line) => sink.write(formatStandardLine(line)) };
  const logger = createPino(opts, destination);
  // Children are created from the root by prototype, so they inherit the writer.
  if (opts.format !== 'json') (logger as WithDirect)[DIRECT] = standardWriter(sink);
  return logger;
}

function createPino(opts: LoggerOptions, destination: LogSink): Logger {
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
