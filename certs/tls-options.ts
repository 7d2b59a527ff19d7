// -tls-min-version and -tls-cipher-suites (Go names, as vault-helm passes them) turned into Node's
// secure-context options. Validated once at startup so a typo exits 1 before listening.
import { getCiphers, type SecureContextOptions, type SecureVersion } from 'node:tls';
import type { ServingCertificate } from './source.js';

/** The lowest TLS version the server accepts, as the --tls-min-version flag spells it. */
export type TlsMinVersion = 'tls10' | 'tls11' | 'tls12' | 'tls13';

export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

const MIN_VERSIONS: Readonly<Record<TlsMinVersion, SecureVersion>> = {
  tls10: 'TLSv1',
  tls11: 'TLSv1.1',
  tls12: 'TLSv1.2',
  tls13: 'TLSv1.3',
};

// Go crypto/tls suite name → OpenSSL name. RC4 suites are left out: OpenSSL 3 has none.
const GO_CIPHER_NAMES: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_AES_128_GCM_SHA256: 'TLS_AES_128_GCM_SHA256',
  TLS_AES_256_GCM_SHA384: 'TLS_AES_256_GCM_SHA384',
  TLS_CHACHA20_POLY1305_SHA256: 'TLS_CHACHA20_POLY1305_SHA256',
};

// Go never lets the list restrict TLS 1.3; keep Node's 1.3 suites unless some were named.
const TLS13_DEFAULTS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
];

export interface TlsSettings {
  readonly minVersion: SecureVersion;
  /** OpenSSL cipher list, or undefined for Node's defaults. */
  readonly ciphers: string | undefined;
}

export function parseTlsMinVersion(value: string): SecureVersion {
  const v = MIN_VERSIONS[value as TlsMinVersion];
  if (v === undefined) {
    throw new TlsConfigError(
      `Failed to configure TLS: invalid or unsupported TLS version ${JSON.stringify(value)}`,
    );
  }
  return v;
}

function toOpenSslName(name: string, list: string): string {
  const mapped = GO_CIPHER_NAMES[name];
  if (mapped !== undefined) return mapped;
  // Also take OpenSSL spellings, which is what someone reading Node's docs will type.
  if (getCiphers().includes(name.toLowerCase())) return name.toUpperCase();
  throw new TlsConfigError(
    `failed to parse TLS cipher suites list ${JSON.stringify(list)}: unsupported cipher ${JSON.stringify(name)}`,
  );
}

export function parseCipherSuites(list: string): string | undefined {
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) return undefined;
  const suites = names.map((n) => toOpenSslName(n, list));
  const has13 = suites.some((s) => s.startsWith('TLS_'));
  return (has13 ? suites : [...suites, ...TLS13_DEFAULTS]).join(':');
}

export function resolveTlsSettings(minVersion: string, cipherSuites: string): TlsSettings {
  return { minVersion: parseTlsMinVersion(minVersion), ciphers: parseCipherSuites(cipherSuites) };
}

/** Options for https.createServer and server.setSecureContext: same settings on every swap. */
export function secureContextOptions(
  cert: ServingCertificate,
  tls: TlsSettings,
): SecureContextOptions {
  return {
    cert: cert.certPem,
    key: cert.keyPem,
    minVersion: tls.minVersion,
    ...(tls.ciphers === undefined ? {} : { ciphers: tls.ciphers }),
  };
}
