// fast-check generators for the engine properties: pods as the API server sends them (valid
// Kubernetes, so any problem in the result is the injector's), and annotation maps that mix valid
// and invalid values for every annotation and annotation family in the annotation table.
import fc from 'fast-check';
import { FAMILIES } from '../../patches/annotation-families.js';
import { ANNOTATIONS } from '../../patches/annotation-table.js';
import * as A from '../../patches/annotations.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import type { Container, Pod, Volume, VolumeMount } from '../../patches/k8s-types.js';
import { makePod, SA_MOUNT } from '../helpers/pods.js';

/** Every single annotation key the injector understands, taken from the annotation table. */
export const SINGLE_KEYS: readonly string[] = Object.values(ANNOTATIONS).map((row) => row.key);

/** Every family prefix (a key is prefix + suffix). */
export const FAMILY_PREFIXES: readonly string[] = Object.values(FAMILIES).map((row) => row.key);

const JSON_PATCHES = [
  '[{"op":"add","path":"/env/-","value":{"name":"EXTRA","value":"1"}}]',
  '[{"op":"replace","path":"/image","value":"busybox:1"}]',
  '[{"op":"add","path":"/args","value":["-v"]}]',
  '[{"op":"remove","path":"/resources"}]',
  '[{"op":"test","path":"/name","value":"nope"}]',
  '[{"op":"bogus","path":"/x"}]',
  '[{"op":"add"}]',
  '{"op":"add","path":"/x","value":1}',
  'null',
  '[]',
  'not json',
];

/** Values valid for some annotation kind (bool, int, quantity, duration, path, enum) and invalid ones. */
const VALUE_POOL = [
  'true',
  'false',
  'True',
  '1',
  '0',
  't',
  'yes',
  '',
  ' ',
  '100',
  '1000',
  '-1',
  '65536',
  '99999999999999999999',
  '0.75',
  '1e3',
  'NaN',
  '250m',
  '64Mi',
  '1Gi',
  '1.5',
  'x1',
  '10s',
  '1m30s',
  '-5s',
  'map',
  'json',
  'JSON',
  '/vault/secrets',
  '/vault/other',
  '/',
  'relative/path',
  'secret/data/db',
  'kubernetes',
  'jwt',
  'aws',
  'auth/kubernetes',
  'app',
  'hashicorp/vault:1.18.0',
  'https://vault:8200',
  'app,web',
  'kube-api-access-abcde',
  'vault-secrets',
  '0640',
  '{{ .Data.data.password }}',
  '{{ with secret "x" }}{{ end }}',
  'secret/data/db#password',
  'kv/db#user',
  '["/app/run","--port=8080"]',
  'always',
  'never',
  'SIGQUIT',
  'é~/ünïcødé',
  'a\nb',
  ...JSON_PATCHES,
];

export const valueArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...VALUE_POOL) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/**
 * For each key, the pool values the engine accepts on a plain annotated pod (measured once, so the
 * table follows the engine's grammars without restating them). Used to keep a good share of the
 * generated maps injectable; invalid values still come from valueArb.
 */
function acceptedValues(key: string): string[] {
  const ok = VALUE_POOL.filter((v) => {
    const pod = makePod({
      [A.ANNOTATION_AGENT_INJECT]: 'true',
      [A.ANNOTATION_ROLE]: 'app',
      [`${A.PREFIX_SECRET}db`]: 'secret/data/db',
      [key]: v,
    });
    // A command, so env secret annotations can be accepted too.
    pod.spec!.containers[0]!.command = ['/app/run'];
    return (
      inject(pod, { namespace: 'app', kind: 'Pod', config: DEFAULT_INJECTOR_CONFIG }).decision ===
      'inject'
    );
  });
  return ok.length > 0 ? ok : [''];
}

/** Mostly accepted values for `key`, sometimes anything from the pool. */
function valueFor(key: string): fc.Arbitrary<string> {
  const accepted = acceptedValues(key);
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...accepted) },
    { weight: 1, arbitrary: valueArb },
  );
}

const singleEntryArb: fc.Arbitrary<[string, string]> = fc.oneof(
  ...SINGLE_KEYS.filter((k) => k !== A.ANNOTATION_AGENT_INJECT).map((k) =>
    valueFor(k).map((v): [string, string] => [k, v]),
  ),
);

