// Disk certificate source (-tls-cert-file/-tls-key-file, e.g. a cert-manager Secret volume).
// Kubernetes updates Secret volumes by swapping the `..data` symlink, which a watch on the file
// itself misses after the first swap (the watched inode is gone), so the DIRECTORY is watched,
// events are debounced, and a slow poll catches anything the watcher misses.
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { loadCertificateFiles, type CertificateFiles } from './load-pair.js';
import type { CertificateSource, ServingCertificate } from './source.js';
import { toError } from '../patches/to-error.js';

export interface FileSourceOptions extends CertificateFiles {
  /** Quiet period after a change before re-reading (writers touch several files). */
  readonly debounceMs?: number;
  /** Fallback poll interval; 0 disables it. */
  readonly pollMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 100;
const DEFAULT_POLL_MS = 10_000;
/** Pause before the one re-read of a pair that did not match (a swap in progress). */
const RETRY_DELAY_MS = 100;

function samePair(a: ServingCertificate, b: ServingCertificate): boolean {
  return a.certPem === b.certPem && a.keyPem === b.keyPem && a.caPem === b.caPem;
}

export class FileCertificateSource implements CertificateSource {
  readonly #opts: FileSourceOptions;
  #current: ServingCertificate | undefined;
  #watchers: FSWatcher[] = [];
  #debounce: NodeJS.Timeout | undefined;
  #poll: NodeJS.Timeout | undefined;
  #lastError = '';
  #reloading: Promise<void> = Promise.resolve();
  #stopped = false;
  #onCertificate: (cert: ServingCertificate) => void = () => undefined;
  #onError: (err: Error) => void = () => undefined;

  constructor(opts: FileSourceOptions) {
    this.#opts = opts;
  }

  /** Rejects when the files cannot be read or do not match: serve must not start on them. */
  async start(
    onCertificate: (cert: ServingCertificate) => void,
    onError: (err: Error) => void,
  ): Promise<void> {
    this.#onCertificate = onCertificate;
    this.#onError = onError;
    this.#current = await loadCertificateFiles(this.#opts);
    // Stopped while the files were read (a signal during start-up): start no poll nobody clears.
    if (this.#stopped) return;
    onCertificate(this.#current);
    this.#watchDirectories();
    const pollMs = this.#opts.pollMs ?? DEFAULT_POLL_MS;
    if (pollMs > 0) {
      // Referenced until stop(): reloads are work the serving process depends on.
      this.#poll = setInterval(() => this.#schedule(0), pollMs);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#debounce);
    clearInterval(this.#poll);
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
    await this.#reloading;
  }

  #watchDirectories(): void {
    const files = [this.#opts.certFile, this.#opts.keyFile, this.#opts.caFile].filter((f) => f);
    for (const dir of new Set(files.map((f) => dirname(f)))) {
      try {
        const w = watch(dir, { persistent: false }, () => this.#schedule());
        // A vanished directory or inotify limits: the poll keeps working.
        w.on('error', (err) => this.#report(err));
        this.#watchers.push(w);
      } catch (err) {
        this.#report(toError(err));
      }
    }
  }

  #schedule(delayMs = this.#opts.debounceMs ?? DEFAULT_DEBOUNCE_MS): void {
    if (this.#stopped) return;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => {
      // Chained so two reloads never interleave and deliver an older pair last. The catch keeps
      // the chain alive (and the rejection handled) if a consumer's callback throws.
      this.#reloading = this.#reloading
        .then(() => this.#reload())
        .catch((err: unknown) => this.#report(toError(err)));
    }, delayMs);
  }

  async #reload(): Promise<void> {
    if (this.#stopped) return;
    let next: ServingCertificate;
    try {
      next = await loadCertificateFiles(this.#opts);
    } catch {
      // A read that straddled the ..data swap sees a cert and key of different versions: one
      // quiet re-read after the swap settles, before reporting anything.
      // Short and fixed: reloads are chained, so a long wait here would hold up the next ones.
      await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      if (this.#stopped) return;
      try {
        next = await loadCertificateFiles(this.#opts);
      } catch (err) {
        // Keep serving the old pair; a writer may be half-way through an update.
        this.#report(toError(err));
        return;
      }
    }
    this.#lastError = '';
    if (this.#stopped || (this.#current !== undefined && samePair(this.#current, next))) return;
    this.#current = next;
    this.#onCertificate(next);
  }

  #report(err: Error): void {
    // The poll would repeat an unchanged failure every interval; report each distinct one once.
    if (err.message === this.#lastError) return;
    this.#lastError = err.message;
    this.#onError(err);
  }
}
