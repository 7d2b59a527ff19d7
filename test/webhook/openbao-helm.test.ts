// The built binary under openbao-helm 0.29.2's injector Deployment, exactly as the chart renders its
// environment: the default single replica (auto-TLS, no Role bound) and the HA render (replicas > 1:
// leader election and NAMESPACE added). Today's vault.hashicorp.com pods must get the vault-k8s
// output they get from the chart's hashicorp/vault-k8s image, with the chart's agent image and
// address; openbao.org pods get OpenBao's agent; the UPDATE reviews the chart's webhook also sends
// are allowed untouched.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../fakes/kube-api.js';
import { httpsRequest } from '../helpers/https-client.js';
import { makePod, makeReview } from '../helpers/pods.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const NAMESPACE = 'openbao';
const MWC_NAME = 'openbao-agent-injector-cfg';
const SERVICE = 'openbao-agent-injector-svc';
const CHART_AGENT_IMAGE = 'quay.io/openbao/openbao:2.6.2';
const CHART_ADDRESS = 'http://openbao.openbao.svc:8200';

/** openbao-helm 0.29.2's env block for `helm install openbao openbao/openbao -n openbao`, in order. */
function openbaoHelmEnv(port: number, ha: boolean): Record<string, string> {
  return {
    AGENT_INJECT_LISTEN: `127.0.0.1:${port}`,
    AGENT_INJECT_LOG_LEVEL: 'info',
    AGENT_INJECT_VAULT_ADDR: CHART_ADDRESS,
    AGENT_INJECT_VAULT_AUTH_PATH: 'auth/kubernetes',
    AGENT_INJECT_VAULT_IMAGE: CHART_AGENT_IMAGE,
    AGENT_INJECT_TLS_AUTO: MWC_NAME,
    AGENT_INJECT_TLS_AUTO_HOSTS: `${SERVICE},${SERVICE}.${NAMESPACE},${SERVICE}.${NAMESPACE}.svc`,
    AGENT_INJECT_LOG_FORMAT: 'standard',
    AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'false',
    // Only rendered when leader election is enabled and replicas > 1.
    ...(ha ? { AGENT_INJECT_USE_LEADER_ELECTOR: 'true', NAMESPACE } : {}),
    AGENT_INJECT_CPU_REQUEST: '250m',
    AGENT_INJECT_CPU_LIMIT: '500m',
    AGENT_INJECT_MEM_REQUEST: '64Mi',
    AGENT_INJECT_MEM_LIMIT: '128Mi',
    AGENT_INJECT_DEFAULT_TEMPLATE: 'map',
    AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'true',
    POD_NAME: `openbao-agent-injector-6d8f7c-${ha ? 'ha000' : 'one00'}`,
  };
}

/** The chart's webhook configuration, caBundle empty until the injector fills it. */
function seedChartWebhook(api: FakeKubeApi): void {
  api.put('mutatingwebhookconfigurations', '', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: MWC_NAME },
    webhooks: [
      {
        name: 'vault.hashicorp.com',
        admissionReviewVersions: ['v1', 'v1beta1'],
        sideEffects: 'None',
        clientConfig: {
          service: { name: SERVICE, namespace: NAMESPACE, path: '/mutate' },
          caBundle: '',
        },
        rules: [
          {
            operations: ['CREATE', 'UPDATE'],
            apiGroups: [''],
            apiVersions: ['v1'],
            resources: ['pods'],
          },
        ],
      },
    ],
  });
}

function chartBundle(api: FakeKubeApi): string {
  const mwc = api.get('mutatingwebhookconfigurations', '', MWC_NAME) as {
    webhooks: Array<{ clientConfig: { caBundle: string } }>;
  };
  return Buffer.from(mwc.webhooks[0]!.clientConfig.caBundle, 'base64').toString('utf8');
}

interface Reply {
  readonly allowed: boolean;
  readonly patch: Array<{ op: string; path: string; value?: unknown }> | undefined;
}

