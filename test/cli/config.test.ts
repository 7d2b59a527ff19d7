import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { configOptions } from '../../cli/config-options.js';
import {
  addConfigOptions,
  configFromCommand,
  normaliseConfigArgv,
  resolveConfig,
} from '../../cli/config.js';
import { UsageError } from '../../cli/io.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { DEFAULT_SERVER_CONFIG } from '../../webhook/server-config.js';
import { toError } from '../../patches/to-error.js';
import { testPki } from '../helpers/tls.js';

type Row = [
  flag: string,
  env: string,
  section: 'injector' | 'server',
  key: string,
  raw: string,
  value: unknown,
];

const CA_PEM = testPki().ca.certPem;
const CA_BASE64 = Buffer.from(CA_PEM).toString('base64');

// Names written out by hand (not derived from the table) so a renamed flag or variable fails here.
const SETTINGS: Row[] = [
  [
    'vault-address',
    'AGENT_INJECT_VAULT_ADDR',
    'injector',
    'vaultAddress',
    'https://v:8200',
    'https://v:8200',
  ],
  [
    'vault-image',
    'AGENT_INJECT_VAULT_IMAGE',
    'injector',
    'vaultImage',
    'hashicorp/vault:1.18',
    'hashicorp/vault:1.18',
  ],
  ['vault-auth-type', 'AGENT_INJECT_VAULT_AUTH_TYPE', 'injector', 'authType', 'jwt', 'jwt'],
  [
    'vault-auth-path',
    'AGENT_INJECT_VAULT_AUTH_PATH',
    'injector',
    'authPath',
    'auth/k8s2',
    'auth/k8s2',
  ],
  [
    'vault-namespace',
    'AGENT_INJECT_VAULT_NAMESPACE',
    'injector',
    'vaultNamespace',
    'team-a',
    'team-a',
  ],
  [
    'proxy-address',
    'AGENT_INJECT_PROXY_ADDR',
    'injector',
    'proxyAddress',
    'http://proxy:3128',
    'http://proxy:3128',
  ],
  [
    'revoke-on-shutdown',
    'AGENT_INJECT_REVOKE_ON_SHUTDOWN',
    'injector',
    'revokeOnShutdown',
    'true',
    true,
  ],
  ['run-as-user', 'AGENT_INJECT_RUN_AS_USER', 'injector', 'runAsUser', '2000', '2000'],
  ['run-as-group', 'AGENT_INJECT_RUN_AS_GROUP', 'injector', 'runAsGroup', '3000', '3000'],
  ['run-as-same-user', 'AGENT_INJECT_RUN_AS_SAME_USER', 'injector', 'runAsSameUser', 'T', true],
  [
    'set-security-context',
    'AGENT_INJECT_SET_SECURITY_CONTEXT',
    'injector',
    'setSecurityContext',
    'false',
    false,
  ],
  [
    'default-template',
    'AGENT_INJECT_DEFAULT_TEMPLATE',
    'injector',
    'defaultTemplate',
    'json',
    'json',
  ],
  ['cpu-request', 'AGENT_INJECT_CPU_REQUEST', 'injector', 'cpuRequest', '100m', '100m'],
  ['cpu-limit', 'AGENT_INJECT_CPU_LIMIT', 'injector', 'cpuLimit', '1', '1'],
  ['memory-request', 'AGENT_INJECT_MEM_REQUEST', 'injector', 'memoryRequest', '32Mi', '32Mi'],
  ['memory-limit', 'AGENT_INJECT_MEM_LIMIT', 'injector', 'memoryLimit', '256Mi', '256Mi'],
  [
    'ephemeral-storage-request',
    'AGENT_INJECT_EPHEMERAL_REQUEST',
    'injector',
    'ephemeralRequest',
    '1Gi',
    '1Gi',
  ],
  [
    'ephemeral-storage-limit',
    'AGENT_INJECT_EPHEMERAL_LIMIT',
    'injector',
    'ephemeralLimit',
    '2Gi',
    '2Gi',
  ],
  [
    'template-config-exit-on-retry-failure',
    'AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE',
    'injector',
    'templateConfigExitOnRetryFailure',
    'false',
    false,
  ],
  [
    'template-static-secret-render-interval',
    'AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL',
    'injector',
    'templateStaticSecretRenderInterval',
    '5m',
    '5m',
  ],
  [
    'template-max-connections-per-host',
    'AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST',
    'injector',
    'templateMaxConnectionsPerHost',
    '20',
    20,
  ],
  [
    'template-lease-renewal-threshold',
    'AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD',
    'injector',
    'templateLeaseRenewalThreshold',
    '0.75',
    0.75,
  ],
  ['auth-min-backoff', 'AGENT_INJECT_AUTH_MIN_BACKOFF', 'injector', 'authMinBackoff', '1s', '1s'],
  [
    'auth-max-backoff',
    'AGENT_INJECT_AUTH_MAX_BACKOFF',
    'injector',
    'authMaxBackoff',
    '1m30s',
    '1m30s',
  ],
  [
    'disable-idle-connections',
    'AGENT_INJECT_DISABLE_IDLE_CONNECTIONS',
    'injector',
    'disableIdleConnections',
    'auto-auth,caching',
    'auto-auth,caching',
  ],
  [
    'disable-keep-alives',
    'AGENT_INJECT_DISABLE_KEEP_ALIVES',
    'injector',
    'disableKeepAlives',
    'templating',
    'templating',
  ],
  [
    'vault-cacert-bytes',
    'AGENT_INJECT_VAULT_CACERT_BYTES',
    'injector',
    'vaultCACertBytes',
    CA_BASE64,
    CA_BASE64,
  ],
  [
    'sa-token-projection',
    'AGENT_INJECT_SA_TOKEN_PROJECTION',
    'injector',
    'saTokenProjection',
    'false',
    false,
  ],
  [
    'sa-token-audience',
    'AGENT_INJECT_SA_TOKEN_AUDIENCE',
    'injector',
    'saTokenAudience',
    'vault',
    'vault',
  ],
  [
    'sa-token-expiration-seconds',
    'AGENT_INJECT_SA_TOKEN_EXPIRATION_SECONDS',
    'injector',
    'saTokenExpirationSeconds',
    '7200',
    7200,
  ],
  ['native-sidecar', 'AGENT_INJECT_NATIVE_SIDECAR', 'injector', 'nativeSidecar', '1', true],
  [
    'rewrite-vault-annotations',
    'AGENT_INJECT_REWRITE_VAULT_ANNOTATIONS',
    'injector',
    'rewriteVaultAnnotations',
    'true',
    true,
  ],
  [
    'agent-binary-source',
    'AGENT_INJECT_AGENT_BINARY_SOURCE',
    'injector',
    'agentBinarySource',
    'image-volume',
    'image-volume',
  ],
  ['listen', 'AGENT_INJECT_LISTEN', 'server', 'listen', '127.0.0.1:8443', '127.0.0.1:8443'],
  ['log-level', 'AGENT_INJECT_LOG_LEVEL', 'server', 'logLevel', 'debug', 'debug'],
  ['log-format', 'AGENT_INJECT_LOG_FORMAT', 'server', 'logFormat', 'json', 'json'],
  [
    'tls-cert-file',
    'AGENT_INJECT_TLS_CERT_FILE',
    'server',
    'tlsCertFile',
    '/etc/tls/tls.crt',
    '/etc/tls/tls.crt',
  ],
  [
    'tls-key-file',
    'AGENT_INJECT_TLS_KEY_FILE',
    'server',
    'tlsKeyFile',
    '/etc/tls/tls.key',
    '/etc/tls/tls.key',
  ],
  [
    'tls-ca-cert-file',
    'AGENT_INJECT_TLS_CA_CERT_FILE',
    'server',
    'tlsCaCertFile',
    '/etc/tls/ca.crt',
    '/etc/tls/ca.crt',
  ],
  [
    'tls-auto',
    'AGENT_INJECT_TLS_AUTO',
    'server',
    'tlsAuto',
    'vault-agent-injector-cfg',
    'vault-agent-injector-cfg',
  ],
  [
    'tls-auto-hosts',
    'AGENT_INJECT_TLS_AUTO_HOSTS',
    'server',
    'tlsAutoHosts',
    'svc,svc.ns, svc.ns.svc',
    ['svc', 'svc.ns', 'svc.ns.svc'],
  ],
  [
    'tls-auto-cert-validity',
    'AGENT_INJECT_TLS_AUTO_CERT_VALIDITY',
    'server',
    'tlsAutoCertValidityMs',
    '90s',
    90_000,
  ],
  [
    'tls-auto-ca-validity',
    'AGENT_INJECT_TLS_AUTO_CA_VALIDITY',
    'server',
    'tlsAutoCaValidityMs',
    '2h',
    7_200_000,
  ],
  ['tls-min-version', 'AGENT_INJECT_TLS_MIN_VERSION', 'server', 'tlsMinVersion', 'tls13', 'tls13'],
  [
    'tls-cipher-suites',
    'AGENT_INJECT_TLS_CIPHER_SUITES',
    'server',
    'tlsCipherSuites',
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  ],
  ['telemetry-path', 'AGENT_INJECT_TELEMETRY_PATH', 'server', 'telemetryPath', '/stats', '/stats'],
  [
    'use-leader-elector',
    'AGENT_INJECT_USE_LEADER_ELECTOR',
    'server',
    'useLeaderElector',
    'TRUE',
    true,
  ],
  ['body-limit', 'AGENT_INJECT_BODY_LIMIT', 'server', 'bodyLimit', '1048576', 1048576],
  ['shutdown-grace', 'AGENT_INJECT_SHUTDOWN_GRACE', 'server', 'shutdownGraceMs', '1m30s', 90_000],
];

