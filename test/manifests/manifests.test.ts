// Every kustomize directory under manifests/ is rendered with `kubectl kustomize`, every object is
// validated against the Kubernetes schema (kubernetes-models; cert-manager kinds by hand), and the
// properties the injector depends on are checked: least-privilege RBAC, the webhook registration,
// the restricted pod, probes, and the environment that selects auto-TLS or cert-manager's files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { IMutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { IContainer, IEnvVar, IPodSpec, IService } from 'kubernetes-models/v1';
import { resolveConfig } from '../../cli/config.js';
import {
  CLUSTER_SCOPED,
  CRD_VALIDATORS,
  MANIFESTS_DIR,
  MODELS,
  allows,
  find,
  gvk,
  hasKubectl,
  isDns1123Subdomain,
  only,
  render,
  rulesOf,
  selects,
  validateObject,
  type Access,
  type KubeObject,
} from './helpers.js';
import { toError } from '../../patches/to-error.js';

if (!hasKubectl) {
  console.warn('manifests tests skipped: `kubectl` is not on PATH (needed for `kubectl kustomize`)');
}
const SKIP_NOTE = hasKubectl ? '' : ' [skipped: kubectl not found on PATH]';
const kit = it.skipIf(!hasKubectl);

const CERTS_SECRET = 'vault-injector-certs';
const LEADER_CONFIGMAP = 'vault-injector-leader';
const NAME_LABEL = 'app.kubernetes.io/name';

/** The names one install uses: the Vault one, or the OpenBao overlay's openbao-agent-injector*. */
interface Names {
  readonly ns: string;
  readonly deployment: string;
  readonly serviceAccount: string;
  readonly service: string;
  readonly mwc: string;
  readonly webhook: string;
  readonly nameLabel: string;
  readonly clusterRole: string;
  readonly clusterRoleBinding: string;
  readonly role: string;
  readonly roleBinding: string;
  /** The matchConditions expression, exactly. */
  readonly matchExpression: string;
  readonly addressEnv: string;
  /** The Vault (or OpenBao) address the injector resolves from the rendered environment. */
  readonly address: string;
  readonly agentImage: string;
}

const VAULT: Names = {
  ns: 'vault',
  deployment: 'vault-injector',
  serviceAccount: 'vault-injector',
  service: 'vault-agent-injector-svc',
  mwc: 'vault-agent-injector-cfg',
  webhook: 'vault.hashicorp.com',
  nameLabel: 'vault-injector',
  clusterRole: 'vault-injector-clusterrole',
  clusterRoleBinding: 'vault-injector-binding',
  role: 'vault-injector-role',
  roleBinding: 'vault-injector-rolebinding',
  matchExpression:
    "has(object.metadata.annotations) && 'vault.hashicorp.com/agent-inject' in object.metadata.annotations",
  addressEnv: 'AGENT_INJECT_VAULT_ADDR',
  address: 'https://vault.vault.svc:8200',
  agentImage: 'hashicorp/vault:2.0.4',
};

const OPENBAO: Names = {
  ns: 'openbao',
  deployment: 'openbao-agent-injector',
  serviceAccount: 'openbao-agent-injector',
  service: 'openbao-agent-injector-svc',
  mwc: 'openbao-agent-injector-cfg',
  webhook: 'openbao.org',
  nameLabel: 'openbao-agent-injector',
  clusterRole: 'openbao-agent-injector-clusterrole',
  clusterRoleBinding: 'openbao-agent-injector-binding',
  role: 'openbao-agent-injector-role',
  roleBinding: 'openbao-agent-injector-rolebinding',
  matchExpression:
    "has(object.metadata.annotations) && ('openbao.org/agent-inject' in object.metadata.annotations || 'vault.hashicorp.com/agent-inject' in object.metadata.annotations)",
  addressEnv: 'AGENT_INJECT_BAO_ADDR',
  address: 'https://openbao.openbao.svc:8200',
  agentImage: 'quay.io/openbao/openbao:2.6.2',
};

type TlsMode = 'auto' | 'cert-manager';
interface Profile {
  readonly dir: string;
  readonly tls: TlsMode;
  readonly replicas: number;
  readonly pdb: boolean;
  readonly dev: boolean;
  readonly n: Names;
}

