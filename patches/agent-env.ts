// Environment of both agent containers, in vault-k8s order so injected pods compare equal.
import type { AgentSpec } from './agent-spec.js';
import type { EnvVar } from './k8s-types.js';

const field = (name: string, fieldPath: string): EnvVar => ({
  name,
  valueFrom: { fieldRef: { fieldPath } },
});

/** VAULT_CACERT_BYTES: base64-decoded when it is valid standard base64 (CR/LF ignored), else verbatim. */
export function decodeCACertBytes(raw: string): string {
  const compact = raw.replace(/[\r\n]/g, '');
  if (compact !== '' && /^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 === 0) {
    return Buffer.from(compact, 'base64').toString('utf8');
  }
  return raw;
}

export function agentEnv(spec: AgentSpec, vaultConfig: string | undefined): EnvVar[] {
  const env: EnvVar[] = [
    field('NAMESPACE', 'metadata.namespace'),
    field('HOST_IP', 'status.hostIP'),
    field('POD_IP', 'status.podIP'),
  ];
  const plain = (name: string, value: string): void => {
    if (value !== '') env.push({ name, value });
  };
  plain('GOMAXPROCS', spec.env.goMaxProcs);
  plain('VAULT_CLIENT_TIMEOUT', spec.env.clientTimeout);
  plain('VAULT_MAX_RETRIES', spec.env.clientMaxRetries);
  plain('VAULT_LOG_LEVEL', spec.env.logLevel);
  plain('VAULT_LOG_FORMAT', spec.env.logFormat);
  plain('HTTPS_PROXY', spec.env.proxyAddress);
  if (vaultConfig !== undefined) {
    env.push({ name: 'VAULT_CONFIG', value: vaultConfig });
  } else {
    // ConfigMap mode: the agent reads its config from the ConfigMap, the connection from env.
    plain('VAULT_ADDR', spec.vault.address);
    plain('VAULT_CACERT', spec.vault.caCert);
    plain('VAULT_CAPATH', spec.vault.caPath);
    plain('VAULT_CLIENT_CERT', spec.vault.clientCert);
    plain('VAULT_CLIENT_KEY', spec.vault.clientKey);
    env.push({ name: 'VAULT_SKIP_VERIFY', value: String(spec.vault.tlsSkipVerify) });
    plain('VAULT_TLS_SERVER_NAME', spec.vault.tlsServerName);
  }
  if (spec.vaultCACertBytes !== '')
    env.push({ name: 'VAULT_CACERT_BYTES', value: decodeCACertBytes(spec.vaultCACertBytes) });
  env.push(...spec.aws.env);
  return env;
}
