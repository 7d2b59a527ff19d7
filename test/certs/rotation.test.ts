import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitPemCertificates } from '../../certs/bundle.js';
import { generateCA, generateServingCert } from '../../certs/generate.js';
import {
  applyRotation,
  coversExactly,
  isConsistent,
  nextRenewal,
  planRotation,
  renewalTime,
  type CertMaterial,
} from '../../certs/rotation.js';
import { handshake, HOSTS } from './support.js';

const DAY = 24 * 3600 * 1000;
const T0 = new Date('2030-01-01T00:00:00Z');
const generator = { generateCA, generateServingCert };
const at = (days: number): Date => new Date(T0.getTime() + days * DAY);

function rotate(m: CertMaterial | undefined, now: Date, hosts = HOSTS): CertMaterial {
  const plan = planRotation(m, { hosts, now });
  return applyRotation(m, plan, { hosts, now, generator, previousBundlePem: '' });
}

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('generated chain', () => {
  const m = rotate(undefined, T0);
  const ca = new X509Certificate(m.caCertPem);
  const leaf = new X509Certificate(m.certPem);

  it('is a CA-signed leaf with the requested DNS and IP SANs', () => {
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    for (const host of HOSTS.filter((h) => h !== '127.0.0.1')) {
      expect(leaf.checkHost(host, { subject: 'never' })).toBe(host);
    }
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(leaf.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(leaf.checkHost('other.example')).toBeUndefined();
    expect(coversExactly(m.certPem, HOSTS)).toBe(true);
    expect(isConsistent(m)).toBe(true);
  });

  it('uses RSA-2048 keys, a 30-day leaf and a 10-year CA', () => {
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(ca.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const days = (c: X509Certificate): number =>
      (new Date(c.validTo).getTime() - T0.getTime()) / DAY;
    expect(days(leaf)).toBeCloseTo(30, 3);
    expect(days(ca)).toBeCloseTo(3650, 3);
  });

  it.runIf(hasOpenssl())('passes `openssl verify` with hostname and IP checks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vi-chain-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), m.caBundlePem);
      writeFileSync(join(dir, 'tls.crt'), m.certPem);
      const verify = (...extra: string[]): string =>
        execFileSync(
          'openssl',
          [
            'verify',
            '-attime',
            String(Math.floor(T0.getTime() / 1000) + 3600),
            '-purpose',
            'sslserver',
            ...extra,
            '-CAfile',
            join(dir, 'ca.crt'),
            join(dir, 'tls.crt'),
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        ).toString();
      expect(verify('-verify_hostname', 'vault-agent-injector-svc.vault.svc')).toContain('OK');
      expect(verify('-verify_ip', '127.0.0.1')).toContain('OK');
      expect(() => verify('-verify_hostname', 'evil.example')).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('rotation schedule (fake clock)', () => {
  const m0 = rotate(undefined, T0);

  it('renews the serving certificate at two thirds of its life, not before', () => {
    const due = renewalTime(m0.certPem).getTime();
    expect(Math.abs(due - at(20).getTime())).toBeLessThan(2 * 60 * 1000);
    expect(planRotation(m0, { hosts: HOSTS, now: new Date(due - 1000) })).toMatchObject({
      renewCa: false,
      renewLeaf: false,
    });
    expect(planRotation(m0, { hosts: HOSTS, now: new Date(due) })).toMatchObject({
      renewCa: false,
      renewLeaf: true,
    });
    expect(nextRenewal(m0).getTime()).toBe(due);
  });

  it('keeps the CA and bundle when only the leaf rotates', () => {
    const m1 = rotate(m0, at(21));
    expect(m1.caCertPem).toBe(m0.caCertPem);
    expect(m1.caBundlePem).toBe(m0.caBundlePem);
    expect(m1.certPem).not.toBe(m0.certPem);
    expect(new Date(new X509Certificate(m1.certPem).validTo).getTime()).toBeGreaterThan(
      at(50).getTime(),
    );
    expect(isConsistent(m1)).toBe(true);
  });

  it('re-issues the leaf when the hosts change', () => {
    const hosts = [...HOSTS, 'extra.vault.svc'];
    const plan = planRotation(m0, { hosts, now: at(1) });
    expect(plan).toMatchObject({ renewCa: false, renewLeaf: true });
    expect(coversExactly(rotate(m0, at(1), hosts).certPem, hosts)).toBe(true);
  });

  it('renews material that does not fit together', () => {
    const other = rotate(undefined, T0);
    const mixed = { ...m0, keyPem: other.keyPem };
    expect(isConsistent(mixed)).toBe(false);
    expect(planRotation(mixed, { hosts: HOSTS, now: at(1) }).renewCa).toBe(true);
  });

  it('rotates the CA at two thirds of ten years, keeping the old CA trusted', async () => {
    const caDue = new Date(renewalTime(m0.caCertPem).getTime());
    expect(caDue.getTime()).toBeGreaterThan(at(2430).getTime());
    const plan = planRotation(m0, { hosts: HOSTS, now: caDue });
    expect(plan).toMatchObject({ renewCa: true, renewLeaf: true });
    const m1 = applyRotation(m0, plan, {
      hosts: HOSTS,
      now: caDue,
      generator,
      previousBundlePem: m0.caBundlePem,
    });
    expect(m1.caCertPem).not.toBe(m0.caCertPem);
    const bundle = splitPemCertificates(m1.caBundlePem);
    expect(bundle).toEqual([
      ...splitPemCertificates(m0.caCertPem),
      ...splitPemCertificates(m1.caCertPem),
    ]);
    // A replica still serving the old leaf and one serving the new leaf are both trusted.
    // (Handshakes run at real time, so use material valid now.)
    const live0 = rotate(undefined, new Date());
    const live1 = applyRotation(
      live0,
      { renewCa: true, renewLeaf: true, reasons: [] },
      {
        hosts: HOSTS,
        now: new Date(),
        generator,
        previousBundlePem: live0.caBundlePem,
      },
    );
    const sni = 'vault-agent-injector-svc.vault.svc';
    const serving = (m: CertMaterial): { certPem: string; keyPem: string; caPem: string } => ({
      certPem: m.certPem,
      keyPem: m.keyPem,
      caPem: m.caBundlePem,
    });
    expect(await handshake(serving(live0), live1.caBundlePem, sni)).toEqual({ authorized: true });
    expect(await handshake(serving(live1), live1.caBundlePem, sni)).toEqual({ authorized: true });
    const rejected = await handshake(serving(live1), live0.caBundlePem, sni);
    expect(rejected.authorized).toBe(false);
  });
});
