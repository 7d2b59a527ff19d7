// The manifest input of mutate, lint and policy: the -f/-R flags, reading every source, and the
// checks kubectl makes before it sends anything (an input with no object, an object whose own
// namespace contradicts -n).
import type { Command } from 'commander';
import { UsageError, type CliIO } from './io.js';
import { isList, parseManifests } from './manifests.js';
import { expandSources, STDIN } from './manifest-sources.js';
import { objectName } from './object-name.js';
import { readInput } from './read-input.js';
import { isRecord } from '../patches/is-record.js';

export interface ManifestFlags {
  readonly file: readonly string[];
  readonly recursive?: boolean;
  readonly namespace?: string;
}

export interface ManifestFile {
  /** How messages name it: the file's path, or "<stdin>". */
  readonly source: string;
  /** Its documents, in order; Lists are kept as Lists. */
  readonly documents: readonly unknown[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** -f (repeatable, required) and -R, worded as kubectl words them. */
export function addManifestOptions(cmd: Command): Command {
  return cmd
    .requiredOption(
      '-f, --file <path>',
      'manifest file, or directory of .yaml, .yml and .json files, to read ("-" for stdin); repeat for several, read in order',
      collect,
    )
    .option('-R, --recursive', 'read the subdirectories of a -f directory too');
}

/** The objects of a document stream, List items in place of their List. */
export function objectsOf(documents: readonly unknown[]): unknown[] {
  return documents.flatMap((d) => (isList(d) ? d.items : [d]));
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** kubectl's rule: -n may fill in a missing namespace, never replace the one an object states. */
function checkNamespace(object: unknown, namespace: string, source: string): void {
  if (!isRecord(object) || !isRecord(object.metadata)) return;
  const own = str(object.metadata.namespace);
  if (own === '' || own === namespace) return;
  const meta = object.metadata;
  const name = objectName(
    str(object.kind),
    own,
    str(meta.name) || str(meta.generateName) || '(unnamed)',
  );
  throw new UsageError(
    `${source}: ${name}: the namespace from the provided object "${own}" does not match the ` +
      `namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation.`,
    2,
  );
}

/** The -f arguments as the user wrote them, stdin as "<stdin>". */
export function describeSources(flags: ManifestFlags): string {
  return flags.file.map((f) => (f === STDIN ? '<stdin>' : f)).join(', ');
}

/** Every -f source read and parsed, in order; a failure is one line and exit 2. */
export async function readManifests(flags: ManifestFlags, io: CliIO): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  for (const path of await expandSources(flags.file, flags.recursive === true)) {
    const input = await readInput(path, io);
    files.push({ source: input.source, documents: parseManifests(input.text, input.source) });
  }
  const { namespace } = flags;
  let count = 0;
  for (const file of files) {
    const objects = objectsOf(file.documents);
    count += objects.length;
    if (namespace) for (const o of objects) checkNamespace(o, namespace, file.source);
  }
  if (count === 0) throw new UsageError(`no objects were read from ${describeSources(flags)}`, 2);
  return files;
}
