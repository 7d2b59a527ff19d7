// The two charts an in-place migration from vault-k8s happens under, as the injector sees them:
// namespace, webhook configuration, Service name, and the Deployment's env block (HA render:
// replicas > 1 and leader election on). Both charts run the vault-k8s image today, so the old
// pods use vault-k8s's names (`vault-k8s-leader`, `vault-injector-certs`) under either.
import { vaultHelmEnv } from '../replicas/cluster.js';

export interface ChartProfile {
  readonly chart: string;
  readonly namespace: string;
  readonly mwcName: string;
  /** What the API server puts in SNI when it calls the webhook Service. */
  readonly serviceHost: string;
  readonly hosts: readonly string[];
  /** The Secret the chart pre-creates empty (openbao-helm's is one vault-k8s never uses). */
  readonly preCreatedSecret: string;
  env(podName: string, port: number): Record<string, string>;
}

export const VAULT_HELM: ChartProfile = {
  chart: 'vault-helm',
  namespace: 'vault',
  mwcName: 'vault-agent-injector-cfg',
  serviceHost: 'vault-agent-injector-svc.vault.svc',
  hosts: [
    'vault-agent-injector-svc',
    'vault-agent-injector-svc.vault',
    'vault-agent-injector-svc.vault.svc',
  ],
  preCreatedSecret: 'vault-injector-certs',
  env: vaultHelmEnv,
};

const OPENBAO_HOSTS = [
  'openbao-agent-injector-svc',
  'openbao-agent-injector-svc.openbao',
  'openbao-agent-injector-svc.openbao.svc',
];

/** openbao-helm 0.29.2's injector env block, in its order (OpenBao reference §7.1). */
function openbaoHelmEnv(podName: string, port: number): Record<string, string> {
  return {
    // The chart listens on ":8080"; replicas sharing one host need a port each.
    AGENT_INJECT_LISTEN: `127.0.0.1:${port}`,
    AGENT_INJECT_LOG_LEVEL: 'info',
    AGENT_INJECT_VAULT_ADDR: 'http://openbao.openbao.svc:8200',
    AGENT_INJECT_VAULT_AUTH_PATH: 'auth/kubernetes',
    AGENT_INJECT_VAULT_IMAGE: 'quay.io/openbao/openbao:2.6.2',
    AGENT_INJECT_TLS_AUTO: 'openbao-agent-injector-cfg',
    AGENT_INJECT_TLS_AUTO_HOSTS: OPENBAO_HOSTS.join(','),
    AGENT_INJECT_LOG_FORMAT: 'standard',
    AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'false',
    AGENT_INJECT_USE_LEADER_ELECTOR: 'true',
    NAMESPACE: 'openbao',
    AGENT_INJECT_CPU_REQUEST: '250m',
    AGENT_INJECT_CPU_LIMIT: '500m',
    AGENT_INJECT_MEM_REQUEST: '64Mi',
    AGENT_INJECT_MEM_LIMIT: '128Mi',
    AGENT_INJECT_DEFAULT_TEMPLATE: 'map',
    AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE: 'true',
    POD_NAME: podName,
  };
}

export const OPENBAO_HELM: ChartProfile = {
  chart: 'openbao-helm',
  namespace: 'openbao',
  mwcName: 'openbao-agent-injector-cfg',
  serviceHost: 'openbao-agent-injector-svc.openbao.svc',
  hosts: OPENBAO_HOSTS,
  preCreatedSecret: 'openbao-injector-certs',
  env: openbaoHelmEnv,
};
