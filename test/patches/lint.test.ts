// Annotation linting (issue 6 item 4): one table per rule, the suggestion examples from the issue,
// the admission-warning format, and the speed of the hot path.
import { describe, expect, it } from 'vitest';
import * as A from '../../patches/annotations.js';
import {
  formatWarning,
  lintAnnotations,
  lintWorkloadMetadata,
  type LintFinding,
} from '../../patches/lint.js';
import { editDistance, suggest } from '../../patches/suggest.js';

const V = A.ANNOTATION_PREFIX;
const base = { [`${V}agent-inject`]: 'true', [`${V}role`]: 'app' };
const lint = (extra: Record<string, string>): LintFinding[] =>
  lintAnnotations({ ...base, ...extra });

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['role', 'role', 0],
    ['rol', 'role', 1],
    ['agnet', 'agent', 1], // transposition counts once
    ['requets', 'requests', 1],
    ['kitten', 'sitting', 3],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('stops past the bound with max + 1', () => {
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});

describe('suggest', () => {
  const exact = ['role', 'agent-requests-cpu', 'agent-inject-token'];
  const families = ['agent-inject-secret-', 'agent-inject-file-'];
  it.each([
    ['agent-inject-secrets-db', 'agent-inject-secret-db'], // suffix kept after the dash
    ['agent-inject-secretdb', 'agent-inject-secret-db'], // missing dash
    ['agent-inject-secret_db', 'agent-inject-secret-db'],
    ['agent-requets-cpu', 'agent-requests-cpu'],
    ['Role', 'role'], // case-insensitive match
    ['agnet-inject-token', 'agent-inject-token'],
    ['agent-inject-fiel-DB', 'agent-inject-file-DB'], // suffix case kept
  ])('%s → %s', (name, expected) => {
    expect(suggest(name, exact, families)).toBe(expected);
  });

  it.each(['frobnicate', 'x', 'agent-something-else-entirely'])('%s → nothing', (name) => {
    expect(suggest(name, exact, families)).toBeUndefined();
  });
});

describe('rule (a): unknown vault.hashicorp.com keys', () => {
  it.each([
    ['agent-inject-secrets-db', 'agent-inject-secret-db'],
    ['agent-requets-cpu', 'agent-requests-cpu'],
    ['agent-inject-tokn', 'agent-inject-token'],
    ['Role', 'role'],
    ['secret-volume-paths', 'secret-volume-path'],
    ['agent-inject-templte-config', 'agent-inject-template-config'],
    ['agent-telemtry-prometheus-retention-time', 'agent-telemetry-prometheus-retention-time'],
    // Seen in real manifests: wrong names rather than typos, which edit distance misses.
    ['agent-log-level', 'log-level'],
    ['Agent-Log-Format', 'log-format'],
    ['inject-token', 'agent-inject-token'],
    ['vault-addr', 'service'],
    ['vault-address', 'service'],
  ])('%s → warning, did you mean %s', (key, meant) => {
    expect(lint({ [`${V}${key}`]: 'x' })).toEqual([
      {
        severity: 'warning',
        key: `${V}${key}`,
        message: 'unknown annotation, ignored',
        suggestion: `${V}${meant}`,
      },
    ]);
  });

  it('warns without a suggestion when nothing is close', () => {
    expect(lint({ [`${V}frobnicate`]: 'x' })).toEqual([
      { severity: 'warning', key: `${V}frobnicate`, message: 'unknown annotation, ignored' },
    ]);
  });

  it.each(['agent-inject-secret', 'agent-inject-secret-', 'agent-telemetry-'])(
    '%s: a family without a name',
    (key) => {
      const [finding] = lint({ [`${V}${key}`]: 'x' });
      expect(finding).toMatchObject({ severity: 'warning', key: `${V}${key}` });
      expect(finding?.message).toMatch(/needs a name after the prefix/);
    },
  );

  it('accepts every known key, and every family with a suffix', () => {
    const all: Record<string, string> = { [`${V}agent-inject-secret-db`]: 'kv/db' };
    for (const [name, value] of Object.entries(A)) {
      if (typeof value !== 'string' || value === V) continue;
      all[name.startsWith('PREFIX_') ? `${value}db` : value] = 'false';
    }
    expect(lintAnnotations(all)).toEqual([]);
  });

  it('ignores annotations outside vault.hashicorp.com/', () => {
    expect(
      lint({ 'example.com/agent-inject-secrets-db': 'x', 'vault.hashicorp.io/role': 'x' }),
    ).toEqual([]);
  });
});

