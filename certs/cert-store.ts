// Where the auto-TLS material lives. Without leader election it is process memory (each replica
// would generate its own; vault-k8s does the same). With leader election it is the Secret
// `vault-injector-certs`, written only by the leader and read by everyone.
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import type { CertMaterial } from './rotation.js';
import { isConflict, isNotFound } from './kube-client.js';

export const DEFAULT_CERT_SECRET_NAME = 'vault-injector-certs';

/** Data keys: `cert`/`key` as vault-k8s writes them, plus the CA so a new leader keeps it. */
export const SECRET_KEYS = Object.freeze({
  cert: 'cert',
  key: 'key',
  caCert: 'ca.crt',
  caKey: 'ca.key',
  caBundle: 'ca-bundle.crt',
  /** Only while CAs taken over from vault-k8s stay in the bundle (certs/inherited-cas.ts). */
  inheritedCas: 'inherited-ca.crt',
  inheritedUntil: 'inherited-until',
});

/** A serving pair without our CA: what vault-k8s stores (only `cert` and `key`). */
export interface ServingPair {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface LoadedMaterial {
  /** Undefined when the store exists but holds no (complete) material, e.g. a pre-created Secret. */
  readonly material: CertMaterial | undefined;
  /** `cert`/`key` when the store holds them but not our complete material (vault-k8s wrote it). */
  readonly pair?: ServingPair;
  /** Opaque version for the next save's compare-and-swap; undefined = does not exist yet. */
  readonly version: string | undefined;
}

export interface CertStore {
  load(): Promise<LoadedMaterial>;
  /** Writes `material` if the store is still at `version`; false when someone else wrote first. */
  save(material: CertMaterial, version: string | undefined): Promise<boolean>;
}

export class MemoryCertStore implements CertStore {
  private material: CertMaterial | undefined;

  load(): Promise<LoadedMaterial> {
    return Promise.resolve({
      material: this.material,
      version: this.material ? 'memory' : undefined,
    });
  }

  save(material: CertMaterial): Promise<boolean> {
    this.material = material;
    return Promise.resolve(true);
  }
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function unb64(s: string | undefined): string {
  return s ? Buffer.from(s, 'base64').toString('utf8') : '';
}

export function materialFromSecretData(
  data: Record<string, string> | undefined,
): CertMaterial | undefined {
  const get = (k: string): string => unb64(data?.[k]);
  const m = {
    certPem: get(SECRET_KEYS.cert),
    keyPem: get(SECRET_KEYS.key),
    caCertPem: get(SECRET_KEYS.caCert),
    caKeyPem: get(SECRET_KEYS.caKey),
    caBundlePem: get(SECRET_KEYS.caBundle) || get(SECRET_KEYS.caCert),
  };
  if (!Object.values(m).every((v) => v !== '')) return undefined;
  const casPem = get(SECRET_KEYS.inheritedCas);
  const until = get(SECRET_KEYS.inheritedUntil);
  return casPem !== '' && until !== '' ? { ...m, inherited: { casPem, until } } : m;
}

/** The bare `cert`/`key` of a Secret that lacks the rest of our material, if both are there. */
export function pairFromSecretData(
  data: Record<string, string> | undefined,
): ServingPair | undefined {
  const certPem = unb64(data?.[SECRET_KEYS.cert]);
  const keyPem = unb64(data?.[SECRET_KEYS.key]);
  return certPem !== '' && keyPem !== '' ? { certPem, keyPem } : undefined;
}

export function secretDataFromMaterial(m: CertMaterial): Record<string, string> {
  return {
    [SECRET_KEYS.cert]: b64(m.certPem),
    [SECRET_KEYS.key]: b64(m.keyPem),
    [SECRET_KEYS.caCert]: b64(m.caCertPem),
    [SECRET_KEYS.caKey]: b64(m.caKeyPem),
    [SECRET_KEYS.caBundle]: b64(m.caBundlePem),
    ...(m.inherited
      ? {
          [SECRET_KEYS.inheritedCas]: b64(m.inherited.casPem),
          [SECRET_KEYS.inheritedUntil]: b64(m.inherited.until),
        }
      : {}),
  };
}

export class SecretCertStore implements CertStore {
  constructor(
    private readonly core: CoreV1Api,
    private readonly namespace: string,
    readonly name: string = DEFAULT_CERT_SECRET_NAME,
  ) {}

  async load(): Promise<LoadedMaterial> {
    try {
      const s = await this.core.readNamespacedSecret({
        name: this.name,
        namespace: this.namespace,
      });
      const material = materialFromSecretData(s.data);
      const pair = material ? undefined : pairFromSecretData(s.data);
      return { material, ...(pair ? { pair } : {}), version: s.metadata?.resourceVersion ?? '' };
    } catch (err) {
      if (isNotFound(err)) return { material: undefined, version: undefined };
      throw err;
    }
  }

  async save(material: CertMaterial, version: string | undefined): Promise<boolean> {
    const body: V1Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: this.name, ...(version ? { resourceVersion: version } : {}) },
      data: secretDataFromMaterial(material),
    };
    try {
      if (version === undefined) {
        await this.core.createNamespacedSecret({ namespace: this.namespace, body });
      } else {
        await this.replaceKeepingMetadata(body, version);
      }
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  private async replaceKeepingMetadata(body: V1Secret, version: string): Promise<void> {
    // Keep labels/annotations/type of a pre-created Secret (the chart creates it empty).
    const current = await this.core.readNamespacedSecret({
      name: this.name,
      namespace: this.namespace,
    });
    await this.core.replaceNamespacedSecret({
      name: this.name,
      namespace: this.namespace,
      body: {
        ...current,
        metadata: { ...current.metadata, resourceVersion: version },
        data: body.data,
        type: current.type ?? body.type,
      },
    });
  }
}