const PROFILES: readonly Profile[] = [
  { dir: 'base', tls: 'auto', replicas: 2, pdb: true, dev: false, n: VAULT },
  { dir: 'overlays/auto-tls', tls: 'auto', replicas: 2, pdb: true, dev: false, n: VAULT },
  { dir: 'overlays/cert-manager', tls: 'cert-manager', replicas: 2, pdb: true, dev: false, n: VAULT },
  { dir: 'overlays/dev', tls: 'auto', replicas: 1, pdb: false, dev: true, n: VAULT },
  { dir: 'overlays/openbao', tls: 'auto', replicas: 2, pdb: true, dev: false, n: OPENBAO },
];

/** Environment variables the injector reads (vault-k8s's flags.go names, plus pod metadata). */
const KNOWN_ENV = new Set([
  'NAMESPACE',
  'POD_NAME',
  // Read by node itself: the V8 heap settings (see the Performance section of the README).
  'NODE_OPTIONS',
  ...[
    'LISTEN',
    'LOG_LEVEL',
    'LOG_FORMAT',
    'TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE',
    'TEMPLATE_STATIC_SECRET_RENDER_INTERVAL',
    'TEMPLATE_MAX_CONNECTIONS_PER_HOST',
    'TLS_AUTO',
    'TLS_AUTO_HOSTS',
    'TLS_CA_CERT_FILE',
    'TLS_CERT_FILE',
    'TLS_KEY_FILE',
    'VAULT_IMAGE',
    'VAULT_ADDR',
    'BAO_IMAGE',
    'BAO_ADDR',
    'BAO_CACERT_BYTES',
    'BAO_AUTH_TYPE',
    'BAO_AUTH_PATH',
    'BAO_NAMESPACE',
    'REWRITE_VAULT_ANNOTATIONS',
    'VAULT_CACERT_BYTES',
    'PROXY_ADDR',
    'VAULT_AUTH_TYPE',
    'VAULT_AUTH_PATH',
    'VAULT_NAMESPACE',
    'REVOKE_ON_SHUTDOWN',
    'RUN_AS_USER',
    'RUN_AS_GROUP',
    'RUN_AS_SAME_USER',
    'SET_SECURITY_CONTEXT',
    'TELEMETRY_PATH',
    'USE_LEADER_ELECTOR',
    'DEFAULT_TEMPLATE',
    'CPU_REQUEST',
    'MEM_REQUEST',
    'EPHEMERAL_REQUEST',
    'CPU_LIMIT',
    'MEM_LIMIT',
    'EPHEMERAL_LIMIT',
    'AUTH_MIN_BACKOFF',
    'AUTH_MAX_BACKOFF',
    'TLS_MIN_VERSION',
    'TLS_CIPHER_SUITES',
  ].map((n) => `AGENT_INJECT_${n}`),
]);

const typed = <T>(o: KubeObject): T => o as T;

function deploymentOf(objects: readonly KubeObject[]): IDeployment {
  return typed<IDeployment>(only(objects, 'Deployment'));
}

function podSpecOf(objects: readonly KubeObject[]): IPodSpec {
  return deploymentOf(objects).spec!.template.spec!;
}

function injectorContainer(objects: readonly KubeObject[]): IContainer {
  const containers = podSpecOf(objects).containers;
  expect(containers).toHaveLength(1);
  return containers[0]!;
}

function envOf(objects: readonly KubeObject[]): Map<string, IEnvVar> {
  return new Map((injectorContainer(objects).env ?? []).map((e) => [e.name, e]));
}

const envValue = (objects: readonly KubeObject[], name: string): string | undefined =>
  envOf(objects).get(name)?.value;

function webhookOf(objects: readonly KubeObject[]): IMutatingWebhookConfiguration {
  return typed<IMutatingWebhookConfiguration>(
    only(objects, 'MutatingWebhookConfiguration'),
  );
}

/** Expands Kubernetes `$(VAR)` references the way the kubelet does for env values. */
function expand(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v: string) => vars[v] ?? m);
}

