// Collects log lines written by createLogger, for assertions on fields (JSON) or text (standard).
import type { LogSink } from '../../webhook/logger.js';

export interface CollectingSink extends LogSink {
  readonly lines: string[];
  /** Lines parsed as JSON (only meaningful with --log-format json). */
  records(): Record<string, unknown>[];
  text(): string;
}

export function collectingSink(): CollectingSink {
  const lines: string[] = [];
  return {
    lines,
    write(line: string): boolean {
      lines.push(line);
      return true;
    },
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}
