// Creates a CA and a serving certificate signed by it (dev certificates, `certs generate`, tests,
// and the auto-TLS source). Keys come from Node's crypto: forge's pure-JS RSA keygen takes seconds.
import { generateKeyPair, generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { DAY_MS, DEFAULT_CA_VALIDITY_DAYS, DEFAULT_SERVING_VALIDITY_DAYS } from './lifetimes.js';

export interface PemPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** An RSA key pair as PEM (SPKI public, PKCS#8 private). */
export interface RsaKeyPairPem {
  readonly publicKey: string;
  readonly privateKey: string;
}

export interface CAOptions {
  readonly commonName?: string;
  readonly validityDays?: number;
  readonly now?: Date;
  /** A key made beforehand (see generateRsaKeyPair); a new one is made synchronously otherwise. */
  readonly keyPair?: RsaKeyPairPem;
}

export interface ServingCertOptions {
  /** DNS names and IP addresses; each entry that parses as an IP becomes an IP SAN. */
  readonly hosts: readonly string[];
  readonly validityDays?: number;
  readonly now?: Date;
  readonly commonName?: string;
  readonly keyPair?: RsaKeyPairPem;
}

export const DEFAULT_CA_COMMON_NAME = 'vault-injector CA';
// Clock skew between the injector and the API server must not make a fresh cert "not yet valid".
const BACKDATE_MS = 60 * 1000;

interface ForgeKeys {
  readonly privateKey: forge.pki.rsa.PrivateKey;
  readonly publicKey: forge.pki.rsa.PublicKey;
  readonly keyPem: string;
}

const RSA_OPTIONS = {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const;

/**
 * A key pair made on libuv's thread pool: RSA generation takes up to a second on a small node,
 * and a serving process must not stall its event loop (and /mutate) that long at each rotation.
 */
export function generateRsaKeyPair(): Promise<RsaKeyPairPem> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', RSA_OPTIONS, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve({ publicKey, privateKey });
    });
  });
}

function newRsaKeys(given?: RsaKeyPairPem): ForgeKeys {
  const { privateKey, publicKey } = given ?? generateKeyPairSync('rsa', RSA_OPTIONS);
  return {
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    // Keep Node's PKCS#8 PEM as is: Node and Go both read it.
    keyPem: privateKey,
  };
}

function serialNumber(): string {
  // Positive 128-bit serial: clear the top bit so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function checkDays(days: number): number {
  if (!Number.isFinite(days) || days <= 0) {
    throw new Error(`validity must be a positive number of days, got ${days}`);
  }
  return days;
}

function validity(cert: forge.pki.Certificate, now: Date, days: number): void {
  // Short test lifetimes get a proportionally short backdate, or the certificate would be
  // due for renewal (at 2/3 of notBefore..notAfter) the moment it is made.
  const backdate = Math.min(BACKDATE_MS, (days * DAY_MS) / 4);
  cert.validity.notBefore = new Date(now.getTime() - backdate);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
}

export function generateCA(opts: CAOptions = {}): PemPair {
  const days = checkDays(opts.validityDays ?? DEFAULT_CA_VALIDITY_DAYS);
  const keys = newRsaKeys(opts.keyPair);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, opts.now ?? new Date(), days);
  const subject = [{ name: 'commonName', value: opts.commonName ?? DEFAULT_CA_COMMON_NAME }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

function altNames(hosts: readonly string[]): { type: number; value?: string; ip?: string }[] {
  // GeneralName types: 2 = dNSName, 7 = iPAddress.
  return hosts.map((h) => (isIP(h) !== 0 ? { type: 7, ip: h } : { type: 2, value: h }));
}

export function generateServingCert(ca: PemPair, opts: ServingCertOptions): PemPair {
  const hosts = opts.hosts.map((h) => h.trim()).filter((h) => h !== '');
  if (hosts.length === 0) {
    throw new Error('a serving certificate needs at least one host');
  }
  const days = checkDays(opts.validityDays ?? DEFAULT_SERVING_VALIDITY_DAYS);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = newRsaKeys(opts.keyPair);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, opts.now ?? new Date(), days);
  cert.setSubject([{ name: 'commonName', value: opts.commonName ?? hosts[0] }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: altNames(hosts) },
    { name: 'subjectKeyIdentifier' },
    // forge computes the AKI key id from the CA certificate's public key.
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}