function pick(cfg: ReturnType<typeof resolveConfig>, section: string, key: string): unknown {
  const values: Readonly<Record<string, unknown>> =
    section === 'injector' ? { ...cfg.injector } : { ...cfg.server };
  return values[key];
}

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(1);
    return toError(err).message;
  }
  throw new Error('expected a UsageError');
}

describe('resolveConfig', () => {
  it('gives the defaults with no flags and no environment', () => {
    const cfg = resolveConfig({}, {});
    expect(cfg.injector).toEqual(DEFAULT_INJECTOR_CONFIG);
    expect(cfg.server).toEqual(DEFAULT_SERVER_CONFIG);
    expect(cfg.injector.vaultAddress).toBe('https://vault.vault.svc:8200');
  });

  it('freezes the result', () => {
    const cfg = resolveConfig({ 'tls-auto-hosts': 'a,b' }, {});
    expect(Object.isFrozen(cfg)).toBe(true);
    expect(Object.isFrozen(cfg.injector)).toBe(true);
    expect(Object.isFrozen(cfg.server)).toBe(true);
    expect(Object.isFrozen(cfg.server.tlsAutoHosts)).toBe(true);
  });

  it('has a flag or variable for every configuration field', () => {
    const covered = new Set(configOptions().map((o) => `${o.section}.${o.key}`));
    const fields = [
      ...Object.keys(DEFAULT_INJECTOR_CONFIG).map((k) => `injector.${k}`),
      ...Object.keys(DEFAULT_SERVER_CONFIG).map((k) => `server.${k}`),
    ];
    expect(fields.filter((f) => !covered.has(f))).toEqual([]);
    const tested = new Set([
      ...SETTINGS.map((r) => `${r[2]}.${r[3]}`),
      'server.namespace',
      'server.podName',
    ]);
    expect(fields.filter((f) => !tested.has(f))).toEqual([]);
  });

  const rows = SETTINGS.map(([flag, env, section, key, raw, value]) => ({
    flag,
    env,
    section,
    key,
    raw,
    value,
  }));

  it.each(rows)('--$flag sets the value', ({ flag, section, key, raw, value }) => {
    expect(pick(resolveConfig({ [flag]: raw }, {}), section, key)).toEqual(value);
  });

  it.each(rows)('$env sets the value', ({ env, section, key, raw, value }) => {
    expect(pick(resolveConfig({}, { [env]: raw }), section, key)).toEqual(value);
  });

  it.each(rows)(
    '--$flag beats $env (unlike vault-k8s, where the environment wins)',
    ({ flag, env, section, key, raw, value }) => {
      // The variable is not even parsed when the flag is given.
      const cfg = resolveConfig({ [flag]: raw }, { [env]: 'not-a-valid-value-for-anything:::' });
      expect(pick(cfg, section, key)).toEqual(value);
    },
  );

  it.each(rows)('an empty $env is ignored', ({ env, section, key }) => {
    const defaults = resolveConfig({}, {});
    expect(pick(resolveConfig({}, { [env]: '' }), section, key)).toEqual(
      pick(defaults, section, key),
    );
  });

  it('reads NAMESPACE and POD_NAME', () => {
    const cfg = resolveConfig({}, { NAMESPACE: 'vault', POD_NAME: 'injector-0' });
    expect(cfg.server.namespace).toBe('vault');
    expect(cfg.server.podName).toBe('injector-0');
    expect(resolveConfig({}, { NAMESPACE: '' }).server.namespace).toBe('default');
  });

  it.each([
    ['TLS_CERT_FILE', 'tlsCertFile', '/a.crt', '/a.crt'],
    ['TLS_KEY_FILE', 'tlsKeyFile', '/a.key', '/a.key'],
    ['TLS_CA_CERT_FILE', 'tlsCaCertFile', '/ca.crt', '/ca.crt'],
    ['TLS_AUTO', 'tlsAuto', 'mwc', 'mwc'],
    ['TLS_AUTO_HOSTS', 'tlsAutoHosts', 'a,b', ['a', 'b']],
    ['TLS_MIN_VERSION', 'tlsMinVersion', 'tls13', 'tls13'],
    ['TLS_CIPHER_SUITES', 'tlsCipherSuites', 'AES128-SHA', 'AES128-SHA'],
  ])('accepts the unprefixed %s fallback, as vault-k8s does', (env, key, raw, value) => {
    expect(pick(resolveConfig({}, { [env]: raw }), 'server', key)).toEqual(value);
  });

  it('prefers AGENT_INJECT_TLS_* over the unprefixed fallback, and a flag over both', () => {
    const env = { AGENT_INJECT_TLS_AUTO: 'prefixed', TLS_AUTO: 'bare' };
    expect(resolveConfig({}, env).server.tlsAuto).toBe('prefixed');
    expect(resolveConfig({}, { AGENT_INJECT_TLS_AUTO: '', TLS_AUTO: 'bare' }).server.tlsAuto).toBe(
      'bare',
    );
    expect(resolveConfig({ 'tls-auto': 'flag' }, env).server.tlsAuto).toBe('flag');
  });

  it('lets an explicit flag set a value back to its default over the environment', () => {
    const env = { AGENT_INJECT_REVOKE_ON_SHUTDOWN: 'true', AGENT_INJECT_VAULT_NAMESPACE: 'x' };
    const cfg = resolveConfig({ 'revoke-on-shutdown': 'false', 'vault-namespace': '' }, env);
    expect(cfg.injector.revokeOnShutdown).toBe(false);
    expect(cfg.injector.vaultNamespace).toBe('');
  });

  describe('Go boolean grammar', () => {
    const truthy = ['1', 't', 'T', 'TRUE', 'true', 'True'];
    const falsy = ['0', 'f', 'F', 'FALSE', 'false', 'False'];
    it.each(truthy)('flag value %s is true', (raw) => {
      expect(resolveConfig({ 'revoke-on-shutdown': raw }, {}).injector.revokeOnShutdown).toBe(true);
    });
    it.each(falsy)('variable value %s is false', (raw) => {
      const env = { AGENT_INJECT_SET_SECURITY_CONTEXT: raw };
      expect(resolveConfig({}, env).injector.setSecurityContext).toBe(false);
    });
    it('a bare boolean flag (commander gives true) is true', () => {
      expect(resolveConfig({ 'native-sidecar': true }, {}).injector.nativeSidecar).toBe(true);
    });
    it.each(['yes', 'no', 'on', 'tRuE', ' true', 'y'])('rejects %j', (raw) => {
      const msg = usageMessage(() => resolveConfig({}, { AGENT_INJECT_NATIVE_SIDECAR: raw }));
      expect(msg).toContain('AGENT_INJECT_NATIVE_SIDECAR');
      expect(msg).toContain('--native-sidecar');
      expect(msg).toContain(JSON.stringify(raw));
      expect(msg).toContain('true/false');
    });
  });

  describe('agent binary source', () => {
    it('defaults to copy', () => {
      expect(resolveConfig({}, {}).injector.agentBinarySource).toBe('copy');
    });
    it.each(['Copy', 'imagevolume', 'image'])('rejects %j, naming both spellings', (raw) => {
      const msg = usageMessage(() => resolveConfig({}, { AGENT_INJECT_AGENT_BINARY_SOURCE: raw }));
      expect(msg).toContain('AGENT_INJECT_AGENT_BINARY_SOURCE');
      expect(msg).toContain('--agent-binary-source');
      expect(msg).toContain('"copy" or "image-volume"');
    });
  });

  it.each([
    ['trace', 'trace'],
    ['DEBUG', 'debug'],
    [' info ', 'info'],
    ['notice', 'info'],
    ['warn', 'warn'],
    ['Warning', 'warn'],
    ['err', 'error'],
    ['error', 'error'],
  ])('maps log level %j to %s', (raw, level) => {
    expect(resolveConfig({ 'log-level': raw }, {}).server.logLevel).toBe(level);
  });

  it.each([':8080', '0.0.0.0:8443', 'localhost:443', '[::1]:8443', '[::]:0', ':65535'])(
    'accepts listen address %s',
    (addr) => {
      expect(resolveConfig({ listen: addr }, {}).server.listen).toBe(addr);
    },
  );

  it.each([
    ['300ms', 300],
    ['20s', 20_000],
    ['1.5s', 1500],
    ['0', 0],
    ['1h', 3_600_000],
  ])('converts shutdown grace %s to %d ms', (raw, ms) => {
    expect(resolveConfig({ 'shutdown-grace': raw }, {}).server.shutdownGraceMs).toBe(ms);
  });

  it('turns an empty --tls-auto-hosts into no hosts', () => {
    expect(resolveConfig({ 'tls-auto-hosts': '' }, {}).server.tlsAutoHosts).toEqual([]);
  });

  describe('validation errors name the flag or variable, the value and what is accepted', () => {
    it.each([
      ['default-template', 'JSON', '"map" or "json"'],
      ['default-template', 'yaml', '"map" or "json"'],
      ['auth-min-backoff', '5', 'Go duration'],
      ['auth-max-backoff', 'soon', 'Go duration'],
      ['template-static-secret-render-interval', '10x', 'Go duration'],
      ['log-level', 'loud', 'trace, debug, info'],
      ['log-format', 'xml', '"standard" or "json"'],
      ['tls-min-version', 'tls14', 'tls10, tls11, tls12, tls13'],
      ['tls-min-version', 'TLS12', 'tls10, tls11, tls12, tls13'],
      ['listen', '8080', ':PORT'],
      ['listen', ':99999', 'port up to 65535'],
      ['listen', '::1:8080', '[IPv6]:PORT'],
      ['listen', 'host:', ':PORT'],
      ['template-max-connections-per-host', 'many', 'integer'],
      ['template-max-connections-per-host', '1.5', 'integer'],
      ['template-lease-renewal-threshold', 'NaN', 'finite decimal number'],
      ['template-lease-renewal-threshold', '', 'finite decimal number'],
      ['sa-token-expiration-seconds', '60', 'from 600'],
      ['body-limit', '0', 'positive whole number'],
      ['body-limit', '10MB', 'positive whole number'],
      ['shutdown-grace', '-1s', 'non-negative Go duration'],
      ['shutdown-grace', '20', 'non-negative Go duration'],
      ['tls-auto-cert-validity', '10s', 'at least 30s'],
      ['tls-auto-ca-validity', 'forever', 'at least 30s'],
      ['telemetry-path', 'metrics', 'starting with "/"'],
      ['vault-address', '', 'non-empty'],
      ['vault-auth-path', '', 'non-empty'],
      ['revoke-on-shutdown', 'yes', 'true/false'],
    ])('--%s=%j', (flag, raw, accepted) => {
      const msg = usageMessage(() => resolveConfig({ [flag]: raw }, {}));
      expect(msg).toBe(msg.split('\n')[0]);
      expect(msg).toContain(`--${flag}`);
      expect(msg).toContain(`invalid value ${JSON.stringify(raw)}`);
      expect(msg).toContain(accepted);
    });

    it.each([
      ['AGENT_INJECT_DEFAULT_TEMPLATE', 'JSON', '--default-template'],
      ['AGENT_INJECT_AUTH_MIN_BACKOFF', '5', '--auth-min-backoff'],
      ['AGENT_INJECT_LOG_LEVEL', 'loud', '--log-level'],
      ['AGENT_INJECT_TLS_MIN_VERSION', 'tls9', '--tls-min-version'],
      ['TLS_MIN_VERSION', 'tls9', '--tls-min-version'],
      ['AGENT_INJECT_LISTEN', 'nope', '--listen'],
      [
        'AGENT_INJECT_TEMPLATE_MAX_CONNECTIONS_PER_HOST',
        'x',
        '--template-max-connections-per-host',
      ],
      ['AGENT_INJECT_TEMPLATE_LEASE_RENEWAL_THRESHOLD', 'x', '--template-lease-renewal-threshold'],
      ['AGENT_INJECT_USE_LEADER_ELECTOR', 'maybe', '--use-leader-elector'],
    ])('%s=%j', (env, raw, flag) => {
      const msg = usageMessage(() => resolveConfig({}, { [env]: raw }));
      expect(msg).toContain(`invalid value ${JSON.stringify(raw)} for ${flag} (from ${env})`);
    });

    it('does not read an invalid variable when the flag overrides it', () => {
      const cfg = resolveConfig({ 'log-level': 'warn' }, { AGENT_INJECT_LOG_LEVEL: 'loud' });
      expect(cfg.server.logLevel).toBe('warn');
    });
  });

  it('rejects flag names it does not know (a programming error, not a user one)', () => {
    expect(() => resolveConfig({ 'vault-adress': 'x' }, {})).toThrow(/unknown flags vault-adress/);
  });
});

