// Runs the CLI's entry function in this process with captured streams: the same program the
// binary runs, without a node start-up per call. Only what a real process shows (exit status,
// a real stdin pipe, signals, how plain node resolves imports) needs built-cli.ts.
import { Readable, Writable } from 'node:stream';
import { runCli as runProgram } from '../../cli/program.js';
import type { CliRun } from './built-cli.js';

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Like built-cli's runCli: a clean environment unless `env` is given, stdin empty unless `input`. */
export async function runCli(
  args: readonly string[],
  opts: { input?: string; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const stdout = collector();
  const stderr = collector();
  const code = await runProgram(args, {
    stdin: Readable.from(opts.input === undefined ? [] : [Buffer.from(opts.input)]),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: { ...opts.env },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
