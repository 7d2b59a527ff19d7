// kustomize's commonAnnotations puts the vault annotations on every object, ConfigMaps and Services
// included. On an object without a pod template there is nowhere to move them: lint and mutate
// say they do nothing there, and keep "move it to the pod template" for workloads.
import { describe, expect, it } from 'vitest';
import { runCli } from './built-cli.js';

const COMMON = `  annotations:
    vault.hashicorp.com/agent-inject: "true"
    vault.hashicorp.com/role: web
`;

const KUSTOMIZED = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
${COMMON}data:
  mode: prod
---
apiVersion: v1
kind: Secret
metadata:
  name: creds
${COMMON}stringData:
  token: x
---
apiVersion: v1
kind: Service
metadata:
  name: web
${COMMON}spec:
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    vault.hashicorp.com/agent-inject-token: "false"
spec:
  template:
    metadata:
${COMMON.replace(/^/gm, '    ').trimEnd()}
    spec:
      containers:
        - name: app
          image: example/app:1
`;

const NOTHING = "it has no pod template, and the injector reads only pods' annotations";
/** How objects are named (with or without a namespace) is another test's business. */
const nothingOn = (kind: string, name: string): RegExp =>
  new RegExp(`does nothing on ${kind}/([a-z-]+/)?${name}: ${NOTHING}$`);
const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');

describe('vault annotations on objects without a pod template', () => {
  it('lint: "does nothing on ConfigMap/settings", not "move it to the pod template"', async () => {
    const run = await runCli(['lint', '-f', '-'], { input: KUSTOMIZED });
    const found = lines(run.stdout);
    for (const [kind, name] of [
      ['ConfigMap', 'settings'],
      ['Secret', 'creds'],
      ['Service', 'web'],
    ]) {
      const mine = found.filter((l) => l.includes(`: ${kind}/`));
      expect(mine).toHaveLength(2);
      for (const line of mine) {
        expect(line).toContain(': warning: does nothing on ');
        expect(line).toMatch(nothingOn(kind!, name!));
        expect(line).not.toContain('move it');
      }
    }
    // The workload's own key still has a better place: its pod template.
    const deployment = found.filter((l) => l.includes(': Deployment/'));
    expect(deployment).toHaveLength(1);
    expect(deployment[0]).toContain(
      "vault.hashicorp.com/agent-inject-token: warning: ignored on Deployment/default/web's own metadata: move it to the pod template's annotations",
    );
  });

  it('mutate warns the same way', async () => {
    const run = await runCli(['mutate', '-f', '-'], { input: KUSTOMIZED });
    expect(run.code).toBe(0);
    const warnings = lines(run.stderr).filter((l) => l.includes('settings'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('vault.hashicorp.com/agent-inject: does nothing on ');
    expect(warnings[1]).toContain('vault.hashicorp.com/role: does nothing on ');
    for (const w of warnings) expect(w).toMatch(nothingOn('ConfigMap', 'settings'));
  });
});