// openbao-k8s's names for six settings, written out by hand like SETTINGS.
const BAO_ALIASES = (
  [
    [
      'bao-address',
      'vault-address',
      'AGENT_INJECT_BAO_ADDR',
      'AGENT_INJECT_VAULT_ADDR',
      'vaultAddress',
    ],
    [
      'bao-image',
      'vault-image',
      'AGENT_INJECT_BAO_IMAGE',
      'AGENT_INJECT_VAULT_IMAGE',
      'vaultImage',
    ],
    [
      'bao-auth-type',
      'vault-auth-type',
      'AGENT_INJECT_BAO_AUTH_TYPE',
      'AGENT_INJECT_VAULT_AUTH_TYPE',
      'authType',
    ],
    [
      'bao-auth-path',
      'vault-auth-path',
      'AGENT_INJECT_BAO_AUTH_PATH',
      'AGENT_INJECT_VAULT_AUTH_PATH',
      'authPath',
    ],
    [
      'bao-namespace',
      'vault-namespace',
      'AGENT_INJECT_BAO_NAMESPACE',
      'AGENT_INJECT_VAULT_NAMESPACE',
      'vaultNamespace',
    ],
    [
      'bao-cacert-bytes',
      'vault-cacert-bytes',
      'AGENT_INJECT_BAO_CACERT_BYTES',
      'AGENT_INJECT_VAULT_CACERT_BYTES',
      'vaultCACertBytes',
    ],
  ] as Array<[alias: string, flag: string, baoEnv: string, vaultEnv: string, key: string]>
).map(([alias, flag, baoEnv, vaultEnv, key]) => ({ alias, flag, baoEnv, vaultEnv, key }));

