// An unquoted `agent-inject: true` in a manifest is a YAML boolean, which the API server refuses
// as an annotation. lint and mutate say so once, naming the annotation and the fix, instead of
// also reporting agent-inject as missing.
import { describe, expect, it } from 'vitest';
import { runCli } from './built-cli.js';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
  annotations:
    vault.hashicorp.com/agent-inject: true
    vault.hashicorp.com/role: web
spec:
  containers:
    - name: app
      image: example/app:1
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      annotations:
        vault.hashicorp.com/agent-inject: "true"
        vault.hashicorp.com/role: web
        vault.hashicorp.com/agent-run-as-user: 1000
    spec:
      containers:
        - name: app
          image: example/app:1
`;

/** The report's lines; how objects are named is another test's business. */
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('unquoted YAML scalars as annotation values', () => {
  it('lint: exactly one finding for agent-inject: true, "quote it"', async () => {
    const run = await runCli(['lint', '-f', '-'], { input: POD });
    const [only, ...rest] = lines(run.stdout);
    expect(rest).toEqual([]);
    expect(only).toMatch(/^<stdin>: Pod\/.*web: /);
    expect(only).toMatch(
      /: vault\.hashicorp\.com\/agent-inject: error: expected a string, got boolean: quote it: "true"$/,
    );
    expect(run.code).toBe(1);
  });

  it('lint --output json: the same single finding', async () => {
    const run = await runCli(['lint', '-f', '-', '-o', 'json'], { input: POD });
    const rows = JSON.parse(run.stdout) as unknown[];
    expect(rows).toHaveLength(1);
    expect(rows).toMatchObject([
      {
        file: '<stdin>',
        annotation: 'vault.hashicorp.com/agent-inject',
        severity: 'error',
        message: 'expected a string, got boolean: quote it: "true"',
      },
    ]);
  });

  it('mutate: one error line with the fix', async () => {
    const run = await runCli(['mutate', '-f', '-'], { input: POD });
    const [only, ...rest] = lines(run.stderr);
    expect(rest).toEqual([]);
    expect(only).toMatch(
      /^Error: Pod\/.*web would be denied: vault\.hashicorp\.com\/agent-inject: expected a string, got boolean: quote it: "true"$/,
    );
    expect(run.code).toBe(1);
  });

  it('a number in a pod template: one finding, quoted as written', async () => {
    const run = await runCli(['lint', '-f', '-'], { input: DEPLOYMENT });
    const [only, ...rest] = lines(run.stdout);
    expect(rest).toEqual([]);
    expect(only).toMatch(
      /^<stdin>: Deployment\/.*web: vault\.hashicorp\.com\/agent-run-as-user: error: expected a string, got number: quote it: "1000"$/,
    );
  });
});