/** Secret names: lower/upper case, dots, and the JSON-pointer-special `/` and `~`. */
const secretNameArb = fc.constantFrom(
  'db',
  'DB',
  'cfg.json',
  'a.b',
  'x~y',
  'p/q',
  'api-key',
  'tok',
);

const familyEntryArb: fc.Arbitrary<[string, string, string]> = fc.oneof(
  ...FAMILY_PREFIXES.map((prefix) =>
    fc.tuple(
      fc.constant(prefix),
      fc.oneof(secretNameArb, fc.constantFrom('', 'metrics-prefix', 'disable-hostname', 'role')),
      valueFor(`${prefix}db`),
    ),
  ),
);

/** Keys that are not the injector's, including `/` and `~` (escaped as ~1 and ~0 in JSON pointers). */
const foreignKeyArb = fc.constantFrom(
  'example.com/owner',
  'a~b',
  'x/y/z',
  '~1~0',
  'team.io/cost~center',
  'kubectl.kubernetes.io/restartedAt',
  'app',
);

export const annotationsArb: fc.Arbitrary<Record<string, string>> = fc
  .record({
    inject: fc.oneof(
      { weight: 12, arbitrary: fc.constant('true') },
      { weight: 1, arbitrary: valueArb },
    ),
    role: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom('app', 'web-role') },
      { weight: 1, arbitrary: fc.constantFrom(null, '') },
    ),
    singles: fc.array(singleEntryArb, { maxLength: 6 }),
    secrets: fc.array(fc.tuple(secretNameArb, fc.constantFrom('secret/data/db', 'kv/x', '')), {
      maxLength: 4,
    }),
    families: fc.array(familyEntryArb, { maxLength: 5 }),
    foreign: fc.array(fc.tuple(foreignKeyArb, fc.string({ maxLength: 8 })), { maxLength: 3 }),
  })
  .map(({ inject, role, singles, secrets, families, foreign }) => {
    const out: Record<string, string> = {};
    for (const [k, v] of foreign) out[k] = v;
    for (const [name, path] of secrets) out[`${A.PREFIX_SECRET}${name}`] = path;
    for (const [prefix, suffix, v] of families) out[`${prefix}${suffix}`] = v;
    for (const [k, v] of singles) out[k] = v;
    out[A.ANNOTATION_AGENT_INJECT] = inject;
    if (role !== null) out[A.ANNOTATION_ROLE] = role;
    return out;
  });

