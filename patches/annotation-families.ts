// The prefix families of the annotation table: a prefix ending in "-" and a NAME chosen by the user
// (a secret, an auth-config field, a telemetry field, an environment variable).
import { G } from './annotation-grammar.js';
import { family } from './annotation-row.js';

export const FAMILIES = {
  secret: family('agent-inject-secret-', G.path, 'declares secret NAME: the Vault path it reads', {
    role: 'declares',
  }),
  templateFile: family(
    'agent-inject-template-file-',
    G.path,
    'declares secret NAME: path of its template file in the agent container',
    // Logged by key only since the redaction matched agent-inject-template- by prefix.
    { role: 'declares', secret: true },
  ),
  template: family(
    'agent-inject-template-',
    G.template,
    'declares secret NAME, or gives its template',
    { role: 'declares', secret: true },
  ),
  file: family('agent-inject-file-', G.path, 'file name of secret NAME', { role: 'per-secret' }),
  perms: family('agent-inject-perms-', G.string, 'file mode of secret NAME', {
    role: 'per-secret',
  }),
  command: family('agent-inject-command-', G.string, 'command run after secret NAME is rendered', {
    role: 'per-secret',
  }),
  errorOnMissingKey: family(
    'error-on-missing-key-',
    G.bool,
    'fail rendering secret NAME when its template reads a missing key',
    { role: 'per-secret' },
  ),
  leftDelim: family(
    'agent-template-left-delim-',
    G.string,
    'left delimiter of the template of secret NAME',
    { role: 'per-secret' },
  ),
  rightDelim: family(
    'agent-template-right-delim-',
    G.string,
    'right delimiter of the template of secret NAME',
    { role: 'per-secret' },
  ),
  secretVolumePath: family(
    'secret-volume-path-',
    G.path,
    'mount path of the volume secret NAME is written to',
    { role: 'per-secret' },
  ),
  preserveSecretCase: family(
    'preserve-secret-case-',
    G.bool,
    'keep the case of NAME in its file name',
    { role: 'per-secret' },
  ),
  authConfig: family(
    'auth-config-',
    G.string,
    'field NAME (dashes as underscores) of the auto-auth method config',
    { role: 'own', secret: true },
  ),
  agentTelemetry: family(
    'agent-telemetry-',
    G.json,
    "field NAME (dashes as underscores) of the agent's telemetry stanza",
    { role: 'own' },
  ),
  env: family('agent-inject-env-', G.string, 'env secrets: variable NAME from `<path>#<field>`', {
    role: 'own',
    beyondVaultK8s: true,
  }),
  envTemplate: family(
    'agent-inject-env-template-',
    G.template,
    'env secrets: the template of variable NAME',
    { role: 'own', secret: true, beyondVaultK8s: true },
  ),
  envConfig: family(
    'agent-env-config-',
    G.json,
    'the env agent config of the container at index NAME',
    { role: 'own', secret: true, beyondVaultK8s: true, written: true },
  ),
} as const;
