// lint's placement check on workloads with nested templates.
import { describe, expect, it } from 'vitest';
import { lintObject } from '../../cli/commands/lint.js';
import { settingName } from '../../cli/setting-names.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';

describe('lintObject on a CronJob', () => {
  it('warns about vault annotations on the jobTemplate metadata, not only the CronJob own metadata', () => {
    const cronJob = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report', namespace: 'billing' },
      spec: {
        schedule: '0 * * * *',
        jobTemplate: {
          metadata: { annotations: { 'vault.hashicorp.com/agent-inject': 'true' } },
          spec: { template: { spec: { containers: [{ name: 'app', image: 'x' }] } } },
        },
      },
    };
    const rows = lintObject(cronJob, {
      file: 'f.yaml',
      namespace: undefined,
      config: DEFAULT_INJECTOR_CONFIG,
      settingName,
    });
    const row = rows.find((r) => r.annotation === 'vault.hashicorp.com/agent-inject');
    expect(row?.severity).toBe('warning');
    expect(row?.message).toContain('CronJob/billing/report jobTemplate');
  });
});

describe('lintObject on OpenBao pods', () => {
  const lint = (annotations: Record<string, string>) =>
    lintObject(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'shop', annotations },
        spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'x' }] },
      },
      { file: 'f.yaml', namespace: undefined, config: DEFAULT_INJECTOR_CONFIG, settingName },
    );

  it('reports a typo under openbao.org/ once, with an openbao.org/ did-you-mean', () => {
    const rows = lint({
      'openbao.org/agent-inject': 'true',
      'openbao.org/role': 'web',
      'openbao.org/agent-inject-secrt-db': 'secret/data/db',
    });
    expect(rows).toEqual([
      expect.objectContaining({
        annotation: 'openbao.org/agent-inject-secrt-db',
        // A warning, as the webhook admits the pod.
        severity: 'warning',
        suggestion: 'openbao.org/agent-inject-secret-db',
      }),
    ]);
  });

  it('points keys from the unpublished docs drafts to openbao.org/', () => {
    const rows = lint({
      'openbao.openbao.org/agent-inject': 'true',
      'openbao.openbao.com/role': 'web',
    });
    expect(rows.map((r) => [r.annotation, r.suggestion])).toEqual([
      ['openbao.openbao.com/role', 'openbao.org/role'],
      ['openbao.openbao.org/agent-inject', 'openbao.org/agent-inject'],
    ]);
  });

  it('reports the auth-type denial under the key the user wrote', () => {
    const rows = lint({
      'openbao.org/agent-inject': 'true',
      'openbao.org/role': 'web',
      'openbao.org/auth-type': 'azure',
    });
    expect(rows).toEqual([
      expect.objectContaining({ annotation: 'openbao.org/auth-type', severity: 'error' }),
    ]);
  });
});
