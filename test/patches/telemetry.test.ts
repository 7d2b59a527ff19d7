// buildTelemetry: vault-k8s's decoding, except that a bad value drops only its own key.
import { describe, expect, it } from 'vitest';
import { buildTelemetry, TELEMETRY_SETTINGS } from '../../patches/telemetry.js';

const UNKNOWN = `unknown telemetry setting; accepted: ${TELEMETRY_SETTINGS.join(', ')}`;

describe('buildTelemetry: values', () => {
  it.each([
    // strings keep non-JSON text; a quoted JSON string is unwrapped
    ['usage-gauge-period', '10m', { usage_gauge_period: '10m' }],
    ['usage_gauge_period', '"10"', { usage_gauge_period: '10' }],
    ['prometheus-retention-time', '24h', { prometheus_retention_time: '24h' }],
    ['statsd-address', '127.0.0.1:8125', { statsd_address: '127.0.0.1:8125' }],
    ['circonus-check-tags', 'a:b,c:d', { circonus_check_tags: 'a:b,c:d' }],
    ['lease-metrics-epsilon', '1h', { lease_metrics_epsilon: '1h' }],
    ['stackdriver-project-id', 'my-project', { stackdriver_project_id: 'my-project' }],
    // ints
    ['maximum-gauge-cardinality', '500', { maximum_gauge_cardinality: 500 }],
    ['num-lease-metrics-buckets', '168', { num_lease_metrics_buckets: 168 }],
    ['maximum-gauge-cardinality', '-3', { maximum_gauge_cardinality: -3 }],
    ['maximum-gauge-cardinality', '1e3', { maximum_gauge_cardinality: 1000 }],
    ['maximum-gauge-cardinality', '5.0', { maximum_gauge_cardinality: 5 }],
    // bools
    ['disable-hostname', 'true', { disable_hostname: true }],
    ['enable-hostname-label', 'true', { enable_hostname_label: true }],
    ['stackdriver-debug-logs', 'true', { stackdriver_debug_logs: true }],
    [
      'circonus-check-force-metric-activation',
      'true',
      { circonus_check_force_metric_activation: true },
    ],
    // string arrays; null elements decode to ""
    [
      'prefix-filter',
      '["+vault.token", "-vault.expire"]',
      { prefix_filter: ['+vault.token', '-vault.expire'] },
    ],
    ['dogstatsd-tags', '["env:prod"]', { dogstatsd_tags: ['env:prod'] }],
    ['dogstatsd-tags', '["a", null]', { dogstatsd_tags: ['a', ''] }],
    // JSON whitespace is allowed around the value
    ['disable-hostname', ' true\n', { disable_hostname: true }],
  ])('%s=%s', (suffix, raw, expected) => {
    expect(buildTelemetry([[suffix, raw]])).toEqual({ telemetry: expected, dropped: [] });
  });

  it.each([
    ['disable-hostname', 'false'],
    ['maximum-gauge-cardinality', '0'],
    ['maximum-gauge-cardinality', '-0'],
    ['usage-gauge-period', '""'],
    ['prefix-filter', '[]'],
    ['usage-gauge-period', 'null'],
    ['prefix-filter', 'null'],
  ])('zero value %s=%s is omitted', (suffix, raw) => {
    expect(buildTelemetry([[suffix, raw]])).toEqual({ telemetry: undefined, dropped: [] });
  });

  it('returns no stanza without entries', () => {
    expect(buildTelemetry([])).toEqual({ telemetry: undefined, dropped: [] });
  });
});