describe('rule (b): per-secret annotations for undeclared secrets', () => {
  const declared = { [`${V}agent-inject-secret-database`]: 'database/creds/app' };
  it.each([
    'agent-inject-file-',
    'agent-inject-perms-',
    'agent-inject-command-',
    'error-on-missing-key-',
    'agent-template-left-delim-',
    'agent-template-right-delim-',
    'secret-volume-path-',
    'preserve-secret-case-',
  ])('%sNAME: warning with the declared name when close', (family) => {
    expect(lint({ ...declared, [`${V}${family}databse`]: 'x' })).toEqual([
      {
        severity: 'warning',
        key: `${V}${family}databse`,
        message: 'secret not declared, ignored',
        suggestion: `${V}${family}database`,
      },
    ]);
  });

  it('warns without a suggestion when no declared name is close', () => {
    expect(lint({ ...declared, [`${V}agent-inject-perms-cache`]: '0400' })).toEqual([
      {
        severity: 'warning',
        key: `${V}agent-inject-perms-cache`,
        message: 'secret not declared, ignored',
      },
    ]);
  });

  it('matches names exactly, as the engine does (case-sensitive)', () => {
    expect(lint({ ...declared, [`${V}agent-inject-file-Database`]: 'x' })).toMatchObject([
      { severity: 'warning', suggestion: `${V}agent-inject-file-database` },
    ]);
  });

  it.each([
    ['agent-inject-secret-', 'kv/db'],
    ['agent-inject-template-', '{{ with secret "kv/db" }}{{ end }}'],
    ['agent-inject-template-file-', '/vault/custom/db.tmpl'],
  ])('a secret declared by %sNAME takes every per-secret annotation', (prefix, value) => {
    const ann = {
      [`${V}${prefix}db`]: value,
      [`${V}agent-inject-file-db`]: 'db.env',
      [`${V}agent-inject-perms-db`]: '0400',
      [`${V}secret-volume-path-db`]: '/vault/db',
      [`${V}preserve-secret-case-db`]: 'true',
    };
    expect(lint(ann)).toEqual([]);
  });

  it('keeps the global secret-volume-path and preserve-secret-case as known keys', () => {
    expect(
      lint({ [`${V}secret-volume-path`]: '/v', [`${V}preserve-secret-case`]: 'true' }),
    ).toEqual([]);
  });

  it('flags a blank declaration, which declares nothing', () => {
    expect(
      lint({ [`${V}agent-inject-secret-db`]: ' ', [`${V}agent-inject-file-db`]: 'x' }),
    ).toEqual([
      {
        severity: 'warning',
        key: `${V}agent-inject-file-db`,
        message: 'secret not declared, ignored',
      },
      {
        severity: 'warning',
        key: `${V}agent-inject-secret-db`,
        message: 'empty value: the secret is not declared, ignored',
      },
    ]);
  });

  it('does not flag a blank template when the secret is declared otherwise', () => {
    expect(
      lint({ [`${V}agent-inject-secret-db`]: 'kv/db', [`${V}agent-inject-template-db`]: '' }),
    ).toEqual([]);
  });
});

describe('rule (c): accepted but suspicious values', () => {
  it.each([
    ['agent-inject-token', 'true', /Vault token/],
    ['agent-inject-token', 'T', /Vault token/],
    ['tls-skip-verify', 'true', /TLS certificate/],
    ['tls-skip-verify', '1', /TLS certificate/],
  ])('%s: %s → warning', (key, value, message) => {
    const findings = lint({ [`${V}${key}`]: value });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'warning', key: `${V}${key}` });
    expect(findings[0]?.message).toMatch(message);
  });

  it.each([
    ['agent-inject-token', 'false'],
    ['tls-skip-verify', 'false'],
    ['tls-skip-verify', 'yes'], // invalid: the engine's denial, not a lint finding
  ])('%s: %s → nothing', (key, value) => {
    expect(lint({ [`${V}${key}`]: value })).toEqual([]);
  });
});

