// The annotation table is the one list of annotations: the exported constants, the families and
// the redacted keys must be exactly its rows.
import { describe, expect, it } from 'vitest';
import { injectorOptions } from '../../cli/injector-options.js';
import { G } from '../../patches/annotation-grammar.js';
import { AnnotationReader } from '../../patches/annotation-reader.js';
import * as A from '../../patches/annotations.js';
import { FAMILIES } from '../../patches/annotation-families.js';
import { ANNOTATIONS } from '../../patches/annotation-table.js';
import type { Problem } from '../../patches/finding.js';
import { DEFAULT_INJECTOR_CONFIG } from '../../patches/injector-config.js';
import { inject } from '../../patches/inject.js';
import { makePod } from '../helpers/pods.js';

const exactRows = Object.values(ANNOTATIONS);
const familyRows = Object.values(FAMILIES);
const constants = (prefix: string): string[] =>
  Object.entries(A)
    .filter(([name, v]) => name.startsWith(prefix) && typeof v === 'string')
    .map(([, v]) => v as string)
    .filter((v) => v !== A.ANNOTATION_PREFIX);
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

describe('annotation table', () => {
  it('has one row per ANNOTATION_* constant and no other exact row', () => {
    expect(sorted(exactRows.map((r) => r.key))).toEqual(sorted(constants('ANNOTATION_')));
  });

  it('has one family row per PREFIX_* constant', () => {
    expect(sorted(familyRows.map((r) => r.key))).toEqual(sorted(constants('PREFIX_')));
  });

  it('lists no key twice and gives every row a doc line', () => {
    const keys = [...exactRows, ...familyRows].map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const row of [...exactRows, ...familyRows]) expect(row.doc).not.toBe('');
  });

  it('logs every secret-bearing key by key only, and no other', () => {
    for (const row of [...exactRows, ...familyRows]) {
      const key = row.kind === 'family' ? `${row.key}db` : row.key;
      expect(A.isSensitiveAnnotation(key), key).toBe(row.secret);
    }
  });

  it('groups the families as the secret discovery reads them', () => {
    const role = (r: string): string[] => familyRows.filter((f) => f.role === r).map((f) => f.key);
    expect(sorted(role('declares'))).toEqual(sorted(A.SECRET_DECLARING_PREFIXES));
    expect(sorted(role('per-secret'))).toEqual(sorted(A.PER_SECRET_PREFIXES));
    expect(sorted(familyRows.map((f) => f.key))).toEqual(sorted(A.FAMILY_PREFIXES));
  });
});

/**
 * Settings whose flag grammar is stricter than, or typed apart from, its annotation's, and why:
 * anything else must parse the flag with the row's grammar.
 */
const FLAG_GRAMMAR_OWN: Readonly<Record<string, string>> = {
  vaultAddress: 'an absolute http(s) URL is checked once at start',
  vaultImage: 'an image reference is checked once at start',
  authType: 'must not be empty',
  authPath: 'must not be empty',
  proxyAddress: 'a URL is checked once at start',
  runAsUser: 'kept as text, like vault-k8s; checked per pod with the same uid range',
  runAsGroup: 'kept as text, like vault-k8s; checked per pod with the same gid range',
  defaultTemplate: 'the flag takes "map" or "json" exactly; the annotation any case',
  cpuRequest: 'also refuses a negative amount',
  cpuLimit: 'also refuses a negative amount',
  memoryRequest: 'also refuses a negative amount',
  memoryLimit: 'also refuses a negative amount',
  ephemeralRequest: 'also refuses a negative amount',
  ephemeralLimit: 'also refuses a negative amount',
  disableIdleConnections: 'the agent feature names are checked once at start',
  disableKeepAlives: 'the agent feature names are checked once at start',
};

describe('a setting and its annotation', () => {
  const options = new Map(injectorOptions().map((o) => [o.key, o]));
  const withSetting = exactRows.filter((r) => r.setting !== undefined);

  it('name a setting the injector has', () => {
    for (const row of withSetting) expect(options.has(row.setting as string), row.key).toBe(true);
  });

  it.each(withSetting.map((r) => [r.key, r] as const))(
    '%s: the flag uses its grammar',
    (_, row) => {
      const option = options.get(row.setting as string);
      if (FLAG_GRAMMAR_OWN[row.setting as string] !== undefined) return;
      expect(option?.parse).toBe(row.grammar.parse);
    },
  );

  it('lists no setting as having its own grammar when it has none', () => {
    for (const setting of Object.keys(FLAG_GRAMMAR_OWN)) {
      const row = withSetting.find((r) => r.setting === setting);
      expect(row, setting).toBeDefined();
      expect(options.get(setting)?.parse, setting).not.toBe(row?.grammar.parse);
    }
  });
});

describe('template-static-secret-render-interval', () => {
  const key = ANNOTATIONS.templateStaticSecretRenderInterval.key;
  const option = injectorOptions().find((o) => o.key === 'templateStaticSecretRenderInterval');
  const annotationProblems = (value: string): Problem[] => {
    const r = new AnnotationReader({ [key]: value });
    r.read(ANNOTATIONS.templateStaticSecretRenderInterval, '');
    return r.problems;
  };

  // The agent reads it with ParseDurationSecond: a duration, or a whole number of seconds.
  it.each(['10', '5m', '1m30s', ''])('accepts %j as flag and as annotation', (value) => {
    expect(option?.parse(value).ok).toBe(true);
    expect(annotationProblems(value)).toEqual([]);
  });

  it.each(['10x', 'soon', '5 m'])('refuses %j as flag and as annotation', (value) => {
    expect(option?.parse(value).ok).toBe(false);
    expect(annotationProblems(value)).toEqual([
      { key, value, message: expect.stringContaining('Go duration') },
    ]);
  });
});

describe('the flavours column', () => {
  const vaultOnly = exactRows.filter((r) => !r.flavours.includes('openbao'));

  it('names the template options OpenBao pods get a warning for and lose', () => {
    expect(vaultOnly.map((r) => r.suffix).sort()).toEqual([
      'template-lease-renewal-threshold',
      'template-max-connections-per-host',
    ]);
  });

  it.each(vaultOnly.map((r) => [r.suffix, r] as const))(
    'openbao.org/%s is left out of the agent config with a warning',
    (suffix, row) => {
      const value = row.grammar === G.float ? '0.5' : '10';
      const pod = makePod({
        'openbao.org/agent-inject': 'true',
        'openbao.org/role': 'web',
        [`openbao.org/${suffix}`]: value,
      });
      const out = inject(pod, { namespace: 'app', kind: 'Pod', config: DEFAULT_INJECTOR_CONFIG });
      expect(out.decision).toBe('inject');
      const warned = out.decision === 'inject' ? out.warnings.map((w) => w.key) : [];
      expect(warned).toContain(`openbao.org/${suffix}`);
    },
  );
});
