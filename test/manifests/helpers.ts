// Rendering and checking the kustomize manifests: `kubectl kustomize`, YAML 1.1 parsing (as kubectl
// reads it), schema validation with kubernetes-models, and small models of RBAC and label selectors.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
} from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

export const MANIFESTS_DIR = fileURLToPath(new URL('../../manifests/', import.meta.url));

export const hasKubectl: boolean =
  spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 20_000 }).status === 0;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

export interface Rendered {
  readonly objects: readonly KubeObject[];
  readonly stderr: string;
}

const renderCache = new Map<string, Rendered>();

/** `kubectl kustomize manifests/<dir>`, parsed; throws with kubectl's stderr on failure. */
export function render(dir: string): Rendered {
  const cached = renderCache.get(dir);
  if (cached) return cached;
  const res = spawnSync('kubectl', ['kustomize', `${MANIFESTS_DIR}${dir}`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (res.status !== 0) {
    throw new Error(`kubectl kustomize ${dir} failed (${String(res.status)}): ${res.stderr}`);
  }
  const rendered: Rendered = { objects: parseObjects(res.stdout), stderr: res.stderr };
  renderCache.set(dir, rendered);
  return rendered;
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text, { version: '1.1' }).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`document ${i}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (!isKubeObject(value)) throw new Error(`document ${i} is not a Kubernetes object`);
    return value;
  });
}

function isKubeObject(v: unknown): v is KubeObject {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  const meta = o['metadata'] as Record<string, unknown> | undefined;
  return (
    typeof o['apiVersion'] === 'string' &&
    typeof o['kind'] === 'string' &&
    typeof meta === 'object' &&
    meta !== null &&
    typeof meta['name'] === 'string'
  );
}

export const gvk = (o: KubeObject): string => `${o.apiVersion}/${o.kind}`;

export function find(objects: readonly KubeObject[], kind: string, name?: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

export function only(objects: readonly KubeObject[], kind: string, name?: string): KubeObject {
  const hits = find(objects, kind, name);
  if (hits.length !== 1) {
    throw new Error(`expected exactly one ${kind}${name ? ` ${name}` : ''}, got ${hits.length}`);
  }
  return hits[0]!;
}

// ---- schema validation ----

type ModelClass = new (data: never) => { validate(): void };

/** Every built-in kind the manifests may contain, with its kubernetes-models class. */
export const MODELS: Readonly<Record<string, ModelClass>> = {
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': MutatingWebhookConfiguration,
};

/** Kinds kubernetes-models does not cover; validated by hand (cert-manager's CRDs). */
export const CRD_VALIDATORS: Readonly<Record<string, (o: KubeObject) => string[]>> = {
  'cert-manager.io/v1/Issuer': validateIssuer,
  'cert-manager.io/v1/Certificate': validateCertificate,
};

export const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'MutatingWebhookConfiguration',
]);

/** Throws the schema error, or a list of hand-checked problems for CRD kinds. */
export function validateObject(o: KubeObject): void {
  const Model = MODELS[gvk(o)];
  if (Model) {
    new Model(structuredClone(o) as never).validate();
    return;
  }
  const crd = CRD_VALIDATORS[gvk(o)];
  if (!crd) throw new Error(`no validator for ${gvk(o)} ${o.metadata.name}`);
  const problems = crd(o);
  if (problems.length > 0) throw new Error(`${gvk(o)} ${o.metadata.name}: ${problems.join('; ')}`);
}

const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDns1123Subdomain(s: string): boolean {
  return DNS1123_SUBDOMAIN.test(s);
}

const GO_DURATION = /^(\d+(\.\d+)?(h|m|s|ms|us|µs|ns))+$/;

export function goDurationSeconds(s: string): number {
  if (!GO_DURATION.test(s)) return Number.NaN;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(m[1]) * unit[m[2]!]!;
  }
  return total;
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

const ISSUER_TYPES = ['acme', 'ca', 'vault', 'selfSigned', 'venafi'];

function validateIssuer(o: KubeObject): string[] {
  const spec = asObj(o['spec']);
  if (!spec) return ['spec is required'];
  const types = ISSUER_TYPES.filter((t) => t in spec);
  const problems: string[] = [];
  if (types.length !== 1) problems.push(`exactly one issuer type required, got [${types.join()}]`);
  if ('ca' in spec && !isNonEmptyString(asObj(spec['ca'])?.['secretName'])) {
    problems.push('spec.ca.secretName is required');
  }
  if ('selfSigned' in spec && asObj(spec['selfSigned']) === undefined) {
    problems.push('spec.selfSigned must be an object');
  }
  return problems;
}

const KEY_USAGES = new Set([
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
]);

// Field rules from cert-manager's Certificate CRD (v1) and its webhook validation.
function validateCertificate(o: KubeObject): string[] {
  const spec = asObj(o['spec']);
  if (!spec) return ['spec is required'];
  const problems: string[] = [];
  if (!isNonEmptyString(spec['secretName'])) problems.push('spec.secretName is required');
  const ref = asObj(spec['issuerRef']);
  if (!isNonEmptyString(ref?.['name'])) problems.push('spec.issuerRef.name is required');
  if (ref?.['kind'] !== undefined && !['Issuer', 'ClusterIssuer'].includes(String(ref['kind']))) {
    problems.push(`spec.issuerRef.kind ${String(ref['kind'])} is not Issuer/ClusterIssuer`);
  }
  const subjects = ['commonName', 'dnsNames', 'ipAddresses', 'uris', 'emailAddresses'];
  if (!subjects.some((k) => k in spec) && !('literalSubject' in spec)) {
    problems.push(`one of ${subjects.join(', ')} is required`);
  }
  for (const k of ['dnsNames', 'ipAddresses', 'uris', 'emailAddresses', 'usages']) {
    const v = spec[k];
    if (v !== undefined && !(Array.isArray(v) && v.every(isNonEmptyString))) {
      problems.push(`spec.${k} must be a list of strings`);
    }
  }
  if (typeof spec['commonName'] === 'string' && spec['commonName'].length > 64) {
    problems.push('spec.commonName is longer than 64 bytes');
  }
  problems.push(...durationProblems(spec));
  for (const u of (spec['usages'] as string[] | undefined) ?? []) {
    if (!KEY_USAGES.has(u)) problems.push(`unknown usage ${u}`);
  }
  const pk = asObj(spec['privateKey']);
  if (pk?.['algorithm'] !== undefined && !['RSA', 'ECDSA', 'Ed25519'].includes(String(pk['algorithm']))) {
    problems.push(`privateKey.algorithm ${String(pk['algorithm'])}`);
  }
  if (pk?.['rotationPolicy'] !== undefined && !['Never', 'Always'].includes(String(pk['rotationPolicy']))) {
    problems.push(`privateKey.rotationPolicy ${String(pk['rotationPolicy'])}`);
  }
  if (spec['isCA'] !== undefined && typeof spec['isCA'] !== 'boolean') problems.push('isCA must be boolean');
  return problems;
}

function durationProblems(spec: Obj): string[] {
  const problems: string[] = [];
  const seconds: Record<string, number> = {};
  for (const k of ['duration', 'renewBefore']) {
    if (spec[k] === undefined) continue;
    seconds[k] = goDurationSeconds(String(spec[k]));
    if (Number.isNaN(seconds[k])) problems.push(`spec.${k} ${String(spec[k])} is not a Go duration`);
  }
  const { duration, renewBefore } = seconds;
  if (duration !== undefined && duration < 3600) problems.push('spec.duration must be >= 1h');
  if (duration !== undefined && renewBefore !== undefined && renewBefore >= duration) {
    problems.push('spec.renewBefore must be shorter than spec.duration');
  }
  return problems;
}

// ---- RBAC ----

export interface Access {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verb: string;
  /** The object name; for list/watch, the `metadata.name` field selector of the request. */
  readonly name?: string;
}

/** The RBAC authorizer's rule match (no wildcards: the manifests must not use them). */
export function ruleAllows(rule: IPolicyRule, a: Access): boolean {
  if (!(rule.apiGroups ?? []).includes(a.apiGroup)) return false;
  if (!(rule.resources ?? []).includes(a.resource)) return false;
  if (!rule.verbs.includes(a.verb)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

export const allows = (rules: readonly IPolicyRule[], a: Access): boolean =>
  rules.some((r) => ruleAllows(r, a));

export function rulesOf(o: KubeObject): IPolicyRule[] {
  return (o['rules'] as IPolicyRule[] | undefined) ?? [];
}

// ---- label selectors ----

export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: string;
    readonly values?: readonly string[];
  }[];
}

export function selects(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  return (sel.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        return has && values.includes(labels[e.key]!);
      case 'NotIn':
        return !has || !values.includes(labels[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
}
