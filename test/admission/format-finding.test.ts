// Findings as text where they leave the process: admission warnings and denial messages.
import { describe, expect, it } from 'vitest';
import { formatProblems, formatWarning } from '../../admission/format-finding.js';
import { settingName } from '../../cli/setting-names.js';
import * as A from '../../patches/annotations.js';
import { lintAnnotations, type LintFinding } from '../../patches/lint.js';

const V = A.ANNOTATION_PREFIX;
const base = { [`${V}agent-inject`]: 'true', [`${V}role`]: 'app' };
const lint = (extra: Record<string, string>): LintFinding[] =>
  lintAnnotations({ ...base, ...extra });

describe('formatWarning', () => {
  it('is one short line with the suggestion', () => {
    const [f] = lint({ [`${V}agent-inject-secrets-db`]: 'kv/db' });
    expect(formatWarning(f!, settingName)).toBe(
      'vault.hashicorp.com/agent-inject-secrets-db: unknown annotation, ignored (did you mean agent-inject-secret-db?)',
    );
  });

  it('keeps findings within 120 characters, and even the longest keys well under 256', () => {
    const all = lint({
      [`${V}agent-inject-secret-database`]: 'kv/db',
      [`${V}agent-inject-file-databse`]: 'x',
      [`${V}agent-inject-token`]: 'true',
      [`${V}tls-skip-verify`]: 'true',
    });
    expect(all).toHaveLength(3);
    for (const f of all) expect(formatWarning(f, settingName).length).toBeLessThanOrEqual(120);
    const long = lint({
      [`${V}agent-inject-secret-database`]: 'kv/db',
      [`${V}agent-template-right-delim-databse`]: 'x',
      [`${V}agent-service-account-token-expiraton-seconds`]: '600',
    });
    expect(long.map((f) => f.suggestion)).toEqual([
      `${V}agent-service-account-token-expiration-seconds`,
      `${V}agent-template-right-delim-database`,
    ]);
    for (const f of long) expect(formatWarning(f, settingName).length).toBeLessThan(160);
  });

  it('strips control characters and shortens absurd keys', () => {
    const text = formatWarning(
      {
        severity: 'warning',
        key: `${V}bad\nkey${'x'.repeat(500)}`,
        message: 'unknown annotation, ignored',
      },
      settingName,
    );
    expect(text).not.toMatch(/[\n\r]/);
    expect(text.length).toBeLessThanOrEqual(120);
  });
});

describe('formatProblems', () => {
  it('names an injector setting by its flag and appends a setting that would also fix it', () => {
    const text = formatProblems(
      [
        {
          severity: 'error',
          key: 'runAsUser',
          setting: true,
          value: 'x',
          message: 'expected an integer',
        },
        {
          severity: 'error',
          key: `${V}service`,
          value: '',
          message: 'no Vault address: set vault.hashicorp.com/service',
          orSetting: 'vaultAddress',
        },
      ],
      settingName,
    );
    expect(text).toBe(
      '--run-as-user="x": expected an integer; vault.hashicorp.com/service="": no Vault address: set vault.hashicorp.com/service or --vault-address',
    );
  });
});
