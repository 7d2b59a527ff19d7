// Reads a certificate/key (and optional CA) from disk and proves they belong together, so a
// half-written Secret update is never served.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ServingCertificate } from './source.js';
import { toError } from '../patches/to-error.js';

export interface CertificateFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Optional; '' when not configured. */
  readonly caFile: string;
}

async function read(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${what} ${path}: ${toError(err).message}`, { cause: err });
  }
}

function parseCert(pem: string, what: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new Error(`${what} ${path} is not a PEM certificate: ${toError(err).message}`, {
      cause: err,
    });
  }
}

/** Checks a PEM pair: the first certificate must be the one the key signs for. */
export function checkPair(cert: ServingCertificate, files: CertificateFiles): void {
  const leaf = parseCert(cert.certPem, 'certificate', files.certFile);
  let key;
  try {
    key = createPrivateKey(cert.keyPem);
  } catch (err) {
    throw new Error(`key ${files.keyFile} is not a PEM private key: ${toError(err).message}`, {
      cause: err,
    });
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new Error(`key ${files.keyFile} does not match certificate ${files.certFile}`);
  }
  if (cert.caPem !== '') parseCert(cert.caPem, 'CA certificate', files.caFile);
}

export async function loadCertificateFiles(files: CertificateFiles): Promise<ServingCertificate> {
  const results = await Promise.allSettled([
    read(files.certFile, 'certificate'),
    read(files.keyFile, 'key'),
    files.caFile === '' ? Promise.resolve('') : read(files.caFile, 'CA certificate'),
  ]);
  // Report the first failure in a fixed order (cert, key, CA) so the message does not flap.
  const [certPem, keyPem, caPem] = results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  }) as [string, string, string];
  const cert = { certPem, keyPem, caPem };
  checkPair(cert, files);
  return cert;
}
