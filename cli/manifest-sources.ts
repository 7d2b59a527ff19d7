// Turns the -f arguments of mutate, lint and policy into the files to read, as kubectl does: each
// -f in order, "-" for stdin, and a directory as its .yaml, .yml and .json files in name order
// (its subdirectories too with -R).
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UsageError } from './io.js';

export const STDIN = '-';
const MANIFEST_EXTENSIONS: ReadonlySet<string> = new Set(['.yaml', '.yml', '.json']);

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    // Not there or unreadable: reading it says why, with the path the user wrote.
    return false;
  }
}

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * A directory's manifest files, sorted by name. Symbolic links to files count; links to
 * directories are not followed (as kubectl's walk does not), so a loop cannot recur forever.
 */
async function directoryFiles(dir: string, recursive: boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await entriesOf(dir)).sort(byName)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...(await directoryFiles(path, recursive)));
    } else if (await isManifestFile(entry, path)) {
      out.push(path);
    }
  }
  return out;
}

async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code;
    throw new UsageError(`cannot read directory ${dir}: ${reason}`, 2);
  }
}

async function isManifestFile(entry: Dirent, path: string): Promise<boolean> {
  if (!MANIFEST_EXTENSIONS.has(extname(entry.name))) return false;
  return entry.isFile() || (entry.isSymbolicLink() && !(await isDirectory(path)));
}

/** The paths to read, in order; "-" stands for stdin, which can be read once. */
export async function expandSources(
  args: readonly string[],
  recursive: boolean,
): Promise<string[]> {
  if (args.filter((a) => a === STDIN).length > 1) {
    throw new UsageError('-f -: stdin can be read only once', 2);
  }
  const out: string[] = [];
  for (const arg of args) {
    if (arg !== STDIN && (await isDirectory(arg)))
      out.push(...(await directoryFiles(arg, recursive)));
    else out.push(arg);
  }
  return out;
}
