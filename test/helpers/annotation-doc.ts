// The README's annotation reference, rendered from the annotation table: one line per row.
import { injectorOptions } from '../../cli/injector-options.js';
import { FAMILIES } from '../../patches/annotation-families.js';
import type { AnnotationRow } from '../../patches/annotation-row.js';
import { ANNOTATIONS } from '../../patches/annotation-table.js';

function notes(row: AnnotationRow): string {
  const out: string[] = [];
  if (row.written) out.push('written by the injector');
  if (row.beyondVaultK8s) out.push('not in vault-k8s');
  if (!row.flavours.includes('openbao')) out.push('Vault only');
  if (row.secret) out.push('logged by key only');
  return out.length === 0 ? '' : ` (${out.join('; ')})`;
}

export function annotationTable(): string {
  const flags = new Map(injectorOptions().map((o) => [o.key, o.flag]));
  const line = (row: AnnotationRow): string => {
    const name = row.kind === 'family' ? `${row.suffix}NAME` : row.suffix;
    const flag = row.setting === undefined ? undefined : flags.get(row.setting);
    const from = flag === undefined ? '' : `\`--${flag}\``;
    return `| \`${name}\` | ${row.grammar.name} | ${from} | ${row.doc}${notes(row)} |`;
  };
  return [
    '| annotation | value | default from | meaning |',
    '|---|---|---|---|',
    ...Object.values(ANNOTATIONS).map(line),
    ...Object.values(FAMILIES).map(line),
  ].join('\n');
}
