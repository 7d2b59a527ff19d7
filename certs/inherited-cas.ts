// Taking over from vault-k8s in place: until every replica has moved to our leaf, some still serve
// the leaf vault-k8s left in the Secret, and clients trust what the caBundle held before our first
// patch. So the new leader's bundle keeps every CA it found there next to ours until that leaf
// expires (nothing can serve it afterwards), then drops them. Pure: `now` is passed in.
import { X509Certificate } from 'node:crypto';
import { splitPemCertificates } from './bundle.js';
import type { CertMaterial, InheritedCas } from './rotation.js';

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function prints(pem: string | undefined): Set<string> {
  return new Set(
    splitPemCertificates(pem ?? '')
      .map((p) => parse(p)?.fingerprint256)
      .filter((p): p is string => p !== undefined),
  );
}

/**
 * What to inherit when taking over: the still-valid CAs of the bundle clients trust now, until the
 * left-behind leaf's notAfter. Undefined when no leaf was left (or it has expired already).
 */
export function inheritFrom(
  currentBundlePem: string,
  leftLeafPem: string | undefined,
  now: Date,
): InheritedCas | undefined {
  const leaf = leftLeafPem ? parse(leftLeafPem) : undefined;
  if (!leaf) return undefined;
  const until = new Date(leaf.validTo);
  if (until.getTime() <= now.getTime()) return undefined;
  const cas = splitPemCertificates(currentBundlePem).filter((pem) => {
    const ca = parse(pem);
    return ca !== undefined && new Date(ca.validTo).getTime() > now.getTime();
  });
  return cas.length > 0 ? { casPem: cas.join(''), until: until.toISOString() } : undefined;
}

export function inheritedExpired(m: CertMaterial, now: Date): boolean {
  return m.inherited !== undefined && new Date(m.inherited.until).getTime() <= now.getTime();
}

/**
 * `m` with `inherited` applied: its own CAs (anything inherited before removed) preceded by the
 * inherited ones while they are due; once expired (or with none), its own CAs only.
 */
export function withInherited(
  m: CertMaterial,
  inherited: InheritedCas | undefined,
  now: Date,
): CertMaterial {
  const foreign = new Set([...prints(inherited?.casPem), ...prints(m.inherited?.casPem)]);
  // Our signing CA is never foreign, whatever the bundle held when we took over.
  for (const fp of prints(m.caCertPem)) foreign.delete(fp);
  const own = splitPemCertificates(m.caBundlePem).filter((pem) => {
    const fp = parse(pem)?.fingerprint256;
    return fp === undefined || !foreign.has(fp);
  });
  const rest: CertMaterial = {
    caCertPem: m.caCertPem,
    caKeyPem: m.caKeyPem,
    caBundlePem: m.caBundlePem,
    certPem: m.certPem,
    keyPem: m.keyPem,
  };
  if (!inherited || new Date(inherited.until).getTime() <= now.getTime()) {
    return { ...rest, caBundlePem: own.join('') };
  }
  const ownPrints = prints(own.join(''));
  const kept = splitPemCertificates(inherited.casPem).filter(
    (pem) => !ownPrints.has(parse(pem)?.fingerprint256 ?? ''),
  );
  return { ...rest, caBundlePem: [...kept, ...own].join(''), inherited };
}
