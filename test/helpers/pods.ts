// Pod and AdmissionReview builders for engine tests: each call returns a fresh object.
import type { Pod } from '../../patches/k8s-types.js';

export const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A pod as the API server sends it for a Deployment replica: projected API token, no namespace in metadata. */
export function makePod(
  annotations: Record<string, string> | undefined,
  extra: Partial<Pod['spec']> = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: 'web-7d4b9c-',
      labels: { app: 'web' },
      ...(annotations ? { annotations } : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web-7d4b9c',
          uid: 'u1',
          controller: true,
        },
      ],
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'example/app:1',
          volumeMounts: [{ name: 'kube-api-access-abcde', readOnly: true, mountPath: SA_MOUNT }],
        },
      ],
      volumes: [
        {
          name: 'kube-api-access-abcde',
          projected: {
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              {
                configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] },
              },
            ],
          },
        },
      ],
      ...extra,
    },
  };
}

export function makeReview(
  pod: unknown,
  namespace = 'app',
  apiVersion = 'admission.k8s.io/v1',
): Record<string, unknown> {
  return {
    apiVersion,
    kind: 'AdmissionReview',
    request: {
      uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace,
      operation: 'CREATE',
      object: pod,
    },
  };
}

export interface PodYamlOptions {
  /** The one container's image. */
  readonly image?: string;
  /** More lines of the container, indented to sit under its `- name: app`. */
  readonly containerLines?: readonly string[];
}

/** A Pod manifest named web as a user writes it for `lint`/`mutate -f`: one container, `annotations` quoted. */
export function podYaml(annotations: Record<string, string>, opts: PodYamlOptions = {}): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: web',
    '  annotations:',
    ...lines,
    'spec:',
    '  containers:',
    '    - name: app',
    `      image: ${opts.image ?? 'example/app:1'}`,
    ...(opts.containerLines ?? []),
    '',
  ].join('\n');
}

/**
 * A Deployment manifest: `metadata` lines as given (from `metadata:` on), the pod template's
 * `podAnnotations` quoted, and `podSpec` lines indented to sit under the template's `spec:`.
 */
export function deploymentYaml(
  metadata: readonly string[],
  podAnnotations: Record<string, string>,
  podSpec: readonly string[],
): string {
  const lines = Object.entries(podAnnotations).map(
    ([k, v]) => `        ${k}: ${JSON.stringify(v)}`,
  );
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    ...metadata,
    'spec:',
    '  template:',
    '    metadata:',
    '      annotations:',
    ...lines,
    '    spec:',
    ...podSpec,
    '',
  ].join('\n');
}