describe('OpenBao spellings of the Vault settings', () => {
  const get = (cfg: ReturnType<typeof resolveConfig>, key: string): unknown =>
    pick(cfg, 'injector', key);
  // A valid value of the setting that shows which spelling it came from.
  const SAMPLES: Readonly<Record<string, (tag: string) => string>> = {
    vaultAddress: (tag) => `https://${tag}:8200`,
    vaultCACertBytes: (tag) => `# ${tag}\n${CA_PEM}`,
  };
  const valueOf = (key: string, tag: string): string => SAMPLES[key]?.(tag) ?? tag;

  it.each(BAO_ALIASES)('--$alias sets $key', ({ alias, key }) => {
    const v = valueOf(key, 'from-alias');
    expect(get(resolveConfig({ [alias]: v }, {}), key)).toBe(v);
  });

  it.each(BAO_ALIASES)('$baoEnv is read before $vaultEnv', ({ baoEnv, vaultEnv, key }) => {
    const env = { [baoEnv]: valueOf(key, 'from-bao'), [vaultEnv]: valueOf(key, 'from-vault') };
    expect(get(resolveConfig({}, env), key)).toBe(valueOf(key, 'from-bao'));
  });

  it.each(BAO_ALIASES)('an empty $baoEnv falls back to $vaultEnv', ({ baoEnv, vaultEnv, key }) => {
    const env = { [baoEnv]: '', [vaultEnv]: valueOf(key, 'from-vault') };
    expect(get(resolveConfig({}, env), key)).toBe(valueOf(key, 'from-vault'));
  });

  it.each(BAO_ALIASES)('--$alias wins over --$flag and both variables', (row) => {
    const v = (tag: string): string => valueOf(row.key, tag);
    const env = { [row.baoEnv]: v('bao-env'), [row.vaultEnv]: v('vault-env') };
    const flags = { [row.flag]: v('vault-flag'), [row.alias]: v('bao-flag') };
    expect(get(resolveConfig(flags, env), row.key)).toBe(v('bao-flag'));
  });

  it('names the alias the user wrote in a validation error', () => {
    const msg = usageMessage(() => resolveConfig({ 'bao-address': '' }, {}));
    expect(msg).toContain('--bao-address');
    expect(msg).toContain('non-empty');
  });

  it('leaves the agent image unset by default, so each flavour picks its own', () => {
    expect(resolveConfig({}, {}).injector.vaultImage).toBe('');
  });

  it('keeps rewriting vault.hashicorp.com annotations off by default', () => {
    expect(resolveConfig({}, {}).injector.rewriteVaultAnnotations).toBe(false);
  });
});

