// Annotation linting: one table per rule, the suggestion examples users asked for, and the speed
// of the hot path.
import { describe, expect, it } from 'vitest';
import * as A from '../../patches/annotations.js';
import { lintAnnotations, type LintFinding } from '../../patches/lint.js';
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
        message:
          'missing, so no other annotation takes effect and the pod gets no Vault agent (set it to "true")',
      },
    ]);
  });

  it('says nothing about pods without vault annotations', () => {
    expect(lintAnnotations({})).toEqual([]);
    expect(lintAnnotations({ 'example.com/x': 'y' })).toEqual([]);
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

describe('env secret annotations', () => {
  it('knows every env annotation and family', () => {
    expect(
      lint({
        [`${A.PREFIX_ENV}DB_PASSWORD`]: 'secret/data/db#password',
        [`${A.PREFIX_ENV_TEMPLATE}DSN`]: '{{ with secret "x" }}{{ end }}',
        [A.ANNOTATION_AGENT_ENV_CONTAINERS]: 'app',
        [A.ANNOTATION_AGENT_ENV_COMMAND]: '["/app"]',
        [A.ANNOTATION_AGENT_ENV_RESTART]: 'never',
        [A.ANNOTATION_AGENT_ENV_RESTART_SIGNAL]: 'SIGINT',
      }),
    ).toEqual([]);
  });

  it('warns that env settings without an env variable are ignored', () => {
    expect(lint({ [A.ANNOTATION_AGENT_ENV_RESTART]: 'never' })).toEqual([
      {
        severity: 'warning',
        key: A.ANNOTATION_AGENT_ENV_RESTART,
        message: `ignored: no ${A.PREFIX_ENV}<VAR> annotation declares an env secret`,
      },
    ]);
  });

  it('reports a misspelled env family as unknown', () => {
    const [finding] = lint({ [`${V}agent-inject-envv-TOKEN`]: 'kv/x#y' });
    expect(finding?.message).toBe('unknown annotation, ignored');
  });
});
