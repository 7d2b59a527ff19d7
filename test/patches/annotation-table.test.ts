// The annotation table is the one list of annotations: the exported constants, the families and
// the redacted keys must be exactly its rows.
import { describe, expect, it } from 'vitest';
import * as A from '../../patches/annotations.js';
import { FAMILIES } from '../../patches/annotation-families.js';
import { ANNOTATIONS } from '../../patches/annotation-table.js';

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

  it('marks as secret-bearing exactly the keys logged by key only', () => {
    const secret = [...exactRows, ...familyRows].filter((r) => r.secret).map((r) => r.key);
    expect(sorted(secret)).toEqual(sorted(A.SENSITIVE_PREFIXES));
  });

  it('groups the families as the secret discovery reads them', () => {
    const role = (r: string): string[] => familyRows.filter((f) => f.role === r).map((f) => f.key);
    expect(sorted(role('declares'))).toEqual(sorted(A.SECRET_DECLARING_PREFIXES));
    expect(sorted(role('per-secret'))).toEqual(sorted(A.PER_SECRET_PREFIXES));
    expect(sorted(familyRows.map((f) => f.key))).toEqual(sorted(A.FAMILY_PREFIXES));
  });
});
