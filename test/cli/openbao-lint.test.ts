// Did-you-mean for OpenBao pods, through the built `lint`: a typo is answered with the full key in
// the flavour's own prefix, in text and in JSON, and a valid openbao.org key gets no suggestion.
import { describe, expect, it } from 'vitest';
import { podYaml as pod } from '../helpers/pods.js';
import { runCli } from './built-cli.js';

async function lint(manifest: string, output: 'text' | 'json') {
  return runCli(['lint', '-f', '-', '-o', output], { input: manifest });
}

describe('lint: OpenBao did-you-mean', () => {
  // The pod's inject key itself is misspelt: it is still an OpenBao pod, linted as one.
  const typo = pod({ 'openbao.org/agent-injec': 'true', 'openbao.org/role': 'web' });

  it('text: openbao.org/agent-injec → openbao.org/agent-inject; openbao.org/role is fine', async () => {
    const run = await lint(typo, 'text');
    expect(run.stdout).toContain(
      ': openbao.org/agent-injec: warning: unknown annotation, ignored (did you mean openbao.org/agent-inject?)',
    );
    expect(run.stdout).not.toContain('openbao.org/role');
    expect(run.stdout).not.toContain('vault.hashicorp.com/');
  });

  it('json: the suggestion is the openbao.org key, and only the typo has one', async () => {
    const run = await lint(typo, 'json');
    const rows = JSON.parse(run.stdout) as Array<Record<string, string>>;
    const withSuggestion = rows.filter((r) => r.suggestion !== undefined);
    expect(withSuggestion.map((r) => [r.annotation, r.suggestion])).toEqual([
      ['openbao.org/agent-injec', 'openbao.org/agent-inject'],
    ]);
    expect(rows.map((r) => r.annotation)).not.toContain('openbao.org/role');
  });

  it('an injected OpenBao pod: no finding for its valid keys', async () => {
    const run = await lint(
      pod({
        'openbao.org/agent-inject': 'true',
        'openbao.org/role': 'web',
        'openbao.org/agent-inject-secret-db': 'database/creds/web',
      }),
      'json',
    );
    expect(JSON.parse(run.stdout)).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('a Vault pod with a stray openbao.org key is pointed at the full vault.hashicorp.com key', async () => {
    const run = await lint(
      pod({
        'vault.hashicorp.com/agent-inject': 'true',
        'vault.hashicorp.com/role': 'web',
        'openbao.org/agent-pre-populat': 'false',
      }),
      'text',
    );
    expect(run.stdout).toContain(
      ": openbao.org/agent-pre-populat: warning: ignored: without openbao.org/agent-inject this pod gets Vault's agent and reads only vault.hashicorp.com/ keys (did you mean vault.hashicorp.com/agent-pre-populate?)",
    );
  });
});
