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
    expect(row?.message).toContain('CronJob/report jobTemplate');
  });
});
