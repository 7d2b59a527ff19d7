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

/** ConfigMap mode: the agent reads its config from the ConfigMap, the connection from env. */
function connectionEnv(spec: AgentSpec): EnvVar[] {
  const P = spec.names.envPrefix;
  const v = spec.vault;
  const set = (name: string, value: string): EnvVar[] => (value === '' ? [] : [{ name, value }]);
  return [
    ...set(`${P}ADDR`, v.address),
    ...set(`${P}CACERT`, v.caCert),
    ...set(`${P}CAPATH`, v.caPath),
    ...set(`${P}CLIENT_CERT`, v.clientCert),
    ...set(`${P}CLIENT_KEY`, v.clientKey),
    { name: `${P}SKIP_VERIFY`, value: String(v.tlsSkipVerify) },
    ...set(`${P}TLS_SERVER_NAME`, v.tlsServerName),
  ];
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
  // VAULT_* for Vault's agent, BAO_* for OpenBao's: each reads its own names first.
  const P = spec.names.envPrefix;
  plain('GOMAXPROCS', spec.env.goMaxProcs);
  plain(`${P}CLIENT_TIMEOUT`, spec.env.clientTimeout);
  plain(`${P}MAX_RETRIES`, spec.env.clientMaxRetries);
  plain(`${P}LOG_LEVEL`, spec.env.logLevel);
  plain(`${P}LOG_FORMAT`, spec.env.logFormat);
  plain('HTTPS_PROXY', spec.env.proxyAddress);
  if (vaultConfig !== undefined) env.push({ name: `${P}CONFIG`, value: vaultConfig });
  else env.push(...connectionEnv(spec));
  if (spec.vaultCACertBytes !== '')
    env.push({ name: `${P}CACERT_BYTES`, value: decodeCACertBytes(spec.vaultCACertBytes) });
  env.push(...spec.aws.env);
  return env;
}
