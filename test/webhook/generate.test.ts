// certs/generate.ts: the CA and serving certificate verify as a chain in Node and OpenSSL.
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { generateCA, generateServingCert } from '../../certs/generate.js';

const NOW = new Date('2026-11-28T08:00:00.000Z');
const ca = generateCA({ now: NOW });
const hosts = [
  'vault-agent-injector-svc',
  'vault-agent-injector-svc.vault.svc',
  '127.0.0.1',
  '::1',
];
const leaf = generateServingCert(ca, { hosts, now: NOW });

describe('generateCA / generateServingCert', () => {
  it('builds a chain Node verifies, with DNS and IP SANs', () => {
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(caCert.subject).toBe('CN=vault-injector CA');
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.checkHost('vault-agent-injector-svc.vault.svc')).toBe(
      'vault-agent-injector-svc.vault.svc',
    );
    expect(cert.checkHost('other.example')).toBeUndefined();
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.subjectAltName).toBe(
      'DNS:vault-agent-injector-svc, DNS:vault-agent-injector-svc.vault.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
    expect(cert.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth EKU
  });

  it('sets validity from `now`: CA 10 years, leaf 30 days, both backdated one minute', () => {
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(new Date(cert.validFrom).toISOString()).toBe('2026-11-28T07:59:00.000Z');
    expect(new Date(cert.validTo).toISOString()).toBe('2026-12-28T08:00:00.000Z');
    expect(new Date(caCert.validTo).getUTCFullYear()).toBe(2036);
    const short = new X509Certificate(
      generateServingCert(ca, { hosts: ['a'], now: NOW, validityDays: 1 }).certPem,
    );
    expect(new Date(short.validTo).toISOString()).toBe('2026-11-29T08:00:00.000Z');
  });

  it('carries SKI on the CA and a matching AKI on the leaf; cA and keyCertSign on the CA', () => {
    const caF = forge.pki.certificateFromPem(ca.certPem);
    const leafF = forge.pki.certificateFromPem(leaf.certPem);
    const ski = caF.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier: string };
    const aki = leafF.getExtension('authorityKeyIdentifier') as { value: string };
    expect(ski.subjectKeyIdentifier).toMatch(/^[0-9a-f]{40}$/);
    // AKI DER: SEQUENCE { [0] keyIdentifier }: the last 20 bytes are the CA's key id.
    expect(forge.util.bytesToHex(aki.value).endsWith(ski.subjectKeyIdentifier)).toBe(true);
    expect(caF.getExtension('basicConstraints')).toMatchObject({ cA: true });
    expect(caF.getExtension('keyUsage')).toMatchObject({ keyCertSign: true });
    expect(caF.verify(leafF)).toBe(true);
  });

  it('rejects an empty host list and non-positive validity', () => {
    expect(() => generateServingCert(ca, { hosts: [' ', ''] })).toThrow(/at least one host/);
    expect(() => generateCA({ validityDays: 0 })).toThrow(/positive/);
  });

  it('openssl verify accepts the chain (when openssl is installed)', async () => {
    const probe = spawnSync('openssl', ['version'], { encoding: 'utf8' });
    if (probe.error !== undefined) return; // openssl absent: Node's checks above still ran
    const dir = await mkdtemp(join(tmpdir(), 'vi-gen-'));
    try {
      const now = generateCA();
      const cur = generateServingCert(now, { hosts: ['localhost'] });
      await writeFile(join(dir, 'ca.crt'), now.certPem);
      await writeFile(join(dir, 'tls.crt'), cur.certPem);
      const res = spawnSync(
        'openssl',
        ['verify', '-purpose', 'sslserver', '-CAfile', join(dir, 'ca.crt'), join(dir, 'tls.crt')],
        { encoding: 'utf8' },
      );
      expect(res.stdout).toContain(': OK');
      expect(res.status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
