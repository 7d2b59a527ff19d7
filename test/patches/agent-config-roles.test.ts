// The init and sidecar agents get configs built as values for their role: the two differ in
// exit_after_auth and, where the cache or the quit endpoint asks for it, in the cache stanzas,
// and in nothing else (key order included, so the decoded JSON still matches vault-k8s's).
import { describe, expect, it } from 'vitest';
import { buildAgentConfig, type AgentConfig } from '../../patches/agent-config.js';
import type { AgentSpec } from '../../patches/agent-spec.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import type { Container, Pod } from '../../patches/k8s-types.js';
import { makePod } from '../helpers/pods.js';

const P = 'vault.hashicorp.com/';
const BASE = {
  [`${P}agent-inject`]: 'true',
  [`${P}role`]: 'app',
  [`${P}agent-inject-secret-db`]: 'database/creds/app',
};

function injected(annotations: Record<string, string>): { pod: Pod; spec: AgentSpec } {
  const outcome = inject(makePod({ ...BASE, ...annotations }), {
    namespace: 'shop',
    kind: 'Pod',
    config: DEFAULT_INJECTOR_CONFIG,
  });
  if (outcome.decision !== 'inject') throw new Error(`not injected: ${JSON.stringify(outcome)}`);
  return { pod: outcome.pod, spec: outcome.spec };
}

/** VAULT_CONFIG of one container, as the text the agent decodes. */
function configText(container: Container | undefined): string {
  const value = container?.env?.find((e) => e.name === 'VAULT_CONFIG')?.value;
  if (value === undefined) throw new Error(`no VAULT_CONFIG in ${container?.name}`);
  return Buffer.from(value, 'base64').toString('utf8');
}

function agentConfigs(pod: Pod): { init: string; sidecar: string } {
  const init = pod.spec?.initContainers?.find((c) => c.name === 'vault-agent-init');
  const sidecar = pod.spec?.containers.find((c) => c.name === 'vault-agent');
  return { init: configText(init), sidecar: configText(sidecar) };
}

/** The keys, in order, at every level: what JSON.stringify writes. */
function keyPaths(v: unknown, at = ''): string[] {
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, c]) => [`${at}/${k}`, ...keyPaths(c, `${at}/${k}`)]);
}

describe('agent config per role', () => {
  it.each([
    ['defaults', {}],
    ['persistent cache (init and sidecar)', { [`${P}agent-cache-enable`]: 'true' }],
    ['quit endpoint', { [`${P}agent-enable-quit`]: 'true' }],
    [
      'cache and quit with auth settings',
      {
        [`${P}agent-cache-enable`]: 'true',
        [`${P}agent-enable-quit`]: 'true',
        [`${P}auth-path`]: 'auth/k8s',
        [`${P}agent-inject-token`]: 'true',
      },
    ],
  ])('%s: the sidecar is the init config with exit_after_auth false', (_name, annotations) => {
    const { pod, spec } = injected(annotations);
    const text = agentConfigs(pod);
    const init = JSON.parse(text.init) as AgentConfig;
    const sidecar = JSON.parse(text.sidecar) as AgentConfig;
    expect(init.exit_after_auth).toBe(true);
    expect(sidecar).toEqual({ ...init, exit_after_auth: false });
    expect(keyPaths(sidecar)).toEqual(keyPaths(init));
    // Each text is its role's value serialised on its own.
    expect(text.init).toBe(JSON.stringify(buildAgentConfig(spec, 'init')));
    expect(text.sidecar).toBe(JSON.stringify(buildAgentConfig(spec, 'sidecar')));
  });

  it("a cache without an init agent is the sidecar's own: listener and cache only there", () => {
    const { spec } = injected({
      [`${P}agent-cache-enable`]: 'true',
      [`${P}agent-pre-populate`]: 'false',
    });
    expect(spec.layout).toEqual({ init: false, sidecar: 'container' });
    const init = buildAgentConfig(spec, 'init');
    const sidecar = buildAgentConfig(spec, 'sidecar');
    expect(init.listener).toBeUndefined();
    expect(init.cache).toBeUndefined();
    expect(sidecar.listener).toEqual([
      { type: 'tcp', address: '127.0.0.1:8200', tls_disable: true },
    ]);
    expect(sidecar.cache).toEqual({ use_auto_auth_token: 'true' });
    const { listener: _l, cache: _c, ...rest } = sidecar;
    expect(rest).toEqual({ ...init, exit_after_auth: false });
  });
});