const dnsLabelArb = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
/** Container names: plain, long, and ones the injector itself uses. */
const containerNameArb = fc.oneof(
  { weight: 6, arbitrary: dnsLabelArb },
  { weight: 1, arbitrary: fc.constantFrom('app', 'web', 'vault-agent', 'vault-agent-init') },
  { weight: 1, arbitrary: fc.constant(`c${'x'.repeat(61)}`) },
);
const volumeNameArb = fc.oneof(
  { weight: 5, arbitrary: dnsLabelArb.map((n) => `v-${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('data', 'cache', 'vault-secrets', 'home-sidecar') },
);

const SA_VOLUME: Volume = {
  name: 'kube-api-access-abcde',
  projected: {
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    ],
  },
};

interface PodParts {
  containers: string[];
  inits: string[];
  volumes: string[];
  saToken: boolean;
  mountSeeds: number[][];
  runAsUser: (number | null)[];
  env: boolean;
  phase: string | null;
  name: string;
  namespaceInMeta: boolean;
  managedFields: boolean;
  shareProcessNamespace: boolean | null;
}

function container(
  name: string,
  mounts: VolumeMount[],
  uid: number | null,
  env: boolean,
): Container {
  return {
    name,
    image: `example/${name}:1`,
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    // With env, a command using it: env secrets then have an argv to expand and wrap.
    ...(env
      ? {
          env: [{ name: 'MODE', value: 'prod' }],
          command: ['/app/run', '--mode=$(MODE)', '$$(HOME)'],
        }
      : {}),
    ...(uid === null ? {} : { securityContext: { runAsUser: uid } }),
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
  };
}

/** Mounts derived from a seed: distinct paths per container, only volumes the pod declares. */
function mountsFor(
  seed: number[],
  volumes: string[],
  saToken: boolean,
  index: number,
): VolumeMount[] {
  const mounts: VolumeMount[] = [];
  if (saToken && index % 2 === 0) {
    mounts.push({ name: SA_VOLUME.name, readOnly: true, mountPath: SA_MOUNT });
  }
  const used = new Set<string>();
  for (const s of seed) {
    const vol = volumes[s % Math.max(volumes.length, 1)];
    if (vol === undefined || used.has(vol)) continue;
    used.add(vol);
    // Some apps mount at the injector's default path: the engine must not add a second mount there.
    const atDefault = s % 9 === 0 && !mounts.some((m) => m.mountPath === '/vault/secrets');
    mounts.push({ name: vol, mountPath: atDefault ? '/vault/secrets' : `/mnt/${vol}` });
  }
  return mounts;
}

function buildPod(p: PodParts, annotations: Record<string, string> | undefined): Pod {
  const volumes: Volume[] = [
    ...(p.saToken ? [SA_VOLUME] : []),
    ...p.volumes.map((name) => ({ name, emptyDir: {} })),
  ];
  const mk = (names: string[], offset: number): Container[] =>
    names.map((n, i) =>
      container(
        n,
        mountsFor(p.mountSeeds[i + offset] ?? [], p.volumes, p.saToken, i + offset),
        p.runAsUser[i + offset] ?? null,
        p.env,
      ),
    );
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(p.name.endsWith('-') ? { generateName: p.name } : { name: p.name }),
      ...(p.namespaceInMeta ? { namespace: 'app' } : {}),
      labels: { app: 'web' },
      ...(annotations === undefined ? {} : { annotations }),
      ...(p.managedFields
        ? { managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1' }] }
        : {}),
    },
    spec: {
      containers: mk(p.containers, 0),
      ...(p.inits.length > 0 ? { initContainers: mk(p.inits, p.containers.length) } : {}),
      ...(volumes.length > 0 ? { volumes } : {}),
      ...(p.shareProcessNamespace === null
        ? {}
        : { shareProcessNamespace: p.shareProcessNamespace }),
    },
  };
  if (p.phase !== null) pod.status = { phase: p.phase };
  return pod;
}

const podPartsArb: fc.Arbitrary<PodParts> = fc
  .uniqueArray(containerNameArb, { minLength: 1, maxLength: 6 })
  .chain((names) =>
    fc.record({
      split: fc.nat({ max: Math.min(2, names.length - 1) }),
      names: fc.constant(names),
      volumes: fc.uniqueArray(volumeNameArb, { maxLength: 3 }),
      saToken: fc.boolean(),
      mountSeeds: fc.array(fc.array(fc.nat({ max: 20 }), { maxLength: 3 }), {
        minLength: names.length,
        maxLength: names.length,
      }),
      runAsUser: fc.array(fc.option(fc.constantFrom(0, 1000, 65534)), {
        minLength: names.length,
        maxLength: names.length,
      }),
      env: fc.boolean(),
      phase: fc.oneof(
        { weight: 6, arbitrary: fc.constant(null) },
        { weight: 3, arbitrary: fc.constant('Pending') },
        { weight: 1, arbitrary: fc.constant('Running') },
      ),
      name: fc.oneof(
        fc.constantFrom('web-7d4b9c-', 'pod', 'a', `p${'o'.repeat(60)}`),
        dnsLabelArb.map((n) => `${n}-`),
      ),
      namespaceInMeta: fc.boolean(),
      managedFields: fc.boolean(),
      shareProcessNamespace: fc.option(fc.boolean(), { freq: 3 }),
    }),
  )
  .map((r) => ({
    ...r,
    // Container names are unique across containers and init containers, as the API requires.
    containers: r.names.slice(r.split),
    inits: r.names.slice(0, r.split),
  }))
  .filter((p) => p.containers.length > 0);

/** A valid pod carrying the given annotations (or none). */
export function podArb(
  annotations: fc.Arbitrary<Record<string, string> | undefined>,
): fc.Arbitrary<Pod> {
  return fc.tuple(podPartsArb, annotations).map(([parts, ann]) => buildPod(parts, ann));
}
