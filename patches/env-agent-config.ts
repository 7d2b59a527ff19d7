// The agent config of one wrapped container: process supervisor mode. The agent renders the
// variables, starts the app with them and restarts it when one changes. Both agents refuse unknown
// keys and `template`, `api_proxy` next to `env_template`, so nothing else is emitted: no sink, no
// pid file (nothing to write in the app's filesystem), no Vault-only child_process_* keys.
import { autoAuthMethod, templateConfigRest, vaultStanza } from './agent-config.js';
import type { AgentSpec } from './agent-spec.js';
import type { EnvSecrets, WrappedContainer } from './env-spec.js';

export interface EnvAgentConfig {
  auto_auth: { method: ReturnType<typeof autoAuthMethod> };
  vault: Record<string, string | boolean>;
  log_level: string;
  log_format?: string;
  template_config: Record<string, string | number | boolean>;
  env_template: Record<string, { contents: string; error_on_missing_key: true }>;
  exec: {
    command: string[];
    restart_on_secret_changes: EnvSecrets['restart'];
    restart_stop_signal: string;
  };
}

export function buildEnvAgentConfig(
  spec: AgentSpec,
  env: EnvSecrets,
  container: WrappedContainer,
): EnvAgentConfig {
  // A missing key must fail the render, never start the app with "<no value>" as a password.
  // fromEntries defines own properties, so a variable named __proto__ stays a variable.
  const templates: EnvAgentConfig['env_template'] = Object.fromEntries(
    env.vars.map((v) => [v.name, { contents: v.contents, error_on_missing_key: true as const }]),
  );
  return {
    auto_auth: { method: autoAuthMethod(spec) },
    vault: vaultStanza(spec),
    // The agent's settings go in its config: env vars would reach the app, which inherits them all.
    log_level: spec.env.logLevel,
    ...(spec.env.logFormat !== 'standard' ? { log_format: spec.env.logFormat } : {}),
    // Exit rather than retry forever: the app would otherwise sit unstarted with no sign of why.
    template_config: { exit_on_retry_failure: true, ...templateConfigRest(spec) },
    env_template: templates,
    exec: {
      command: [...container.argv],
      restart_on_secret_changes: env.restart,
      restart_stop_signal: env.stopSignal,
    },
  };
}