describe('addConfigOptions and configFromCommand', () => {
  function parse(
    argv: string[],
    env: Record<string, string> = {},
  ): ReturnType<typeof resolveConfig> {
    const cmd = addConfigOptions(new Command('t').exitOverride());
    cmd.parse(normaliseConfigArgv(argv), { from: 'user' });
    return configFromCommand(cmd, env);
  }

  it('adds every flag of the table', () => {
    const cmd = addConfigOptions(new Command('t'));
    const longs = cmd.options.map((o) => o.long);
    for (const [flag] of SETTINGS) expect(longs).toContain(`--${flag}`);
    for (const { alias } of BAO_ALIASES) expect(longs).toContain(`--${alias}`);
  });

  it.each([
    [['-bao-address=https://bao:8200'], 'https://bao:8200'],
    [['--bao-address', 'https://bao:8200'], 'https://bao:8200'],
  ])('reads the OpenBao spelling written as %j', (argv, value) => {
    expect(parse(argv).injector.vaultAddress).toBe(value);
  });

  it('sets no commander defaults, so only given flags override the environment', () => {
    const cfg = parse([], { AGENT_INJECT_VAULT_IMAGE: 'env/image:1' });
    expect(cfg.injector.vaultImage).toBe('env/image:1');
  });

  it.each([
    [['--vault-address', 'https://a:8200'], 'https://a:8200'],
    [['--vault-address=https://b:8200'], 'https://b:8200'],
    [['-vault-address=https://c:8200'], 'https://c:8200'],
    [['-vault-address', 'https://d:8200'], 'https://d:8200'],
  ])('reads a value flag written as %j', (argv, value) => {
    expect(parse(argv).injector.vaultAddress).toBe(value);
  });

  it.each([
    [['--revoke-on-shutdown'], true],
    [['--revoke-on-shutdown=true'], true],
    [['--revoke-on-shutdown=false'], false],
    [['-revoke-on-shutdown'], true],
    [['-revoke-on-shutdown=false'], false],
    [['-revoke-on-shutdown=0'], false],
  ])('reads a boolean flag written as %j', (argv, value) => {
    const env = { AGENT_INJECT_REVOKE_ON_SHUTDOWN: value ? 'false' : 'true' };
    expect(parse(argv, env).injector.revokeOnShutdown).toBe(value);
  });

  it('does not let a boolean flag swallow the next argument', () => {
    const cmd = addConfigOptions(new Command('t').argument('[rest...]'));
    cmd.parse(normaliseConfigArgv(['--native-sidecar', 'false']), { from: 'user' });
    expect(configFromCommand(cmd, {}).injector.nativeSidecar).toBe(true);
    expect(cmd.args).toEqual(['false']);
  });
});

