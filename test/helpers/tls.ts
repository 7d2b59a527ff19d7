// One CA and serving certificate per test process (RSA key generation costs ~100 ms each).
import { generateCA, generateServingCert, type PemPair } from '../../certs/generate.js';

export interface TestPki {
  readonly ca: PemPair;
  readonly serving: PemPair;
}

let cached: TestPki | undefined;

export const TEST_HOSTS = ['127.0.0.1', 'localhost'] as const;

export function testPki(): TestPki {
  cached ??= (() => {
    const ca = generateCA({ commonName: 'vault-injector test CA' });
    return { ca, serving: generateServingCert(ca, { hosts: [...TEST_HOSTS] }) };
  })();
  return cached;
}

/** A fresh pair from a fresh CA, for "the certificate changed" checks. */
export function freshPki(): TestPki {
  const ca = generateCA({ commonName: 'vault-injector test CA 2' });
  return { ca, serving: generateServingCert(ca, { hosts: [...TEST_HOSTS] }) };
}
