// --listen parsing and TLS settings (min version, Go cipher-suite names).
import { describe, expect, it } from 'vitest';
import {
  parseCipherSuites,
  parseTlsMinVersion,
  secureContextOptions,
} from '../../certs/tls-options.js';
import { parseListenAddress } from '../../webhook/listen-address.js';
import { selectCertificateSource, CertificateConfigError } from '../../certs/select-source.js';
import { FileCertificateSource } from '../../certs/file-source.js';
import { DEFAULT_SERVER_CONFIG } from '../../webhook/server-config.js';

describe('parseListenAddress', () => {
  it.each([
    [':8080', undefined, 8080],
    ['127.0.0.1:8443', '127.0.0.1', 8443],
    ['[::1]:8443', '::1', 8443],
    ['localhost:0', 'localhost', 0],
    ['0.0.0.0:65535', '0.0.0.0', 65535],
  ])('%s', (input, host, port) => {
    expect(parseListenAddress(input)).toEqual({ host, port });
  });

  it.each(['8080', ':', ':http', ':70000', '::1:8080', '[::1]8080', '[nope]:1', 'host:'])(
    'rejects %s',
    (input) => {
      expect(() => parseListenAddress(input)).toThrow(
        `invalid listen address ${JSON.stringify(input)}`,
      );
    },
  );
});

describe('TLS options', () => {
  it('maps tls10..tls13', () => {
    expect(['tls10', 'tls11', 'tls12', 'tls13'].map(parseTlsMinVersion)).toEqual([
      'TLSv1',
      'TLSv1.1',
      'TLSv1.2',
      'TLSv1.3',
    ]);
    expect(() => parseTlsMinVersion('TLS12')).toThrow('invalid or unsupported TLS version "TLS12"');
  });

  it('maps Go cipher-suite names and keeps TLS 1.3 suites available', () => {
    expect(parseCipherSuites('')).toBeUndefined();
    expect(
      parseCipherSuites(
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
      ),
    ).toBe(
      'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256',
    );
    expect(parseCipherSuites('TLS_AES_128_GCM_SHA256,ECDHE-RSA-AES256-GCM-SHA384')).toBe(
      'TLS_AES_128_GCM_SHA256:ECDHE-RSA-AES256-GCM-SHA384',
    );
    expect(() => parseCipherSuites('TLS_RSA_WITH_RC4_128_SHA')).toThrow(
      'failed to parse TLS cipher suites list "TLS_RSA_WITH_RC4_128_SHA": unsupported cipher "TLS_RSA_WITH_RC4_128_SHA"',
    );
  });

  it('builds secure-context options from a certificate and settings', () => {
    const opts = secureContextOptions(
      { certPem: 'C', keyPem: 'K', caPem: '' },
      { minVersion: 'TLSv1.3', ciphers: undefined },
    );
    expect(opts).toEqual({ cert: 'C', key: 'K', minVersion: 'TLSv1.3' });
  });
});

describe('selectCertificateSource', () => {
  const base = DEFAULT_SERVER_CONFIG;
  it('uses files when both are given', async () => {
    await expect(
      selectCertificateSource({ ...base, tlsCertFile: 'a', tlsKeyFile: 'b' }),
    ).resolves.toBeInstanceOf(FileCertificateSource);
  });
  it('explains what is missing', async () => {
    await expect(selectCertificateSource({ ...base, tlsCertFile: 'a' })).rejects.toThrow(
      CertificateConfigError,
    );
    await expect(selectCertificateSource({ ...base, tlsAuto: 'cfg' })).rejects.toThrow(
      /--tls-auto/,
    );
    await expect(selectCertificateSource(base)).rejects.toThrow(/--tls-cert-file/);
  });
});