describe('buildTelemetry: per-key type mismatches', () => {
  it.each([
    // a JSON number or bool where Go wants a string
    ['usage-gauge-period', '10', 'usage_gauge_period', /^expected a string .*got a number$/],
    ['statsd-address', 'true', 'statsd_address', /^expected a string .*got a boolean$/],
    ['circonus-check-tags', '["a"]', 'circonus_check_tags', /^expected a string .*got an array$/],
    // ints take only integral JSON numbers within int64
    [
      'maximum-gauge-cardinality',
      'abc',
      'maximum_gauge_cardinality',
      /^expected an integer .*got a string$/,
    ],
    [
      'maximum-gauge-cardinality',
      '"500"',
      'maximum_gauge_cardinality',
      /^expected an integer .*got a string$/,
    ],
    [
      'maximum-gauge-cardinality',
      '1.5',
      'maximum_gauge_cardinality',
      /^expected an integer .*got a non-integer number$/,
    ],
    ['num-lease-metrics-buckets', '1e19', 'num_lease_metrics_buckets', /^expected an integer/],
    [
      'num-lease-metrics-buckets',
      '9223372036854775807',
      'num_lease_metrics_buckets',
      /^expected an integer/,
    ],
    ['num-lease-metrics-buckets', '1e400', 'num_lease_metrics_buckets', /got a string$/],
    // bools are JSON true/false only (no Go ParseBool spellings)
    ['disable-hostname', 'True', 'disable_hostname', /^expected a boolean .*got a string$/],
    ['disable-hostname', '1', 'disable_hostname', /^expected a boolean .*got a number$/],
    ['disable-hostname', '"true"', 'disable_hostname', /^expected a boolean .*got a string$/],
    // string arrays
    [
      'prefix-filter',
      '+vault.token',
      'prefix_filter',
      /^expected a JSON array of strings .*got a string$/,
    ],
    ['dogstatsd-tags', '["a", 1]', 'dogstatsd_tags', /got an array with a non-string$/],
    ['dogstatsd-tags', '{"a":"b"}', 'dogstatsd_tags', /got an object$/],
  ])('%s=%s drops only %s', (suffix, raw, key, reason) => {
    const result = buildTelemetry([
      ['disable-hostname-label-x', 'ignored'],
      ['filter-default', 'true'],
      [suffix, raw],
    ]);
    expect(result.telemetry).toEqual({ filter_default: true });
    const mismatch = result.dropped.find((d) => d.key === key);
    expect(mismatch).toMatchObject({ key, value: raw });
    expect(mismatch!.reason).toMatch(reason);
  });

  it('keeps every valid key when several are invalid', () => {
    expect(
      buildTelemetry([
        ['usage-gauge-period', '10'],
        ['maximum-gauge-cardinality', '500'],
        ['disable-hostname', 'yes'],
        ['dogstatsd-addr', 'localhost:8125'],
      ]),
    ).toEqual({
      telemetry: { maximum_gauge_cardinality: 500, dogstatsd_addr: 'localhost:8125' },
      dropped: [
        {
          key: 'disable_hostname',
          value: 'yes',
          reason: expect.stringMatching(/^expected a boolean/),
        },
        {
          key: 'usage_gauge_period',
          value: '10',
          reason: expect.stringMatching(/^expected a string/),
        },
      ],
    });
  });
});