async function review(srv: ServeProcess, ca: string, body: unknown): Promise<Reply> {
  const res = await httpsRequest(srv.url, {
    ca,
    servername: `${SERVICE}.${NAMESPACE}.svc`,
    method: 'POST',
    path: '/mutate',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  const response = (JSON.parse(res.body) as { response: { allowed: boolean; patch?: string } })
    .response;
  const patch =
    response.patch === undefined
      ? undefined
      : (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Reply['patch']);
  return { allowed: response.allowed, patch };
}

let api: FakeKubeApi;
let dir: string;

beforeAll(async () => {
  api = new FakeKubeApi();
  await api.start();
  api.rbacNamespace = NAMESPACE;
  dir = mkdtempSync(join(tmpdir(), 'vi-openbao-helm-'));
  writeFileSync(join(dir, 'config'), api.kubeConfig().exportConfig());
});

afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const vaultPod = (): unknown =>
  makePod({
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'app',
    'vault.hashicorp.com/agent-inject-secret-db': 'secret/data/db',
  });

const openbaoPod = (): unknown =>
  makePod({
    'openbao.org/agent-inject': 'true',
    'openbao.org/role': 'app',
    'openbao.org/agent-inject-secret-db': 'secret/data/db',
  });

describe.each([
  { render: 'default single replica', ha: false, rbac: 'webhook-only' as const },
  { render: 'HA (replicas > 1)', ha: true, rbac: 'vault-helm' as const },
])("openbao-helm 0.29.2's injector Deployment, $render", ({ ha, rbac }) => {
  it('serves with the chart environment and gives vault.hashicorp.com pods the vault-k8s output', async () => {
    seedChartWebhook(api);
    api.rbac = rbac;
    const env = { KUBECONFIG: join(dir, 'config'), ...openbaoHelmEnv(0, ha) };
    // The chart's args: ["agent-inject", "2>&1"].
    const srv = await startServe(['agent-inject', '2>&1'], env, 20_000);
    try {
      const ca = chartBundle(api);
      expect(ca).toContain('BEGIN CERTIFICATE');
      const created = await review(srv, ca, makeReview(vaultPod()));
      expect(created.allowed).toBe(true);
      const ops = created.patch ?? [];
      const text = JSON.stringify(ops);
      for (const name of ['"vault-agent"', '"vault-agent-init"', '"VAULT_CONFIG"', '/home/vault']) {
        expect(text).toContain(name);
      }
      for (const name of ['openbao-agent', 'BAO_CONFIG', '/home/openbao', 'openbao.org']) {
        expect(text).not.toContain(name);
      }
      expect(text).toContain(`"image":"${CHART_AGENT_IMAGE}"`);
      expect(ops).toContainEqual({
        op: 'add',
        path: '/metadata/annotations/vault.hashicorp.com~1agent-inject-status',
        value: 'injected',
      });
      const config = /"name":"VAULT_CONFIG","value":"([^"]+)"/.exec(text)?.[1] ?? '';
      const decoded = JSON.parse(Buffer.from(config, 'base64').toString('utf8')) as {
        vault: { address: string };
        auto_auth: { method: { mount_path: string } };
      };
      expect(decoded.vault.address).toBe(CHART_ADDRESS);
      expect(decoded.auto_auth.method.mount_path).toBe('auth/kubernetes');

      // An openbao.org pod under the same chart gets OpenBao's agent, with the chart's image and address.
      const bao = await review(srv, ca, makeReview(openbaoPod()));
      const baoText = JSON.stringify(bao.patch ?? []);
      for (const name of [
        '"openbao-agent"',
        '"openbao-agent-init"',
        '"BAO_CONFIG"',
        '/home/openbao',
      ]) {
        expect(baoText).toContain(name);
      }
      expect(baoText).not.toContain('VAULT_CONFIG');
      expect(baoText).toContain(`"image":"${CHART_AGENT_IMAGE}"`);
      const baoConfig = /"name":"BAO_CONFIG","value":"([^"]+)"/.exec(baoText)?.[1] ?? '';
      expect(Buffer.from(baoConfig, 'base64').toString('utf8')).toContain(CHART_ADDRESS);

      // The chart's webhook also sends UPDATE: allowed, never patched.
      const update = makeReview(vaultPod()) as { request: Record<string, unknown> };
      update.request.operation = 'UPDATE';
      update.request.oldObject = vaultPod();
      expect(await review(srv, ca, update)).toEqual({ allowed: true, patch: undefined });
      // Never more than the chart grants: no 403 answered to this replica.
      expect(api.requests.filter((r) => r.status === 403)).toEqual([]);
    } finally {
      srv.child.kill('SIGTERM');
      expect((await srv.exited).code).toBe(0);
    }
  }, 40_000);
});
