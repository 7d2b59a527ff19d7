// The README's annotation reference is the annotation table, rendered: a row added to the table
// without its README line (or the other way round) fails here. UPDATE_GOLDEN=1 rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { annotationTable } from './helpers/annotation-doc.js';

const README = new URL('../README.md', import.meta.url);
const START = '<!-- annotation table: generated from patches/annotation-table.ts -->';
const END = '<!-- end of annotation table -->';

describe('README annotation reference', () => {
  it('is the annotation table', () => {
    const readme = readFileSync(README, 'utf8');
    const from = readme.indexOf(START);
    const to = readme.indexOf(END);
    expect(from, 'README marker').toBeGreaterThan(0);
    expect(to, 'README end marker').toBeGreaterThan(from);
    const shown = readme.slice(from + START.length, to).trim();
    const table = annotationTable();
    if (process.env.UPDATE_GOLDEN === '1' && shown !== table) {
      writeFileSync(
        README,
        `${readme.slice(0, from + START.length)}\n${table}\n${readme.slice(to)}`,
      );
      return;
    }
    expect(shown).toBe(table);
  });
});
