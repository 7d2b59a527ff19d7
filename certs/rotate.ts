// One rotation of the auto-TLS material, logged: the default generator makes its RSA keys off the
// event loop first (generateRsaKeyPair), so a rotation does not stall the /mutate requests this
// process is serving.
import { X509Certificate } from 'node:crypto';
import { splitPemCertificates } from './bundle.js';
import type { CertLogger } from './cert-logger.js';
import { generateCA, generateRsaKeyPair, generateServingCert } from './generate.js';
import {
  applyRotation,
  renewalTime,
  type CertGenerator,
  type CertMaterial,
  type RotationPlan,
} from './rotation.js';

async function pregeneratedKeys(
  m: CertMaterial | undefined,
  plan: RotationPlan,
): Promise<CertGenerator> {
  const needCa = !m || plan.renewCa;
  const [caKeys, leafKeys] = await Promise.all([
    needCa ? generateRsaKeyPair() : Promise.resolve(undefined),
    generateRsaKeyPair(),
  ]);
  return {
    generateCA: (o) => generateCA({ ...o, ...(caKeys ? { keyPair: caKeys } : {}) }),
    generateServingCert: (ca, o) => generateServingCert(ca, { ...o, keyPair: leafKeys }),
  };
}

export interface RotateSettings {
  readonly hosts: readonly string[];
  readonly now: Date;
  /** What clients trust today (see applyRotation). */
  readonly previousBundlePem: string;
  readonly leafValidityDays?: number;
  readonly caValidityDays?: number;
  /** Tests pass a fast generator; by default keys are made on the thread pool. */
  readonly generator?: CertGenerator;
  readonly logger: CertLogger;
}

export async function rotateLogged(
  m: CertMaterial | undefined,
  plan: RotationPlan,
  settings: RotateSettings,
): Promise<CertMaterial> {
  const started = performance.now();
  const next = applyRotation(m, plan, {
    hosts: settings.hosts,
    now: settings.now,
    previousBundlePem: settings.previousBundlePem,
    leafValidityDays: settings.leafValidityDays,
    caValidityDays: settings.caValidityDays,
    generator: settings.generator ?? (await pregeneratedKeys(m, plan)),
  });
  const leaf = new X509Certificate(next.certPem);
  settings.logger.info(
    {
      reasons: plan.reasons,
      newCa: plan.renewCa,
      caSerial: new X509Certificate(next.caCertPem).serialNumber,
      serial: leaf.serialNumber,
      notAfter: leaf.validTo,
      renewAt: renewalTime(next.certPem).toISOString(),
      bundleCas: splitPemCertificates(next.caBundlePem).length,
      generateMs: Math.round(performance.now() - started),
    },
    plan.renewCa ? 'generated new CA and serving certificate' : 'rotated serving certificate',
  );
  return next;
}
