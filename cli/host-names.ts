// What `certs generate --hosts` accepts as a subject alternative name: an IPv4 or IPv6 address, or
// a DNS name as RFC 1123 has it (labels of letters, digits and inner hyphens, up to 63 characters
// each and 253 in all), optionally a wildcard `*` as its first label.
import { isIP } from 'node:net';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const ACCEPTED_HOSTS =
  'DNS names (RFC 1123: letters, digits and inner hyphens, e.g. vault-injector.vault.svc), ' +
  'a wildcard as the first label (*.example.com), or IPv4/IPv6 addresses';

export function isValidHost(host: string): boolean {
  if (isIP(host) !== 0) return true;
  if (host.length > 253) return false;
  const labels = host.split('.');
  // A lone "*" names no domain: a certificate verifier never matches it.
  if (labels[0] === '*') return labels.length > 1 && labels.slice(1).every((l) => LABEL.test(l));
  return labels.every((l) => LABEL.test(l));
}
