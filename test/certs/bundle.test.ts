import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bundleTrusts,
  decodeCaBundle,
  encodeCaBundle,
  findIssuer,
  mergeCaBundle,
  splitPemCertificates,
} from '../../certs/bundle.js';
import { generateCA, generateServingCert } from '../../certs/generate.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const DAY = 24 * 3600 * 1000;
const caA = generateCA({ now: NOW });
const caB = generateCA({ now: NOW });
const caC = generateCA({ now: NOW });
const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('mergeCaBundle', () => {
  it('starts with just the new CA when nothing was trusted before', () => {
    expect(splitPemCertificates(mergeCaBundle('', caA.certPem, NOW)).map(fp)).toEqual([
      fp(caA.certPem),
    ]);
  });

  it('keeps the previous CA in front of the new one on a CA change', () => {
    const merged = mergeCaBundle(caA.certPem, caB.certPem, NOW);
    expect(splitPemCertificates(merged).map(fp)).toEqual([fp(caA.certPem), fp(caB.certPem)]);
  });

  it('holds at most two CAs: the latest previous one and the new one', () => {
    const twoCas = mergeCaBundle(caA.certPem, caB.certPem, NOW);
    const merged = mergeCaBundle(twoCas, caC.certPem, NOW);
    expect(splitPemCertificates(merged).map(fp)).toEqual([fp(caB.certPem), fp(caC.certPem)]);
  });

  it('does not duplicate a CA that is already current', () => {
    const merged = mergeCaBundle(caA.certPem, caA.certPem, NOW);
    expect(splitPemCertificates(merged)).toHaveLength(1);
  });

  it('drops expired and unparsable previous entries', () => {
    const old = generateCA({ now: new Date(NOW.getTime() - 20 * DAY), validityDays: 10 });
    const junk = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n';
    expect(splitPemCertificates(mergeCaBundle(old.certPem, caA.certPem, NOW))).toHaveLength(1);
    expect(splitPemCertificates(mergeCaBundle(junk, caA.certPem, NOW))).toHaveLength(1);
    expect(splitPemCertificates(mergeCaBundle('garbage', caA.certPem, NOW))).toHaveLength(1);
  });
});

describe('findIssuer / bundleTrusts', () => {
  const leafB = generateServingCert(caB, { hosts: ['svc.ns.svc'], now: NOW });

  it('finds the CA that signed a leaf among several with the same subject', () => {
    const bundle = mergeCaBundle(caA.certPem, caB.certPem, NOW);
    expect(findIssuer(bundle, leafB.certPem)?.fingerprint256).toBe(fp(caB.certPem));
    expect(bundleTrusts(bundle, leafB.certPem)).toBe(true);
  });

  it('rejects a leaf whose CA is absent, and garbage', () => {
    expect(bundleTrusts(caA.certPem, leafB.certPem)).toBe(false);
    expect(bundleTrusts('', leafB.certPem)).toBe(false);
    expect(bundleTrusts(caB.certPem, 'not a cert')).toBe(false);
  });

  it('round-trips the base64 caBundle encoding', () => {
    const bundle = mergeCaBundle(caA.certPem, caB.certPem, NOW);
    expect(decodeCaBundle(encodeCaBundle(bundle))).toBe(bundle);
    expect(decodeCaBundle(undefined)).toBe('');
  });
});
