// Writes certificate files the way the kubelet updates a Secret volume: data in a timestamped
// `..2026_…` directory, a `..data` symlink to it, and each key a symlink through `..data`.
// An update writes a new timestamped directory and swaps `..data` with one rename(2).
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type SecretData = Readonly<Record<string, string>>;

export class SecretVolume {
  #generation = 0;
  #current = '';

  constructor(readonly dir: string) {}

  path(key: string): string {
    return join(this.dir, key);
  }

  async write(data: SecretData): Promise<void> {
    this.#generation += 1;
    const stamp = `..2026_11_28_08_00_${String(this.#generation).padStart(2, '0')}.${process.pid}`;
    const dataDir = join(this.dir, stamp);
    await mkdir(dataDir, { recursive: true });
    for (const [key, value] of Object.entries(data)) await writeFile(join(dataDir, key), value);
    // Atomic swap: a temp symlink renamed over ..data, as the kubelet's AtomicWriter does.
    const tmp = join(this.dir, '..data_tmp');
    await rm(tmp, { force: true });
    await symlink(stamp, tmp);
    await rename(tmp, join(this.dir, '..data'));
    for (const key of Object.keys(data)) {
      await symlink(join('..data', key), this.path(key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
    if (this.#current !== '') await rm(join(this.dir, this.#current), { recursive: true });
    this.#current = stamp;
  }
}
