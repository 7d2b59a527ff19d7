// What a replica holds as certificate material, compared and classified without any I/O: ours
// (with a CA we can rotate with) or a pair vault-k8s stored (served as it is, never re-stored).
import type { ServingPair } from './cert-store.js';
import type { CertMaterial } from './rotation.js';

export function sameMaterial(a: CertMaterial | undefined, b: CertMaterial): boolean {
  return a?.certPem === b.certPem && a.keyPem === b.keyPem && a.caBundlePem === b.caBundlePem;
}

/** A pair stored by vault-k8s, as material without a CA of ours (served, never re-stored). */
export function pairMaterial(pair: ServingPair): CertMaterial {
  return { ...pair, caCertPem: '', caKeyPem: '', caBundlePem: '' };
}

/** Material with our CA (not a pair vault-k8s stored). */
export function isOwn(m: CertMaterial): boolean {
  return m.caKeyPem !== '';
}
