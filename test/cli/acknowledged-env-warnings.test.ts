// Env-secret caveats that nothing in the pod can remove (exec'd processes do not see the secrets,
// the agent shares the container's memory) are warnings until the user names the containers in
// agent-env-containers; then they are info, and `lint --strict` passes. Caveats the pod can fix
// stay warnings.
import { describe, expect, it } from 'vitest';
import { podYaml } from '../helpers/pods.js';
import { runCli } from './built-cli.js';

function pod(annotations: Record<string, string>, env = ''): string {
  const withEnv = {
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'web',
    'vault.hashicorp.com/agent-inject-env-DB_PASSWORD': 'secret/data/web#password',
    'vault.hashicorp.com/agent-env-restart-signal': 'SIGTERM',
    ...annotations,
  };
  return podYaml(withEnv, {
    image: 'example/web:1',
    containerLines: [
      '      command: ["/app/server"]',
      '      resources: { limits: { memory: 256Mi } }',
      ...(env === '' ? [] : [`      env: [${env}]`]),
    ],
  });
}

interface Row {
  annotation: string;
  severity: string;
  message: string;
}

async function rows(manifest: string): Promise<Row[]> {
  const run = await runCli(['lint', '-f', '-', '-o', 'json'], { input: manifest });
  return (JSON.parse(run.stdout) as Row[]).map(({ annotation, severity, message }) => ({
    annotation,
    severity,
    message,
  }));
}

const EXEC =
  'env secrets exist only in the environment of the process the agent starts: kubectl exec, exec probes and lifecycle hooks do not see them';
const MEMORY =
  'the agent runs inside container "app" and counts against its memory limit (256Mi); allow for it';

describe('acknowledged env-secret caveats', () => {
  const named = pod({ 'vault.hashicorp.com/agent-env-containers': 'app' });
  const defaulted = pod({});

  it('agent-env-containers naming the container: both caveats are info', async () => {
    expect(await rows(named)).toEqual([
      {
        annotation: 'vault.hashicorp.com/agent-inject-env-DB_PASSWORD',
        severity: 'info',
        message: EXEC,
      },
      { annotation: 'vault.hashicorp.com/agent-env-containers', severity: 'info', message: MEMORY },
    ]);
  });

  it('lint --strict passes on it, and the text says info', async () => {
    const run = await runCli(['lint', '-f', '-', '--strict'], { input: named });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(': vault.hashicorp.com/agent-env-containers: info: ');
    expect(run.stderr).toBe('0 errors, 0 warnings, 2 info\n');
  });

  it('without agent-env-containers they stay warnings and --strict fails', async () => {
    expect((await rows(defaulted)).map((r) => r.severity)).toEqual(['warning', 'warning']);
    const run = await runCli(['lint', '-f', '-', '--strict'], { input: defaulted });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('0 errors, 2 warnings\n');
  });

  it('a caveat the pod can fix stays a warning even when the containers are named', async () => {
    const shadowed = pod(
      { 'vault.hashicorp.com/agent-env-containers': 'app' },
      '{ name: DB_PASSWORD, value: old }',
    );
    const found = await rows(shadowed);
    expect(found.filter((r) => r.severity === 'warning')).toEqual([
      {
        annotation: 'vault.hashicorp.com/agent-inject-env-DB_PASSWORD',
        severity: 'warning',
        message:
          'container "app" sets DB_PASSWORD in env; the rendered secret replaces that value for the app',
      },
    ]);
    const run = await runCli(['lint', '-f', '-', '--strict'], { input: shadowed });
    expect(run.code).toBe(1);
  });
});
