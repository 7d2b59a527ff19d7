// `vault-injector certs generate`: a CA plus a serving certificate on disk, for `make run`, local
// clusters and tests. Production uses cert-manager files or auto-TLS.
import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACCEPTED_HOSTS, isValidHost } from '../host-names.js';
import { UsageError, type CliIO } from '../io.js';
import { DEFAULT_SERVING_VALIDITY_DAYS } from '../../certs/lifetimes.js';

interface GenerateOptions {
  readonly hosts: string;
  readonly out: string;
  readonly ifMissing?: boolean;
  readonly days: number;
}

export const CERT_FILE_NAMES = Object.freeze({
  ca: 'ca.crt',
  cert: 'tls.crt',
  key: 'tls.key',
});

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive whole number of days');
  }
  return n;
}

function parseHosts(value: string): string[] {
  const hosts = value
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  if (hosts.length === 0) {
    throw new UsageError(`--hosts needs at least one host: ${ACCEPTED_HOSTS}`, 2);
  }
  const bad = hosts.filter((h) => !isValidHost(h));
  if (bad.length > 0) {
    const listed = bad.map((h) => JSON.stringify(h)).join(', ');
    throw new UsageError(`invalid value ${listed} for --hosts: expected ${ACCEPTED_HOSTS}`, 2);
  }
  return hosts;
}

const WRITE_REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is a file',
  ENOSPC: 'no space left on the device',
};

/** A failed write as one line naming the path, not "unexpected error: E…". */
async function writing<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`cannot write ${path}: ${WRITE_REASONS[code] ?? (err as Error).message}`);
  }
}

/** --out must be a directory, or not exist yet; said before any key is made. */
async function checkOutDir(out: string): Promise<void> {
  const found = await stat(out).catch(() => undefined);
  if (found === undefined || found.isDirectory()) return;
  throw new UsageError(
    `--out ${out} is an existing file, not a directory: ca.crt, tls.crt and tls.key are written ` +
      `into a directory; remove ${out} or pass another --out`,
  );
}

export async function generateCertFiles(opts: GenerateOptions, io: CliIO): Promise<void> {
  const hosts = parseHosts(opts.hosts);
  const paths = {
    ca: join(opts.out, CERT_FILE_NAMES.ca),
    cert: join(opts.out, CERT_FILE_NAMES.cert),
    key: join(opts.out, CERT_FILE_NAMES.key),
  };
  if (opts.ifMissing === true && Object.values(paths).every((p) => existsSync(p))) {
    io.stderr.write(`certificates already present in ${opts.out}; left unchanged\n`);
    return;
  }
  await checkOutDir(opts.out);
  // node-forge loads only for this command, not into every serve process.
  const { generateCA, generateServingCert } = await import('../../certs/generate.js');
  const ca = generateCA();
  const serving = generateServingCert(ca, { hosts, validityDays: opts.days });
  await writing(opts.out, () => mkdir(opts.out, { recursive: true }));
  await writing(paths.ca, () => writeFile(paths.ca, ca.certPem));
  await writing(paths.cert, () => writeFile(paths.cert, serving.certPem));
  await writing(paths.key, () => writeFile(paths.key, serving.keyPem, { mode: 0o600 }));
  // writeFile's mode only applies when the file is created; an overwrite keeps the old mode.
  await writing(paths.key, () => chmod(paths.key, 0o600));
  io.stderr.write(`wrote ${paths.ca}, ${paths.cert}, ${paths.key} for ${hosts.join(', ')}\n`);
}

export function registerCertsCommand(program: Command, io: CliIO): void {
  const certs = program.command('certs').description('manage development TLS certificates');
  certs
    .command('generate')
    .description('write a CA (ca.crt) and a serving certificate (tls.crt, tls.key) signed by it')
    .requiredOption(
      '--hosts <list>',
      'comma-separated DNS names (a wildcard first label allowed) and IP addresses for the SANs',
    )
    .requiredOption('--out <dir>', 'directory to write ca.crt, tls.crt and tls.key into')
    .option('--if-missing', 'do nothing when all three files already exist')
    .option(
      '--days <n>',
      'validity of the serving certificate in days',
      positiveInt,
      DEFAULT_SERVING_VALIDITY_DAYS,
    )
    .action(async (opts: GenerateOptions) => {
      await generateCertFiles(opts, io);
    });
}