/** The restricted Pod Security Standard, checked on the container's effective settings. */
function securityProblems(pod: IPodSpec, c: IContainer): string[] {
  const psc = pod.securityContext ?? {};
  const csc = c.securityContext ?? {};
  const problems: string[] = [];
  const runAsNonRoot = csc.runAsNonRoot ?? psc.runAsNonRoot;
  const runAsUser = csc.runAsUser ?? psc.runAsUser;
  const seccomp = csc.seccompProfile?.type ?? psc.seccompProfile?.type;
  if (runAsNonRoot !== true) problems.push('runAsNonRoot is not true');
  if (runAsUser === undefined || runAsUser === 0) problems.push('runAsUser is unset or 0');
  if (csc.readOnlyRootFilesystem !== true) problems.push('readOnlyRootFilesystem is not true');
  if (csc.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation not false');
  if (csc.privileged === true) problems.push('privileged');
  if (!(csc.capabilities?.drop ?? []).includes('ALL')) problems.push('capabilities do not drop ALL');
  if ((csc.capabilities?.add ?? []).length > 0) problems.push('capabilities added');
  if (seccomp !== 'RuntimeDefault') problems.push(`seccompProfile ${String(seccomp)}`);
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push('host namespaces');
  if ((pod.volumes ?? []).some((v) => v.hostPath)) problems.push('hostPath volume');
  return problems;
}

function expectedObjects(p: Profile): string[] {
  const { n } = p;
  const common = [
    `ServiceAccount/${n.serviceAccount}`,
    `Deployment/${n.deployment}`,
    `Service/${n.service}`,
    `MutatingWebhookConfiguration/${n.mwc}`,
  ];
  const autoTls = [
    `ClusterRole/${n.clusterRole}`,
    `ClusterRoleBinding/${n.clusterRoleBinding}`,
    `Role/${n.role}`,
    `RoleBinding/${n.roleBinding}`,
    `Secret/${CERTS_SECRET}`,
  ];
  const certManager = [
    'Issuer/vault-injector-selfsigned',
    'Certificate/vault-injector-ca',
    'Issuer/vault-injector-ca',
    'Certificate/vault-injector-tls',
  ];
  return [
    ...common,
    ...(p.tls === 'auto' ? autoTls : certManager),
    ...(p.pdb ? [`PodDisruptionBudget/${n.deployment}`] : []),
  ].sort();
}

describe.each(PROFILES)('manifests/$dir', (p) => {
  const objects = (): readonly KubeObject[] => render(p.dir).objects;
  const { ns: NS, mwc: MWC_NAME, service: SERVICE_NAME, serviceAccount: SA_NAME } = p.n;

  kit(`builds with kubectl kustomize, without deprecation warnings${SKIP_NOTE}`, () => {
    const { objects: objs, stderr } = render(p.dir);
    expect(objs.length).toBeGreaterThan(0);
    expect(stderr).not.toMatch(/deprecat|warn/i);
  });

  kit(`contains exactly the expected objects${SKIP_NOTE}`, () => {
    const names = objects().map((o) => `${o.kind}/${o.metadata.name}`);
    expect([...names].sort()).toEqual(expectedObjects(p));
  });

  kit(`every object is schema-valid (kubernetes-models; cert-manager kinds by hand)${SKIP_NOTE}`, () => {
    const failures: string[] = [];
    for (const o of objects()) {
      try {
        validateObject(o);
      } catch (err) {
        failures.push(`${gvk(o)} ${o.metadata.name}: ${toError(err).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  kit(`the validator rejects a corrupted copy of every object${SKIP_NOTE}`, () => {
    for (const o of objects()) {
      const bad = structuredClone(o);
      if (MODELS[gvk(o)]) {
        // Not a map: the kind of value the types refuse, written past them on purpose.
        Object.assign(bad.metadata, { labels: 'not-a-map' });
      } else {
        expect(CRD_VALIDATORS[gvk(o)], gvk(o)).toBeDefined();
        Object.assign(bad, { spec: {} });
      }
      expect(() => validateObject(bad), gvk(o)).toThrow();
    }
  });

  kit(`names are DNS-1123, namespaces and labels are consistent${SKIP_NOTE}`, () => {
    for (const o of objects()) {
      const id = `${o.kind}/${o.metadata.name}`;
      expect(isDns1123Subdomain(o.metadata.name), id).toBe(true);
      expect(o.metadata.namespace, id).toBe(CLUSTER_SCOPED.has(o.kind) ? undefined : NS);
      expect(o.metadata.labels?.[NAME_LABEL], id).toBe(p.n.nameLabel);
    }
  });

  describe('RBAC', () => {
    const roles = (): KubeObject[] => [
      ...find(objects(), 'Role'),
      ...find(objects(), 'ClusterRole'),
    ];
    const clusterRules = (): ReturnType<typeof rulesOf> =>
      find(objects(), 'ClusterRole').flatMap(rulesOf);
    const nsRules = (): ReturnType<typeof rulesOf> => find(objects(), 'Role').flatMap(rulesOf);

    kit(`no wildcard in verbs, resources, apiGroups or resourceNames${SKIP_NOTE}`, () => {
      for (const role of roles()) {
        for (const r of rulesOf(role)) {
          const fields = [r.verbs, r.resources, r.apiGroups, r.resourceNames, r.nonResourceURLs];
          expect(fields.flat().filter((v) => v?.includes('*')), role.metadata.name).toEqual([]);
          expect(r.resources?.some((res) => res.includes('/')), 'no subresources').toBeFalsy();
        }
        expect(role['aggregationRule'], 'no aggregation').toBeUndefined();
      }
    });

    kit(`create is never combined with resourceNames (it cannot be scoped)${SKIP_NOTE}`, () => {
      for (const r of roles().flatMap(rulesOf)) {
        if (r.verbs.includes('create') || r.verbs.includes('deletecollection')) {
          expect(r.resourceNames ?? []).toEqual([]);
        }
      }
    });

    kit(`get/update/patch/list/watch are always scoped by resourceNames${SKIP_NOTE}`, () => {
      for (const r of roles().flatMap(rulesOf)) {
        // The one exception: the vault-k8s leader's Pod, whose name only its lock ConfigMap says.
        const ownerPodGet =
          r.resources?.length === 1 && r.resources[0] === 'pods' && r.verbs.join() === 'get';
        if (ownerPodGet) continue;
        const scopable = r.verbs.filter((v) => v !== 'create' && v !== 'deletecollection');
        if (scopable.length > 0) expect(r.resourceNames ?? [], r.verbs.join()).not.toEqual([]);
      }
    });

    if (p.tls === 'auto') {
      const mwc = (verb: string, name?: string): Access => ({
        apiGroup: 'admissionregistration.k8s.io',
        resource: 'mutatingwebhookconfigurations',
        verb,
        ...(name === undefined ? {} : { name }),
      });
      const core = (resource: string, verb: string, name?: string): Access => ({
        apiGroup: '',
        resource,
        verb,
        ...(name === undefined ? {} : { name }),
      });

      kit(`cluster-wide: only get/list/watch/patch of the webhook configuration${SKIP_NOTE}`, () => {
        for (const verb of ['get', 'list', 'watch', 'patch']) {
          expect(allows(clusterRules(), mwc(verb, MWC_NAME)), verb).toBe(true);
          expect(allows(clusterRules(), mwc(verb, 'someone-elses-webhook')), verb).toBe(false);
        }
        for (const verb of ['list', 'watch', 'create', 'update', 'delete']) {
          expect(allows(clusterRules(), mwc(verb)), `${verb} of all`).toBe(false);
        }
        // The Go injector needs nodes get for "leader for life"; the lease-based lock does not.
        expect(allows(clusterRules(), core('nodes', 'get', 'n1'))).toBe(false);
        const granted = clusterRules().flatMap((r) => r.resources ?? []);
        expect(new Set(granted)).toEqual(new Set(['mutatingwebhookconfigurations']));
      });

      kit(`namespace: the certificate Secret, the leader ConfigMap, vault-k8s's lock and Pod get${SKIP_NOTE}`, () => {
        for (const [resource, name] of [
          ['secrets', CERTS_SECRET],
          ['configmaps', LEADER_CONFIGMAP],
        ] as const) {
          for (const verb of ['get', 'update', 'watch', 'list']) {
            expect(allows(nsRules(), core(resource, verb, name)), `${verb} ${name}`).toBe(true);
            expect(allows(nsRules(), core(resource, verb, 'other')), `${verb} other`).toBe(false);
          }
          expect(allows(nsRules(), core(resource, 'create')), `create ${resource}`).toBe(true);
          expect(allows(nsRules(), core(resource, 'list')), `list all ${resource}`).toBe(false);
          expect(allows(nsRules(), core(resource, 'delete', name)), `delete ${name}`).toBe(false);
        }
        // In-place migration: vault-k8s's lock and the Pod owning it are read, nothing more.
        expect(allows(nsRules(), core('configmaps', 'get', 'vault-k8s-leader'))).toBe(true);
        for (const verb of ['update', 'list', 'watch', 'delete']) {
          const access = core('configmaps', verb, 'vault-k8s-leader');
          expect(allows(nsRules(), access), `${verb} vault-k8s-leader`).toBe(false);
        }
        expect(allows(nsRules(), core('pods', 'get', 'p')), 'pods get').toBe(true);
        for (const verb of ['patch', 'delete', 'update', 'list', 'watch']) {
          expect(allows(nsRules(), core('pods', verb, 'p')), `pods ${verb}`).toBe(false);
        }
        expect(allows(nsRules(), core('pods', 'list')), 'list all pods').toBe(false);
      });

      kit(`the names in RBAC are the ones the injector uses${SKIP_NOTE}`, () => {
        expect(envValue(objects(), 'AGENT_INJECT_TLS_AUTO')).toBe(MWC_NAME);
        expect(only(objects(), 'Secret', CERTS_SECRET).metadata.namespace).toBe(NS);
      });
    } else {
      kit(`cert-manager: no RBAC at all (disk certificates, no leader election)${SKIP_NOTE}`, () => {
        expect(roles()).toEqual([]);
        expect([...find(objects(), 'RoleBinding'), ...find(objects(), 'ClusterRoleBinding')]).toEqual(
          [],
        );
      });
    }

    kit(`bindings point at roles in the output and at the injector's ServiceAccount${SKIP_NOTE}`, () => {
      const sa = only(objects(), 'ServiceAccount', SA_NAME);
      const bindings = [...find(objects(), 'RoleBinding'), ...find(objects(), 'ClusterRoleBinding')];
      for (const b of bindings.map((o) => typed<IRoleBinding>(o))) {
        const roleKind = b.roleRef.kind;
        expect(b.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
        expect(find(objects(), roleKind, b.roleRef.name), b.metadata?.name).toHaveLength(1);
        expect(b.subjects).toEqual([
          { kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace },
        ]);
      }
      expect(podSpecOf(objects()).serviceAccountName).toBe(SA_NAME);
    });
  });

  describe('MutatingWebhookConfiguration', () => {
    const hook = (): NonNullable<IMutatingWebhookConfiguration['webhooks']>[number] => {
      const webhooks = webhookOf(objects()).webhooks ?? [];
      expect(webhooks).toHaveLength(1);
      return webhooks[0]!;
    };

    kit(`webhook ${p.n.webhook}: sideEffects None, v1 and v1beta1 reviews${SKIP_NOTE}`, () => {
      const w = hook();
      expect(w.name).toBe(p.n.webhook);
      expect(w.sideEffects).toBe('None');
      expect(w.admissionReviewVersions).toEqual(['v1', 'v1beta1']);
    });

    kit(`only CREATE of pods${SKIP_NOTE}`, () => {
      expect(hook().rules).toEqual([
        {
          operations: ['CREATE'],
          apiGroups: [''],
          apiVersions: ['v1'],
          resources: ['pods'],
          scope: 'Namespaced',
        },
      ]);
    });

    kit(`failurePolicy Fail, timeoutSeconds 10, reinvocationPolicy IfNeeded${SKIP_NOTE}`, () => {
      const w = hook();
      expect(w.failurePolicy).toBe('Fail');
      expect(w.timeoutSeconds).toBe(10);
      expect(w.reinvocationPolicy).toBe('IfNeeded');
    });

    kit(`matchConditions send only pods carrying the agent-inject annotation${SKIP_NOTE}`, () => {
      const conditions = hook().matchConditions ?? [];
      expect(conditions.length).toBeGreaterThan(0);
      const exprs = conditions.map((c) => c.expression.replace(/\s+/g, ' '));
      expect(exprs).toContain(p.n.matchExpression);
    });

    kit(`objectSelector excludes the injector's own pods and no other app${SKIP_NOTE}`, () => {
      const sel = hook().objectSelector ?? {};
      const ownLabels = deploymentOf(objects()).spec!.template.metadata!.labels!;
      expect(selects(sel, ownLabels)).toBe(false);
      expect(selects(sel, { app: 'web' })).toBe(true);
      expect(selects(sel, {})).toBe(true);
    });

    kit(`clientConfig points at the Service's https port and /mutate${SKIP_NOTE}`, () => {
      const { clientConfig } = hook();
      const svc = typed<IService>(only(objects(), 'Service', SERVICE_NAME));
      expect(clientConfig.url).toBeUndefined();
      expect(clientConfig.service).toMatchObject({
        name: SERVICE_NAME,
        namespace: NS,
        path: '/mutate',
      });
      const port = clientConfig.service!.port ?? 443;
      const svcPort = svc.spec!.ports!.find((sp) => sp.port === port);
      expect(svcPort, `Service port ${port}`).toBeDefined();
      expect(svcPort!.targetPort).toBe(8080);
      expect(svc.spec!.selector).toEqual(
        deploymentOf(objects()).spec!.selector.matchLabels ?? {},
      );
    });

    kit(`caBundle is not set statically (filled at run time)${SKIP_NOTE}`, () => {
      expect(hook().clientConfig.caBundle ?? '').toBe('');
    });
  });

  describe('Deployment', () => {
    kit(`replicas, anti-affinity and PodDisruptionBudget${SKIP_NOTE}`, () => {
      const d = deploymentOf(objects());
      const podLabels = d.spec!.template.metadata!.labels!;
      expect(d.spec!.replicas).toBe(p.replicas);
      expect(podLabels[NAME_LABEL]).toBe(p.n.nameLabel);
      expect(selects(d.spec!.selector, podLabels)).toBe(true);
      const preferred =
        podSpecOf(objects()).affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
      expect(preferred?.length).toBeGreaterThan(0);
      const term = preferred![0]!.podAffinityTerm;
      expect(term.topologyKey).toBe('kubernetes.io/hostname');
      expect(selects(term.labelSelector!, podLabels)).toBe(true);
      const pdbs = find(objects(), 'PodDisruptionBudget').map((o) => typed<IPodDisruptionBudget>(o));
      expect(pdbs).toHaveLength(p.pdb ? 1 : 0);
      for (const pdb of pdbs) {
        expect(pdb.spec!.minAvailable).toBe(1);
        expect(selects(pdb.spec!.selector!, podLabels)).toBe(true);
      }
    });

    kit(`restricted securityContext${SKIP_NOTE}`, () => {
      const pod = podSpecOf(objects());
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        expect(securityProblems(pod, c), c.name).toEqual([]);
      }
    });

    kit(`readiness/liveness probes over HTTPS on port 8080${SKIP_NOTE}`, () => {
      const c = injectorContainer(objects());
      expect(c.args).toEqual(['agent-inject']);
      expect(c.ports).toEqual([{ name: 'https', containerPort: 8080, protocol: 'TCP' }]);
      expect(c.readinessProbe?.httpGet).toEqual({
        path: '/health/ready',
        port: 8080,
        scheme: 'HTTPS',
      });
      expect(c.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 8080, scheme: 'HTTPS' });
      expect(envValue(objects(), 'AGENT_INJECT_LISTEN')).toBe(':8080');
    });

    kit(`a preStop pause that fits in the termination grace period${SKIP_NOTE}`, () => {
      const c = injectorContainer(objects());
      expect(c.lifecycle?.preStop?.exec?.command).toEqual(['/bin/sh', '-c', 'sleep 5']);
      // 5 s pause + the injector's 20 s --shutdown-grace must fit in the pod's grace period.
      expect(podSpecOf(objects()).terminationGracePeriodSeconds ?? 30).toBeGreaterThanOrEqual(25);
    });

    kit(`cpu and memory requests and limits${SKIP_NOTE}`, () => {
      const { resources } = injectorContainer(objects());
      for (const kind of ['requests', 'limits'] as const) {
        expect(Object.keys(resources?.[kind] ?? {}).sort(), kind).toEqual(['cpu', 'memory']);
      }
    });

    kit(`the V8 old-space cap leaves room under the memory limit${SKIP_NOTE}`, () => {
      const { resources } = injectorContainer(objects());
      const options = envOf(objects()).get('NODE_OPTIONS')?.value ?? '';
      const cap = Number(/--max-old-space-size=(\d+)/.exec(options)?.[1]);
      expect(cap, options).toBeGreaterThan(0);
      const limit = String(resources?.limits?.['memory'] ?? '');
      expect(limit).toMatch(/^\d+Mi$/);
      // Young generation, code, TLS and other native memory live outside the old space.
      expect(cap).toBeLessThanOrEqual(parseInt(limit, 10) / 2);
    });

    kit(`environment as vault-helm's injector, names known, $(VAR)s defined first${SKIP_NOTE}`, () => {
      const env = injectorContainer(objects()).env ?? [];
      expect(env.find((e) => e.name === 'NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe(
        'metadata.namespace',
      );
      expect(env.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe(
        'metadata.name',
      );
      expect(env.map((e) => e.name).filter((n) => !KNOWN_ENV.has(n))).toEqual([]);
      expect(new Set(env.map((e) => e.name)).size).toBe(env.length);
      env.forEach((e, i) => {
        for (const [, ref] of (e.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          const defined = env.slice(0, i).map((x) => x.name);
          expect(defined, `${e.name} uses $(${ref!})`).toContain(ref);
        }
      });
      expect(envValue(objects(), p.n.addressEnv)).toBeTruthy();
      expect(envValue(objects(), 'AGENT_INJECT_LOG_LEVEL')).toBe(p.dev ? 'debug' : 'info');
    });

    kit(`the injector resolves the ${p.n.webhook} address and agent image from it${SKIP_NOTE}`, () => {
      const vars: Record<string, string> = { NAMESPACE: NS };
      for (const e of injectorContainer(objects()).env ?? []) {
        if (e.value !== undefined) vars[e.name] = expand(e.value, vars);
      }
      const { injector } = resolveConfig({}, vars);
      expect(injector.vaultAddress).toBe(p.n.address);
      expect(injector.vaultImage).toBe(p.n.agentImage);
      expect(injector.rewriteVaultAnnotations).toBe(false);
    });

    if (p.n === OPENBAO) {
      kit(`openbao: only openbao-k8s's AGENT_INJECT_BAO_* names for the Vault settings${SKIP_NOTE}`, () => {
        const names = [...envOf(objects()).keys()];
        expect(names.filter((n) => n.startsWith('AGENT_INJECT_VAULT_'))).toEqual([]);
        expect(names).toEqual(expect.arrayContaining(['AGENT_INJECT_BAO_ADDR', 'AGENT_INJECT_BAO_IMAGE']));
      });
    }

    if (p.tls === 'auto') {
      kit(`auto-TLS: TLS_AUTO names the webhook configuration, hosts cover the Service${SKIP_NOTE}`, () => {
        const env = envOf(objects());
        expect(env.get('AGENT_INJECT_TLS_AUTO')?.value).toBe(webhookOf(objects()).metadata!.name);
        expect(env.get('AGENT_INJECT_USE_LEADER_ELECTOR')?.value).toBe('true');
        const hosts = expand(env.get('AGENT_INJECT_TLS_AUTO_HOSTS')?.value ?? '', {
          NAMESPACE: NS,
        }).split(',');
        expect(hosts).toEqual(
          expect.arrayContaining([SERVICE_NAME, `${SERVICE_NAME}.${NS}`, `${SERVICE_NAME}.${NS}.svc`]),
        );
        for (const n of ['TLS_CERT_FILE', 'TLS_KEY_FILE', 'TLS_CA_CERT_FILE']) {
          expect(env.has(`AGENT_INJECT_${n}`), n).toBe(false);
        }
      });
    } else {
      kit(`cert-manager: certificate files from the mounted Certificate Secret${SKIP_NOTE}`, () => {
        const env = envOf(objects());
        for (const n of ['TLS_AUTO', 'TLS_AUTO_HOSTS', 'USE_LEADER_ELECTOR']) {
          expect(env.has(`AGENT_INJECT_${n}`), n).toBe(false);
        }
        const cert = only(objects(), 'Certificate', 'vault-injector-tls');
        const secretName = (cert['spec'] as { secretName: string }).secretName;
        const pod = podSpecOf(objects());
        const volume = pod.volumes?.find((v) => v.secret?.secretName === secretName);
        expect(volume, `volume for Secret ${secretName}`).toBeDefined();
        const mount = injectorContainer(objects()).volumeMounts?.find((m) => m.name === volume!.name);
        expect(mount?.readOnly).toBe(true);
        const files: Record<string, string> = {
          AGENT_INJECT_TLS_CERT_FILE: 'tls.crt',
          AGENT_INJECT_TLS_KEY_FILE: 'tls.key',
          AGENT_INJECT_TLS_CA_CERT_FILE: 'ca.crt',
        };
        for (const [name, file] of Object.entries(files)) {
          expect(env.get(name)?.value, name).toBe(join(mount!.mountPath, file));
        }
      });
    }

    if (p.dev) {
      kit(`dev: locally built image, never pulled${SKIP_NOTE}`, () => {
        const c = injectorContainer(objects());
        expect(c.image).toBe('vault-injector:dev');
        expect(c.imagePullPolicy).toBe('Never');
      });
    }
  });

  if (p.tls === 'cert-manager') {
    describe('cert-manager', () => {
      kit(`issuer chain: self-signed -> CA Certificate -> CA Issuer -> serving Certificate${SKIP_NOTE}`, () => {
        const spec = (kind: string, name: string): Record<string, unknown> =>
          only(objects(), kind, name)['spec'] as Record<string, unknown>;
        expect(spec('Issuer', 'vault-injector-selfsigned')['selfSigned']).toEqual({});
        const ca = spec('Certificate', 'vault-injector-ca');
        expect(ca['isCA']).toBe(true);
        expect(ca['issuerRef']).toMatchObject({ kind: 'Issuer', name: 'vault-injector-selfsigned' });
        expect(spec('Issuer', 'vault-injector-ca')['ca']).toEqual({ secretName: ca['secretName'] });
        const serving = spec('Certificate', 'vault-injector-tls');
        expect(serving['isCA']).toBeUndefined();
        expect(serving['issuerRef']).toMatchObject({ kind: 'Issuer', name: 'vault-injector-ca' });
        expect(serving['usages']).toContain('server auth');
        expect(serving['dnsNames']).toEqual(
          expect.arrayContaining([`${SERVICE_NAME}.${NS}.svc`, `${SERVICE_NAME}.${NS}`]),
        );
      });

      kit(`the webhook's caBundle is injected from the serving Certificate${SKIP_NOTE}`, () => {
        const annotations = webhookOf(objects()).metadata!.annotations ?? {};
        const [ns, name] = (annotations['cert-manager.io/inject-ca-from'] ?? '').split('/');
        const cert = only(objects(), 'Certificate', name);
        expect(cert.metadata.namespace).toBe(ns);
      });
    });
  }
});

describe('manifests/ (top level)', () => {
  kit(`renders the auto-tls overlay${SKIP_NOTE}`, () => {
    expect(render('').objects).toEqual(render('overlays/auto-tls').objects);
  });

  it('kustomization files use no deprecated fields', () => {
    const deprecated = ['commonLabels', 'bases', 'patchesStrategicMerge', 'patchesJson6902', 'vars'];
    const files = kustomizationFiles(MANIFESTS_DIR);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const field of deprecated) {
        expect(text, `${file}: ${field}`).not.toMatch(new RegExp(`^${field}:`, 'm'));
      }
    }
  });
});

function kustomizationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return kustomizationFiles(path);
    return entry === 'kustomization.yaml' ? [path] : [];
  });
}
