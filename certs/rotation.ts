// When to replace the CA and the serving certificate, and the replacement itself. Pure apart from
// key generation (injected), with `now` passed in so tests can step through a certificate's life.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import { findIssuer, mergeCaBundle } from './bundle.js';
import type { generateCA, generateServingCert } from './generate.js';
import { DEFAULT_SERVING_VALIDITY_DAYS } from './lifetimes.js';

/** A certificate is renewed once this fraction of its lifetime has passed. */
export const RENEW_FRACTION = 2 / 3;
// One source for the defaults: what `certs generate` and auto-TLS make must agree.

/**
 * CAs taken over from another injector (vault-k8s) with the leaf it left in the Secret: they stay
 * in the caBundle beside ours until `until` (that leaf's notAfter, ISO 8601).
 */
export interface InheritedCas {
  readonly casPem: string;
  readonly until: string;
}

/** Everything the auto-TLS source keeps, in memory or in the certificate Secret. */
export interface CertMaterial {
  readonly caCertPem: string;
  readonly caKeyPem: string;
  /** What clientConfig.caBundle must hold: previous CA (while still useful) + current CA. */
  readonly caBundlePem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** Present while caBundlePem also holds CAs inherited from another injector. */
  readonly inherited?: InheritedCas;
}

export interface CertGenerator {
  readonly generateCA: typeof generateCA;
  readonly generateServingCert: typeof generateServingCert;
}

export interface RotationPlan {
  readonly renewCa: boolean;
  readonly renewLeaf: boolean;
  /** Why, for the rotation log line. */
  readonly reasons: readonly string[];
}

export interface RotationSettings {
  readonly hosts: readonly string[];
  readonly now: Date;
  readonly leafValidityDays?: number;
  readonly caValidityDays?: number;
}

function validity(cert: X509Certificate): { from: number; to: number } {
  return { from: new Date(cert.validFrom).getTime(), to: new Date(cert.validTo).getTime() };
}

/** notBefore + two thirds of the lifetime. */
export function renewalTime(certPem: string): Date {
  const { from, to } = validity(new X509Certificate(certPem));
  return new Date(from + (to - from) * RENEW_FRACTION);
}

export function isRenewalDue(certPem: string, now: Date): boolean {
  return now.getTime() >= renewalTime(certPem).getTime();
}

/** True when the certificate's SANs are exactly `hosts` (DNS or IP, order ignored). */
export function coversExactly(certPem: string, hosts: readonly string[]): boolean {
  const cert = new X509Certificate(certPem);
  const wanted = [...new Set(hosts.map((h) => h.trim()).filter((h) => h !== ''))];
  const sanCount = (cert.subjectAltName ?? '').split(',').filter((s) => s.trim() !== '').length;
  const allMatch = wanted.every((h) =>
    isIP(h) !== 0
      ? cert.checkIP(h) !== undefined
      : cert.checkHost(h, { wildcards: false, subject: 'never' }) !== undefined,
  );
  return allMatch && sanCount === wanted.length;
}

/** True when `keyPem` is the private key of `certPem`. */
export function keyMatches(certPem: string, keyPem: string): boolean {
  try {
    return new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}

/** Material is usable when both key pairs match and the leaf was signed by the current CA. */
export function isConsistent(m: CertMaterial): boolean {
  if (!keyMatches(m.caCertPem, m.caKeyPem) || !keyMatches(m.certPem, m.keyPem)) return false;
  const issuer = findIssuer(m.caCertPem, m.certPem);
  return issuer !== undefined && findIssuer(m.caBundlePem, m.caCertPem) !== undefined;
}

function leafReasons(m: CertMaterial, settings: RotationSettings): string[] {
  const reasons: string[] = [];
  if (isRenewalDue(m.certPem, settings.now)) reasons.push('serving certificate past 2/3 of life');
  if (!coversExactly(m.certPem, settings.hosts)) reasons.push('serving certificate hosts changed');
  return reasons;
}

export function planRotation(
  m: CertMaterial | undefined,
  settings: RotationSettings,
): RotationPlan {
  if (!m) return { renewCa: true, renewLeaf: true, reasons: ['no certificate yet'] };
  if (!isConsistent(m)) {
    return { renewCa: true, renewLeaf: true, reasons: ['stored certificates inconsistent'] };
  }
  if (isRenewalDue(m.caCertPem, settings.now)) {
    // A new CA always brings a new leaf: the old leaf is signed by the old CA.
    return { renewCa: true, renewLeaf: true, reasons: ['CA past 2/3 of life'] };
  }
  const reasons = leafReasons(m, settings);
  return { renewCa: false, renewLeaf: reasons.length > 0, reasons };
}

/**
 * New material per `plan`. `previousBundlePem` (what clients trust today) keeps its latest CA next
 * to a new CA, so certificates of the old CA still served by other replicas stay trusted.
 */
export function applyRotation(
  m: CertMaterial | undefined,
  plan: RotationPlan,
  settings: RotationSettings & { previousBundlePem: string; generator: CertGenerator },
): CertMaterial {
  if (m && !plan.renewCa && !plan.renewLeaf) return m;
  const { now, hosts, generator } = settings;
  const ca =
    m && !plan.renewCa
      ? { certPem: m.caCertPem, keyPem: m.caKeyPem }
      : generator.generateCA({ now, validityDays: settings.caValidityDays });
  const caBundlePem =
    m && !plan.renewCa ? m.caBundlePem : mergeCaBundle(settings.previousBundlePem, ca.certPem, now);
  const leaf = generator.generateServingCert(ca, {
    hosts,
    now,
    validityDays: settings.leafValidityDays ?? DEFAULT_SERVING_VALIDITY_DAYS,
  });
  return {
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    caBundlePem,
    certPem: leaf.certPem,
    keyPem: leaf.keyPem,
  };
}

/** The earliest moment something in `m` needs renewing. */
export function nextRenewal(m: CertMaterial): Date {
  const leaf = renewalTime(m.certPem).getTime();
  const ca = renewalTime(m.caCertPem).getTime();
  return new Date(Math.min(leaf, ca));
}
