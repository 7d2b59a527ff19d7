// Disk certificate source: startup checks, and reloads through a Secret-volume style ..data swap.
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCertificateSource } from '../../certs/file-source.js';
import type { ServingCertificate } from '../../certs/source.js';
import { SecretVolume } from '../helpers/secret-volume.js';
import { freshPki, testPki, type TestPki } from '../helpers/tls.js';

let dir = '';
let source: FileCertificateSource | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vi-certs-'));
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

function waitFor<T>(get: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const v = get();
      if (v !== undefined) resolve(v);
      else if (Date.now() > until) reject(new Error('timed out waiting'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

function secretData(p: TestPki): Record<string, string> {
  return { 'tls.crt': p.serving.certPem, 'tls.key': p.serving.keyPem, 'ca.crt': p.ca.certPem };
}

function serial(cert: ServingCertificate): string {
  return new X509Certificate(cert.certPem).serialNumber;
}

describe('FileCertificateSource', () => {
  it('start fails on missing files and on a key that does not match', async () => {
    const { serving } = testPki();
    const other = freshPki().serving;
    await writeFile(join(dir, 'tls.crt'), serving.certPem);
    await writeFile(join(dir, 'tls.key'), other.keyPem);
    const cases: [string, string, RegExp][] = [
      [join(dir, 'missing.crt'), join(dir, 'tls.key'), /cannot read certificate .*missing\.crt/],
      [join(dir, 'tls.crt'), join(dir, 'tls.key'), /does not match certificate/],
      [join(dir, 'tls.key'), join(dir, 'tls.key'), /is not a PEM certificate/],
    ];
    for (const [certFile, keyFile, message] of cases) {
      const s = new FileCertificateSource({ certFile, keyFile, caFile: '' });
      await expect(
        s.start(
          () => undefined,
          () => undefined,
        ),
      ).rejects.toThrow(message);
    }
  });

  it('reloads after a ..data symlink swap, and keeps the old pair when the new one is broken', async () => {
    const vol = new SecretVolume(dir);
    const a = testPki();
    await vol.write({
      'tls.crt': a.serving.certPem,
      'tls.key': a.serving.keyPem,
      'ca.crt': a.ca.certPem,
    });
    const got: ServingCertificate[] = [];
    const errors: Error[] = [];
    source = new FileCertificateSource({
      certFile: vol.path('tls.crt'),
      keyFile: vol.path('tls.key'),
      caFile: vol.path('ca.crt'),
      debounceMs: 20,
      pollMs: 0, // prove the directory watch alone sees every swap
    });
    await source.start(
      (c) => got.push(c),
      (e) => errors.push(e),
    );
    expect(got).toHaveLength(1);
    expect(got[0]!.caPem).toBe(a.ca.certPem);

    // Two good swaps (a file watch goes silent after the first; the directory watch must not).
    const pairs = [freshPki(), freshPki()];
    for (const [round, b] of pairs.entries()) {
      await vol.write(secretData(b));
      const next = await waitFor(() => got[round + 1]);
      expect(serial(next)).toBe(new X509Certificate(b.serving.certPem).serialNumber);
    }

    // A third swap with a mismatched pair: reported, not delivered.
    const before = got.length;
    await vol.write({ ...secretData(pairs[0]!), 'tls.key': pairs[1]!.serving.keyPem });
    const err = await waitFor(() => errors[0]);
    expect(err.message).toMatch(/does not match/);
    expect(got).toHaveLength(before);
  });

  it('the slow poll catches changes when no watch event arrives', async () => {
    const a = testPki();
    await writeFile(join(dir, 'tls.crt'), a.serving.certPem);
    await writeFile(join(dir, 'tls.key'), a.serving.keyPem);
    const got: ServingCertificate[] = [];
    source = new FileCertificateSource({
      certFile: join(dir, 'tls.crt'),
      keyFile: join(dir, 'tls.key'),
      caFile: '',
      debounceMs: 60_000, // watch events effectively never fire in this test
      pollMs: 50,
    });
    await source.start(
      (c) => got.push(c),
      () => undefined,
    );
    const b = freshPki();
    await writeFile(join(dir, 'tls.key'), b.serving.keyPem);
    await writeFile(join(dir, 'tls.crt'), b.serving.certPem);
    const next = await waitFor(() => got[1]);
    expect(serial(next)).toBe(new X509Certificate(b.serving.certPem).serialNumber);
  });

  it('keeps reloading after the consumer throws on one certificate', async () => {
    const vol = new SecretVolume(dir);
    await vol.write(secretData(testPki()));
    const got: ServingCertificate[] = [];
    const errors: Error[] = [];
    source = new FileCertificateSource({
      certFile: vol.path('tls.crt'),
      keyFile: vol.path('tls.key'),
      caFile: vol.path('ca.crt'),
      debounceMs: 20,
      pollMs: 0,
    });
    await source.start(
      (c) => {
        got.push(c);
        if (got.length === 2) throw new Error('consumer failed');
      },
      (e) => errors.push(e),
    );
    const [b, c] = [freshPki(), freshPki()];
    await vol.write(secretData(b));
    await waitFor(() => got[1]);
    expect((await waitFor(() => errors[0])).message).toBe('consumer failed');
    await vol.write(secretData(c));
    const next = await waitFor(() => got[2]);
    expect(serial(next)).toBe(new X509Certificate(c.serving.certPem).serialNumber);
  });
});
