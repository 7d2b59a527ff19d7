// Every env agent config the engine emits, checked against what both agents accept: Vault Agent
// (1.14+) and OpenBao's bao agent parse the same keys with HCL's JSON reader and refuse unknown
// ones, refuse `template` or `api_proxy` next to `env_template`, and need exactly one `exec` with at
// least one `env_template`. The configs come from the golden cases and from the property generator.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import * as A from '../../patches/annotations.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import type { Pod } from '../../patches/k8s-types.js';
import { STOP_SIGNALS } from '../../patches/signals.js';
import { annotationsArb, podArb } from '../property/arbitraries.js';

const TOP = new Set([
  'auto_auth',
  'vault',
  'log_level',
  'log_format',
  'template_config',
  'env_template',
  'exec',
]);
const METHOD = new Set([
  'type',
  'mount_path',
  'namespace',
  'min_backoff',
  'max_backoff',
  'exit_on_err',
  'config',
]);
const VAULT = new Set([
  'address',
  'ca_cert',
  'ca_path',
  'tls_skip_verify',
  'client_cert',
  'client_key',
  'tls_server_name',
]);
const TEMPLATE_CONFIG = new Set([
  'exit_on_retry_failure',
  'static_secret_render_interval',
  'max_connections_per_host',
  'lease_renewal_threshold',
]);
/** env_template keys both agents accept; destination, perms, command, exec, wait … are refused. */
const ENV_TEMPLATE = new Set([
  'contents',
  'source',
  'error_on_missing_key',
  'left_delimiter',
  'right_delimiter',
  'error_fatal',
]);
/** exec keys both agents accept: child_process_* is Vault-only and a parse error for bao. */
const EXEC = new Set(['command', 'restart_on_secret_changes', 'restart_stop_signal']);

const keysOf = (o: unknown): string[] => Object.keys(o as object);
const outside = (o: unknown, allowed: ReadonlySet<string>): string[] =>
  keysOf(o).filter((k) => !allowed.has(k));

/** Every rule a config breaks; [] for one both agents load. */
function shapeProblems(config: Record<string, unknown>): string[] {
  const out = outside(config, TOP).map((k) => `top-level ${k}`);
  const autoAuth = config.auto_auth as Record<string, unknown>;
  out.push(...outside(autoAuth, new Set(['method'])).map((k) => `auto_auth.${k} (no sink)`));
  out.push(...outside(autoAuth.method, METHOD).map((k) => `auto_auth.method.${k}`));
  out.push(...outside(config.vault, VAULT).map((k) => `vault.${k}`));
  const tc = config.template_config as Record<string, unknown>;
  out.push(...outside(tc, TEMPLATE_CONFIG).map((k) => `template_config.${k}`));
  if (tc.exit_on_retry_failure !== true) out.push('exit_on_retry_failure not true');
  const templates = config.env_template as Record<string, Record<string, unknown>>;
  if (keysOf(templates).length === 0) out.push('exec without env_template');
  for (const [name, t] of Object.entries(templates)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) out.push(`env_template name ${name}`);
    out.push(...outside(t, ENV_TEMPLATE).map((k) => `env_template.${name}.${k}`));
    if ((t.contents === undefined) === (t.source === undefined))
      out.push(`env_template.${name}: not exactly one of contents and source`);
    if (t.error_on_missing_key !== true) out.push(`env_template.${name}: error_on_missing_key`);
  }
  const exec = config.exec as Record<string, unknown>;
  out.push(...outside(exec, EXEC).map((k) => `exec.${k}`));
  const command = exec.command as unknown[];
  if (!Array.isArray(command) || command.length === 0 || command.some((a) => typeof a !== 'string'))
    out.push('exec.command not a non-empty string list');
  // One element with whitespace is run through sh -c by the agent: never emitted.
  else if (command.length === 1 && /\s/.test(command[0] as string))
    out.push('exec.command: one element with whitespace');
  if (!['always', 'never'].includes(exec.restart_on_secret_changes as string))
    out.push('exec.restart_on_secret_changes');
  if (!STOP_SIGNALS.has(exec.restart_stop_signal as string)) out.push('exec.restart_stop_signal');
  return out;
}

function envConfigs(pod: Pod): Array<Record<string, unknown>> {
  const annotations = pod.metadata?.annotations ?? {};
  return (
    Object.entries(annotations)
      // Either flavour's prefix: vault.hashicorp.com/ or openbao.org/.
      .filter(([k]) => /^[a-z.]+\/agent-env-config-\d+$/.test(k))
      .map(([, v]) => JSON.parse(v) as Record<string, unknown>)
  );
}

const GOLDEN = join(import.meta.dirname, '..', 'golden');
const goldenConfigs = readdirSync(GOLDEN)
  .filter((d) => existsSync(join(GOLDEN, d, 'expected.yaml')))
  .flatMap((d) =>
    envConfigs(parse(readFileSync(join(GOLDEN, d, 'expected.yaml'), 'utf8')) as Pod).map(
      (c) => [d, c] as const,
    ),
  );

describe('env agent configs', () => {
  it('the golden cases emit at least ten of them', () => {
    expect(goldenConfigs.length).toBeGreaterThanOrEqual(10);
  });

  it.each(goldenConfigs)('%s: every key is one both agents accept', (_name, config) => {
    expect(shapeProblems(config)).toEqual([]);
  });

  it('the checker itself rejects what the agents reject', () => {
    const [, good] = goldenConfigs[0]!;
    const bad = structuredClone(good) as Record<string, Record<string, unknown>>;
    bad.template = {};
    bad.auto_auth!.sink = [];
    (bad.exec as Record<string, unknown>).child_process_stdout = '/dev/stdout';
    (bad.env_template as Record<string, unknown>).X = { contents: 'x', destination: '/x' };
    expect(shapeProblems(bad)).toEqual([
      'top-level template',
      'auto_auth.sink (no sink)',
      'env_template.X.destination',
      'env_template.X: error_on_missing_key',
      'exec.child_process_stdout',
    ]);
  });

  it('generated pods: every injected env config keeps the shape', () => {
    let seen = 0;
    fc.assert(
      fc.property(podArb(annotationsArb), (pod) => {
        const outcome = inject(pod, {
          namespace: 'app',
          kind: 'Pod',
          config: DEFAULT_INJECTOR_CONFIG,
        });
        if (outcome.decision !== 'inject') return;
        // Only the configs this injection wrote: the generator also sets the prefix by hand.
        const annotations = outcome.pod.metadata?.annotations ?? {};
        const written = (outcome.spec.envSecrets?.containers ?? []).map(
          (c) =>
            JSON.parse(annotations[`${A.PREFIX_ENV_CONFIG}${c.index}`]!) as Record<string, unknown>,
        );
        for (const config of written) {
          seen += 1;
          expect(shapeProblems(config)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
    // The generator must actually reach env secrets, or this test proves nothing.
    expect(seen).toBeGreaterThan(0);
  });
});
