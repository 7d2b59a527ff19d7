// Reads a command's input from a file or stdin, turning every failure into a one-line exit-2 error.
import { readFile } from 'node:fs/promises';
import { UsageError, type CliIO } from './io.js';
import { toError } from '../patches/to-error.js';

export interface Input {
  readonly text: string;
  /** How messages name the input: the file path, or "<stdin>". */
  readonly source: string;
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

async function readStdin(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** file undefined or "-" reads stdin. A leading byte-order mark is dropped. */
export async function readInput(file: string | undefined, io: CliIO): Promise<Input> {
  if (file === undefined || file === '-') {
    // Waiting silently on a terminal looks like a hang; say what is expected instead.
    if ((io.stdin as { isTTY?: boolean }).isTTY === true) {
      throw new UsageError('no input: pass -f FILE, or pipe the input on stdin', 2);
    }
    return { text: stripBom(await readStdin(io)), source: '<stdin>' };
  }
  try {
    return { text: stripBom(await readFile(file, 'utf8')), source: file };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? toError(err).message;
    throw new UsageError(`cannot read ${file}: ${reason}`, 2);
  }
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}
