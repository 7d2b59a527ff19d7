import { describe, expect, it } from 'vitest';
import {
  isGoDuration,
  parseGoBool,
  parseGoFloat,
  parseGoInt,
  parseGoUint,
} from '../../patches/go-values.js';

describe('parseGoBool (parseutil.ParseBool)', () => {
  it.each([
    ['1', true],
    ['t', true],
    ['T', true],
    ['TRUE', true],
    ['true', true],
    ['True', true],
    ['0', false],
    ['f', false],
    ['F', false],
    ['FALSE', false],
    ['false', false],
    ['False', false],
    ['', false],
  ])('%j → %s', (s, want) => {
    expect(parseGoBool(s)).toEqual({ ok: true, value: want });
  });
  it.each(['tRuE', 'yes', 'no', 'on', ' true', 'true ', '2'])(
    'rejects %j and says what is accepted',
    (s) => {
      const r = parseGoBool(s);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.accepted).toContain('true/false');
    },
  );
});

describe('parseGoInt / parseGoUint / parseGoFloat', () => {
  it.each([
    ['', 0],
    ['0', 0],
    ['+5', 5],
    ['-7', -7],
    ['007', 7],
    ['1000', 1000],
  ])('int %j → %d', (s, n) => {
    expect(parseGoInt(s)).toEqual({ ok: true, value: n });
  });
  it.each(['root', '1.5', '1e3', '9223372036854775808', ' 1'])('int rejects %j', (s) => {
    expect(parseGoInt(s).ok).toBe(false);
  });
  it.each([
    ['5', 5],
    ['01', 1],
    ['0', 0],
  ])('uint %j → %d', (s, n) => {
    expect(parseGoUint(s)).toEqual({ ok: true, value: n });
  });
  it.each(['', '-1', '+1', 'five', '1.0'])('uint rejects %j', (s) => {
    expect(parseGoUint(s).ok).toBe(false);
  });
  it.each([
    ['0.75', 0.75],
    ['1e-3', 0.001],
    ['.5', 0.5],
    ['5.', 5],
    ['-2', -2],
    ['1_000.5', 1000.5],
  ])('float %j → %d', (s, n) => {
    expect(parseGoFloat(s)).toEqual({ ok: true, value: n });
  });
  it.each(['', 'NaN', 'inf', '-Inf', 'abc', '1e400'])(
    'float rejects %j (empty, non-finite, garbage)',
    (s) => {
      expect(parseGoFloat(s).ok).toBe(false);
    },
  );
});

describe('isGoDuration (time.ParseDuration)', () => {
  it.each(['0', '300ms', '1s', '1m', '1h30m', '1.5h', '2h45m30.5s', '10us', '10µs', '5ns', '-1s'])(
    'accepts %j',
    (s) => {
      expect(isGoDuration(s)).toBe(true);
    },
  );
  it.each(['5', 'x', '1d', 's', '1 s', '', '1.s.'])('rejects %j', (s) => {
    expect(isGoDuration(s)).toBe(false);
  });
});
