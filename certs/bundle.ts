// The CA bundle clients (the API server) trust: at most the previous CA plus the current one, so a
// CA change never leaves a replica serving a certificate from a CA the API server does not know.
import { X509Certificate } from 'node:crypto';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The CERTIFICATE blocks of a PEM text, in order, LF line ends; other block types are ignored. */
export function splitPemCertificates(pem: string): string[] {
  return (pem.match(CERT_BLOCK) ?? []).map((block) => `${block.replace(/\r\n/g, '\n')}\n`);
}

function tryParse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function isExpired(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validTo).getTime() <= now.getTime();
}

/**
 * The bundle after `newCaPem` becomes the signing CA: the most recent still-valid CA of the
 * previous bundle (if it is a different certificate) followed by the new CA. Unparsable or
 * expired entries are dropped rather than failing: they trust nothing useful.
 */
export function mergeCaBundle(previousBundlePem: string, newCaPem: string, now: Date): string {
  const fresh = new X509Certificate(newCaPem);
  const kept = splitPemCertificates(previousBundlePem)
    .map((pem) => ({ pem, cert: tryParse(pem) }))
    .filter((e) => e.cert !== undefined && !isExpired(e.cert, now))
    .filter((e) => e.cert?.fingerprint256 !== fresh.fingerprint256);
  const previous = kept.at(-1);
  return [...(previous ? [previous.pem] : []), ...splitPemCertificates(newCaPem)].join('');
}

/** At most this many CAs in a merged bundle (one per replica running without leader election). */
export const MAX_MERGED_CAS = 8;

/**
 * `ours` added to what a webhook already trusts, for replicas without leader election: each keeps
 * its own CA, so replacing the bundle would make replicas take turns overwriting each other. Expired
 * and unparsable entries are dropped; the oldest others go first past MAX_MERGED_CAS. Returns the
 * current bundle unchanged when it already holds every CA of `ours` (so nothing is patched).
 */
export function unionCaBundle(currentPem: string, oursPem: string, now: Date): string {
  const ours = splitPemCertificates(oursPem);
  const oursPrints = new Set(ours.map((pem) => tryParse(pem)?.fingerprint256));
  const current = splitPemCertificates(currentPem).map((pem) => ({ pem, cert: tryParse(pem) }));
  const currentPrints = new Set(current.map((e) => e.cert?.fingerprint256));
  if ([...oursPrints].every((p) => currentPrints.has(p))) return currentPem;
  const others = current
    .filter((e) => e.cert !== undefined && !isExpired(e.cert, now))
    .filter((e) => !oursPrints.has(e.cert?.fingerprint256))
    .map((e) => e.pem);
  const room = Math.max(0, MAX_MERGED_CAS - ours.length);
  return [...others.slice(Math.max(0, others.length - room)), ...ours].join('');
}

/** The CA in `bundlePem` whose key signed `leafPem`, if any. */
export function findIssuer(bundlePem: string, leafPem: string): X509Certificate | undefined {
  const leaf = tryParse(leafPem);
  if (!leaf) return undefined;
  return splitPemCertificates(bundlePem)
    .map(tryParse)
    .find((ca) => ca !== undefined && leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
}

/** True when a client trusting `bundlePem` accepts the chain of `leafPem` (one level). */
export function bundleTrusts(bundlePem: string, leafPem: string): boolean {
  return findIssuer(bundlePem, leafPem) !== undefined;
}

/** clientConfig.caBundle is base64 of the PEM text (a []byte field in the Kubernetes API). */
export function encodeCaBundle(bundlePem: string): string {
  return Buffer.from(bundlePem, 'utf8').toString('base64');
}

export function decodeCaBundle(caBundle: string | undefined): string {
  return caBundle ? Buffer.from(caBundle, 'base64').toString('utf8') : '';
}