describe('buildTelemetry: keys', () => {
  it('drops unknown keys and lists what is accepted', () => {
    expect(
      buildTelemetry([
        ['foo-bar', '1'],
        ['disable-hostname', 'true'],
        ['', 'x'],
      ]),
    ).toEqual({
      telemetry: { disable_hostname: true },
      dropped: [
        { key: '', value: 'x', reason: UNKNOWN },
        { key: 'foo_bar', value: '1', reason: UNKNOWN },
      ],
    });
    expect(UNKNOWN).toContain('usage_gauge_period, maximum_gauge_cardinality, disable_hostname');
  });

  it('returns no stanza when only unknown keys were given', () => {
    const result = buildTelemetry([['nope', 'true']]);
    expect(result.telemetry).toBeUndefined();
    expect(result.dropped).toHaveLength(1);
  });

  it.each([
    ['DISABLE-HOSTNAME', 'disable_hostname'],
    ['Disable_Hostname', 'disable_hostname'],
    ['Stackdriver-Debug-Logs', 'stackdriver_debug_logs'],
    // Go's Unicode folding maps the Kelvin sign onto k and long s onto s
    ['stac\u212Adriver-debug-logs', 'stackdriver_debug_logs'],
    ['disable-hostnamex', undefined],
    ['di\u017Fable-hostname', 'disable_hostname'],
  ])('matches %s case-insensitively', (suffix, field) => {
    const { telemetry, dropped } = buildTelemetry([[suffix, 'true']]);
    if (field === undefined) {
      expect(telemetry).toBeUndefined();
      expect(dropped).toHaveLength(1);
    } else {
      expect(telemetry).toEqual({ [field]: true });
      expect(dropped).toEqual([]);
    }
  });

  it('applies keys that fold together in sorted order, so the last one wins', () => {
    // "DISABLE_HOSTNAME" sorts before "disable_hostname"
    expect(
      buildTelemetry([
        ['disable-hostname', 'false'],
        ['DISABLE-HOSTNAME', 'true'],
      ]).telemetry,
    ).toBeUndefined();
    expect(
      buildTelemetry([
        ['disable-hostname', 'true'],
        ['DISABLE-HOSTNAME', 'false'],
      ]).telemetry,
    ).toEqual({ disable_hostname: true });
  });

  it('keeps the earlier value when a later folding key is invalid', () => {
    expect(
      buildTelemetry([
        ['USAGE-GAUGE-PERIOD', '"5m"'],
        ['usage-gauge-period', '10'],
      ]),
    ).toMatchObject({
      telemetry: { usage_gauge_period: '5m' },
      dropped: [{ key: 'usage_gauge_period' }],
    });
  });

  it('lets a later null reset an array but not a scalar', () => {
    expect(
      buildTelemetry([
        ['PREFIX-FILTER', '["a"]'],
        ['prefix-filter', 'null'],
        ['STATSD-ADDRESS', '"x:1"'],
        ['statsd-address', 'null'],
      ]).telemetry,
    ).toEqual({ statsd_address: 'x:1' });
  });

  it('lets the later of two suffixes that collide after - → _ win', () => {
    expect(
      buildTelemetry([
        ['statsd-address', 'a:1'],
        ['statsd_address', 'b:2'],
      ]).telemetry,
    ).toEqual({ statsd_address: 'b:2' });
  });
});

describe('buildTelemetry: output order', () => {
  it('emits fields in vault-k8s struct order whatever the input order', () => {
    const entries: Array<[string, string]> = [
      ['stackdriver-debug-logs', 'true'],
      ['dogstatsd-tags', '["t"]'],
      ['prometheus-retention-time', '1h'],
      ['circonus-api-token', 'tok'],
      ['prefix-filter', '["+a"]'],
      ['filter-default', 'true'],
      ['usage-gauge-period', '10m'],
      ['maximum-gauge-cardinality', '100'],
      ['disable-hostname', 'true'],
    ];
    const { telemetry, dropped } = buildTelemetry(entries);
    expect(dropped).toEqual([]);
    expect(Object.keys(telemetry!)).toEqual([
      'usage_gauge_period',
      'maximum_gauge_cardinality',
      'disable_hostname',
      'filter_default',
      'prefix_filter',
      'circonus_api_token',
      'dogstatsd_tags',
      'prometheus_retention_time',
      'stackdriver_debug_logs',
    ]);
    expect(JSON.stringify(telemetry)).toBe(
      '{"usage_gauge_period":"10m","maximum_gauge_cardinality":100,"disable_hostname":true,' +
        '"filter_default":true,"prefix_filter":["+a"],"circonus_api_token":"tok",' +
        '"dogstatsd_tags":["t"],"prometheus_retention_time":"1h","stackdriver_debug_logs":true}',
    );
  });

  it('accepts every documented setting', () => {
    const sample = (name: string): string => {
      if (['maximum_gauge_cardinality', 'num_lease_metrics_buckets'].includes(name)) return '7';
      if (['prefix_filter', 'dogstatsd_tags'].includes(name)) return '["x"]';
      if (/hostname|filter_default|labels|activation|debug_logs/.test(name)) return 'true';
      return 'v';
    };
    const { telemetry, dropped } = buildTelemetry(TELEMETRY_SETTINGS.map((n) => [n, sample(n)]));
    expect(dropped).toEqual([]);
    expect(Object.keys(telemetry!)).toEqual(TELEMETRY_SETTINGS);
    expect(TELEMETRY_SETTINGS).toHaveLength(31);
  });
});
