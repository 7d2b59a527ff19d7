// Whether the certificate the injector serves (as stored in its certificate Secret) is one the API
// server accepts: signed by a CA in each webhook's caBundle, and not expired.
import { X509Certificate } from 'node:crypto';
import { bundleTrusts, decodeCaBundle } from '../../certs/bundle.js';
import { finding, objectName, type DoctorFinding } from './findings.js';
import { field, text, type Obj } from './k8s-objects.js';
import { caBundleOf, injectorWebhooks } from './webhooks.js';

export interface CaBundleInput {
  readonly configName: string;
  readonly config: Obj;
  readonly secretRef: { readonly namespace: string; readonly name: string };
  readonly secret: Obj;
  readonly now: Date;
}

/** `cert` is the key the injector writes (certs/cert-store.ts); `tls.crt` is cert-manager's. */
function servingCertPem(secret: Obj): string {
  const data = field(secret, 'data');
  const b64 = text(data, 'cert') || text(data, 'tls.crt');
  return Buffer.from(b64, 'base64').toString('utf8');
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

const HINT =
  'let the injector re-patch caBundle (restart it with --tls-auto), or let cert-manager renew the certificate; with your own certificates put the CA that signed them in caBundle';

function expired(input: CaBundleInput, cert: X509Certificate): DoctorFinding[] {
  const validTo = new Date(cert.validTo);
  if (validTo.getTime() > input.now.getTime()) return [];
  const { namespace, name } = input.secretRef;
  return [
    finding('cabundle-mismatch', {
      object: objectName('Secret', namespace, name),
      message: `The injector's serving certificate expired on ${validTo.toISOString()}, so the API server refuses to call it.`,
      hint: HINT,
    }),
  ];
}

function untrusted(input: CaBundleInput, pem: string): DoctorFinding[] {
  const { namespace, name } = input.secretRef;
  return injectorWebhooks(input.config)
    .filter((w) => caBundleOf(w) !== '' && !bundleTrusts(decodeCaBundle(caBundleOf(w)), pem))
    .map((w) =>
      finding('cabundle-mismatch', {
        object: objectName('MutatingWebhookConfiguration', undefined, input.configName),
        message: `The serving certificate in ${objectName('Secret', namespace, name)} does not verify against the caBundle of webhook ${text(w, 'name')}, so the API server refuses the injector's TLS.`,
        hint: HINT,
      }),
    );
}

/** Empty webhooks are cabundle-empty's; a Secret without a certificate (pre-created) is skipped. */
export function checkCaBundle(input: CaBundleInput): DoctorFinding[] {
  const pem = servingCertPem(input.secret);
  if (pem.trim() === '') return [];
  const cert = parse(pem);
  if (cert === undefined) {
    const { namespace, name } = input.secretRef;
    return [
      finding('cabundle-mismatch', {
        object: objectName('Secret', namespace, name),
        message: `${objectName('Secret', namespace, name)} holds no readable PEM certificate under "cert".`,
        hint: HINT,
      }),
    ];
  }
  return [...expired(input, cert), ...untrusted(input, pem)];
}
