// parseQuantity against apimachinery's own vectors (quantity_test.go, quantity_golden_test.go) and
// the resource values vault-k8s users write.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseQuantity, QUANTITY_ACCEPTED } from '../../patches/quantity.js';

function canon(s: string): string {
  const r = parseQuantity(s);
  if (!r.ok) throw new Error(`${JSON.stringify(s)} rejected`);
  return r.value;
}

describe('parseQuantity: canonical re-serialisation', () => {
  it.each([
    // values from real agent-limits-* / agent-requests-* annotations
    ['500m', '500m'],
    ['128Mi', '128Mi'],
    ['500M', '500M'],
    ['0', '0'],
    ['128m', '128m'],
    ['500Mi', '500Mi'],
    ['0.5', '500m'],
    ['1000m', '1'],
    ['1024Mi', '1Gi'],
    // common resource values
    ['1.5Gi', '1536Mi'],
    ['0.1', '100m'],
    ['1Ki', '1Ki'],
    ['2048', '2048'],
    ['1.5', '1500m'],
    ['100k', '100k'],
    ['250m', '250m'],
    ['64Mi', '64Mi'],
    ['1Gi', '1Gi'],
    ['2', '2'],
    ['-1', '-1'],
    // DecimalExponent keeps its format: 1e3 stays 1e3, not 1k (golden "decimal-exponent-format-preserved")
    ['1e3', '1e3'],
    ['12e6', '12e6'],
    ['1E6', '1E6'],
    ['1e100', '10e99'],
    ['1.2e3', '1200'],
    ['1.3E+6', '1300e3'],
    ['1.40e9', '1400e6'],
    ['0.5e0', '500e-3'],
    ['0.5e-1', '50e-3'],
    ['0.5e-2', '5e-3'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    // decimal SI: largest exact suffix, exponent a multiple of 3
    ['1000M', '1G'],
    ['0.001T', '1G'],
    ['1000u', '1m'],
    ['1.08', '1080m'],
    ['1080000000n', '1080m'],
    ['5000m', '5'],
    ['9.01', '9010m'],
    ['8.1k', '8100'],
    ['2.5P', '2500T'],
    ['40.1T', '40100G'],
    ['1.01E', '1010P'],
    ['0.001', '1m'],
    ['0.005', '5m'],
    ['0.05', '50m'],
    ['0.00500', '5m'],
    ['0.50000', '500m'],
    ['0.0005k', '500m'],
    ['0.00050k', '500m'],
    ['.0001k', '100m'],
    ['.001', '1m'],
    // sub-milli values keep nano precision and round up (away from zero) only below 1n
    ['0.0001', '100u'],
    ['0.000000000000001', '1n'],
    ['0.0000000001', '1n'],
    ['0.0000000005', '1n'],
    ['0.5e-9', '1e-9'],
    ['0.9n', '1n'],
    ['3.001n', '4n'],
    ['1.1E-9', '2e-9'],
    ['0.00000012345', '124n'],
    ['-0.0000000001', '-1n'],
    // beyond the largest SI suffix: exponent notation rather than a corrupted value
    ['1000E', '1e21'],
    ['5000E', '5e21'],
    ['1000000E', '1e24'],
    ['100E', '100E'],
    // decimal values beyond int64 stay exact
    ['9223372036854775807', '9223372036854775807'],
    ['9223372036854775808', '9223372036854775808'],
    ['18446744073709551616', '18446744073709551616'],
    // binary SI
    ['307200Ki', '300Mi'],
    ['1025024Mi', '1001Gi'],
    ['1024Gi', '1Ti'],
    ['0.5Mi', '512Ki'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['100.035Ki', '102435840m'],
    ['0.05Gi', '53687091200m'],
    ['0.025Ti', '27487790694400m'],
    ['0.5Ki', '512'],
    ['-9.5Gi', '-9728Mi'],
    ['-9.5000000001Gi', '-10200547328107374183n'],
    // binary values are capped at 2^63-1
    ['8Ei', '9223372036854775807'],
    ['9Ei', '9223372036854775807'],
    ['9223372036854775807Ki', '9223372036854775807'],
    ['-20Ei', '-9223372036854775807'],
    // zeros of every shape
    ['00', '0'],
    ['-0', '0'],
    ['+0', '0'],
    ['0Ki', '0'],
    ['0m', '0'],
    ['0.000', '0'],
    ['0e5', '0'],
  ])('%s → %s', (input, expected) => {
    expect(parseQuantity(input)).toEqual({ ok: true, value: expected });
  });
});

describe('parseQuantity: inputs Go caches and re-emits verbatim', () => {
  // ParseQuantity's fast path keeps the input string when it already "looks canonical"
  // (decimal: scale a multiple of 3, no trailing 000, no leading 0 digit; binary: value not a
  // multiple of 8), and MarshalJSON writes that string, sign and leading zeros included.
  it.each([
    '+1',
    '01',
    '+500m',
    '007Mi',
    '+1Ki',
    '1.441',
    '1.000001',
    '1.000000001',
    '100.035k',
    '10.035M',
    '5.444T',
    '6.987654321G',
    '1.',
    '1.G',
    '1E-3',
    '1e-3',
    '80e-3',
    '300e6',
    '12E',
    '1e21',
  ])('%s', (input) => {
    expect(parseQuantity(input)).toEqual({ ok: true, value: input });
  });
});

describe('parseQuantity: degenerate inputs Go accepts as zero', () => {
  it.each(['+', '-', '.', '-.', 'Ki', 'm', 'k', 'e5', 'E'])('%s → 0', (input) => {
    expect(parseQuantity(input)).toEqual({ ok: true, value: '0' });
  });
});

describe('parseQuantity: rejected inputs', () => {
  it.each([
    // not a quantity at all
    ['128mb'],
    ['128g'],
    ['1Gb'],
    ['aoeu'],
    ['1.1.M'],
    ['1+1.0M'],
    ['0.1am'],
    ['-3.01e-'],
    [' 1'],
    ['1 '],
    ['1,5'],
    ['½'],
    // unknown suffixes (case matters)
    ['500mi'],
    ['250gi'],
    ['0.1mi'],
    ['1KI'],
    ['1ki'],
    ['1K'],
    ['.5i'],
    ['1i'],
    ['-3.01i'],
    ['1e'],
    ['1Ee3'],
    ['1e+'],
    ['1e99999999999999999999'],
    ['1kk'],
    ['1Mie'],
    // no digits at all on the arbitrary-precision path
    ['.Ei'],
    ['Pi'],
    // empty
    [''],
  ])('%j', (input) => {
    expect(parseQuantity(input)).toEqual({ ok: false, accepted: QUANTITY_ACCEPTED });
  });

  it('says what is accepted', () => {
    expect(QUANTITY_ACCEPTED).toContain('250m, 0.5, 128Mi or 1Gi');
  });
});

describe('parseQuantity: round trips', () => {
  it.each([
    '1Gi',
    '300Mi',
    '6Ki',
    '1001Gi',
    '1Ti',
    '5',
    '500m',
    '1G',
    '1m',
    '80m',
    '1080m',
    '300M',
    '1T',
    '1E',
    '1234567M',
    '1234567m',
    '3k',
    '1025',
    '1e9',
    '1e12',
    '3e3',
    '1n',
    '80n',
    '1080n',
    '1u',
    '80u',
    '1080u',
  ])('canonical %s parses back to itself, also negated', (s) => {
    expect(canon(s)).toBe(s);
    expect(canon(`-${s}`)).toBe(`-${s}`);
  });

  const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 22 });
  const quantity = fc
    .tuple(
      fc.constantFrom('', '+', '-'),
      digits,
      fc.option(digits, { nil: undefined }),
      fc.constantFrom(
        ...['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E'],
        ...['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'e3', 'e-3', 'E+6', 'e-12', 'e21'],
      ),
    )
    .map(
      ([sign, int, frac, suffix]) =>
        `${sign}${int}${frac === undefined ? '' : `.${frac}`}${suffix}`,
    );

  it('canonical output is a fixed point for every accepted quantity', () => {
    fc.assert(
      fc.property(quantity, (s) => {
        const first = parseQuantity(s);
        if (!first.ok) return;
        expect(parseQuantity(first.value)).toEqual(first);
      }),
      { numRuns: 2000 },
    );
  });

  it('never accepts a mis-cased or unknown suffix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99999 }),
        fc.constantFrom('ki', 'mi', 'gi', 'KI', 'MI', 'g', 'K', 'mb', 'b', 'i', 'Kib'),
        (n, suffix) => {
          expect(parseQuantity(`${n}${suffix}`).ok).toBe(false);
        },
      ),
    );
  });
});