describe('missing agent-inject', () => {
  it('warns when vault annotations are present without agent-inject', () => {
    expect(lintAnnotations({ [`${V}role`]: 'app' })).toEqual([
      {
        severity: 'warning',
        key: `${V}agent-inject`,
        message: 'missing, so no vault annotation takes effect (set it to "true")',
      },
    ]);
  });

  it('says nothing about pods without vault annotations', () => {
    expect(lintAnnotations({})).toEqual([]);
    expect(lintAnnotations({ 'example.com/x': 'y' })).toEqual([]);
  });
});

describe('lintWorkloadMetadata', () => {
  const deployment = (annotations: Record<string, string>) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', annotations },
    spec: { template: { metadata: {} } },
  });

  it('warns for each vault annotation on the workload, naming it', () => {
    const found = lintWorkloadMetadata(
      deployment({ [`${V}role`]: 'web', [`${V}agent-inject`]: 'true', 'other/x': 'y' }),
    );
    expect(found.map((f) => f.key)).toEqual([`${V}agent-inject`, `${V}role`]);
    for (const f of found) {
      expect(f.severity).toBe('warning');
      expect(f.message).toContain('Deployment/web');
    }
  });

  it('accepts keys the pod template carries too', () => {
    const obj = deployment({ [`${V}role`]: 'web' });
    expect(lintWorkloadMetadata(obj, { [`${V}role`]: 'web' })).toEqual([]);
  });

  it.each([
    ['a Pod', { kind: 'Pod', metadata: { annotations: { [`${V}role`]: 'x' } } }],
    ['no annotations', { kind: 'Deployment', metadata: { name: 'x' } }],
    ['not an object', 'text'],
    ['null', null],
  ])('%s → nothing', (_n, obj) => {
    expect(lintWorkloadMetadata(obj)).toEqual([]);
  });
});

describe('formatWarning', () => {
  it('is one short line with the suggestion', () => {
    const [f] = lint({ [`${V}agent-inject-secrets-db`]: 'kv/db' });
    expect(formatWarning(f!)).toBe(
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
    for (const f of all) expect(formatWarning(f).length).toBeLessThanOrEqual(120);
    const long = lint({
      [`${V}agent-inject-secret-database`]: 'kv/db',
      [`${V}agent-template-right-delim-databse`]: 'x',
      [`${V}agent-service-account-token-expiraton-seconds`]: '600',
    });
    expect(long.map((f) => f.suggestion)).toEqual([
      `${V}agent-service-account-token-expiration-seconds`,
      `${V}agent-template-right-delim-database`,
    ]);
    for (const f of long) expect(formatWarning(f).length).toBeLessThan(160);
  });

  it('strips control characters and shortens absurd keys', () => {
    const text = formatWarning({
      severity: 'warning',
      key: `${V}bad\nkey${'x'.repeat(500)}`,
      message: 'unknown annotation, ignored',
    });
    expect(text).not.toMatch(/[\n\r]/);
    expect(text.length).toBeLessThanOrEqual(120);
  });
});

describe('hot path', () => {
  it('lints a typical injected pod quickly', () => {
    const pod = {
      ...base,
      [`${V}agent-inject-secret-db`]: 'database/creds/app',
      [`${V}agent-inject-template-db`]: '{{ with secret "database/creds/app" }}{{ end }}',
      [`${V}agent-limits-cpu`]: '250m',
      [`${V}agent-inject-secrets-typo`]: 'kv/x',
      'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z',
    };
    lintAnnotations(pod); // builds the tables once
    const start = performance.now();
    for (let i = 0; i < 1000; i++) lintAnnotations(pod);
    // Generous for slow CI machines; locally well under 100 ms for 1000 pods.
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