describe('the grammars of the agent settings accept what the cluster accepts', () => {
  const accepts = (flag: string, raw: string): void => {
    expect(() => resolveConfig({ [flag]: raw }, {}), `${flag}=${raw}`).not.toThrow();
  };
  const refuses = (flag: string, raw: string): string =>
    usageMessage(() => resolveConfig({ [flag]: raw }, {}));

  it.each([
    'vault',
    'hashicorp/vault:2.0.4',
    'quay.io/openbao/openbao:2.6.2',
    'docker.io/library/vault:latest',
    'localhost:5000/team/vault_agent-x:v1.2.3-rc.1',
    `registry.example.com:5000/vault@sha256:${'a'.repeat(64)}`,
    `vault:1.18@sha256:${'0'.repeat(64)}`,
    '[::1]:5000/vault',
  ])('--vault-image %s', (image) => accepts('vault-image', image));

  it.each([
    'Vault',
    'hashicorp/vault:',
    'hashicorp//vault',
    'vault 1.18',
    ':tag',
    'vault@sha256:abc',
  ])('refuses --vault-image %j', (image) =>
    expect(refuses('vault-image', image)).toContain('image reference'),
  );

  it.each([
    'http://vault:8200',
    'https://10.0.0.1:8200',
    'https://[::1]:8200',
    'unix:///run/vault.sock',
  ])('--vault-address %s', (url) => accepts('vault-address', url));

  it.each(['vault:8200', 'vault.vault.svc', 'ftp://vault', 'https://'])(
    'refuses --vault-address %j',
    (url) => expect(refuses('vault-address', url)).toContain('https:// URL'),
  );

  it.each([
    '',
    'proxy:3128',
    'http://proxy:3128',
    'http://user:pw@proxy.example:3128',
    'socks5://p:1080',
  ])('--proxy-address %j', (p) => accepts('proxy-address', p));

  it.each(['0', '100', '2147483647', ''])('--run-as-user %j', (id) => accepts('run-as-user', id));

  it.each(['-1', '2147483648', '1.5', 'root'])('refuses --run-as-group %j', (id) =>
    expect(refuses('run-as-group', id)).toContain('from 0 to 2147483647'),
  );

  it.each(['0', '0.5', '250m', '1e3', '100Mi', '128Mi', ''])('--memory-request %j', (q) =>
    accepts('memory-request', q),
  );

  it.each(['', 'auto-auth', 'auto-auth,caching,proxying,templating'])(
    '--disable-keep-alives %j',
    (l) => accepts('disable-keep-alives', l),
  );

  it('--vault-cacert-bytes takes PEM verbatim or base64-encoded', () => {
    accepts('vault-cacert-bytes', CA_PEM);
    accepts('vault-cacert-bytes', CA_BASE64);
    accepts('vault-cacert-bytes', `${CA_PEM}${CA_PEM}`);
    const broken = CA_PEM.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    expect(refuses('vault-cacert-bytes', broken)).toContain('PEM certificates');
  });

  it.each(['vault-agent-injector-cfg', 'a.b-c', ''])('--tls-auto %j', (n) =>
    accepts('tls-auto', n),
  );

  it('a request equal to its limit is fine; one above it is refused naming both', () => {
    accepts('cpu-limit', '250m');
    expect(() => resolveConfig({ 'cpu-request': '1', 'cpu-limit': '1000m' }, {})).not.toThrow();
    expect(() => resolveConfig({ 'ephemeral-storage-request': '2Gi' }, {})).not.toThrow();
    expect(usageMessage(() => resolveConfig({}, { AGENT_INJECT_MEM_REQUEST: '256Mi' }))).toBe(
      'invalid value "256Mi" for --memory-request (from AGENT_INJECT_MEM_REQUEST): expected at most the memory limit 128Mi (--memory-limit, the default)',
    );
  });

  it('--tls-auto alone, or certificate files alone, are fine', () => {
    expect(() => resolveConfig({ 'tls-auto': 'mwc' }, {})).not.toThrow();
    expect(() => resolveConfig({}, { TLS_CERT_FILE: '/a', TLS_KEY_FILE: '/b' })).not.toThrow();
  });
});
