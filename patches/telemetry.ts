// The agent config's `telemetry` stanza, built from vault.hashicorp.com/agent-telemetry-*
// annotations. vault-k8s JSON-decodes each value, marshals the map and unmarshals it into its
// Telemetry struct with encoding/json; this reproduces that decoding field by field. One deliberate
// difference: a value of the wrong type drops only its own key, with a reason,
// instead of silently discarding the whole stanza.

type FieldType = 'string' | 'int' | 'bool' | 'string[]';

// Declaration order of vault-k8s's Telemetry struct, which is the order Go emits the keys in.
const TELEMETRY_FIELDS: ReadonlyArray<readonly [name: string, type: FieldType]> = [
  ['usage_gauge_period', 'string'],
  ['maximum_gauge_cardinality', 'int'],
  ['disable_hostname', 'bool'],
  ['enable_hostname_label', 'bool'],
  ['lease_metrics_epsilon', 'string'],
  ['num_lease_metrics_buckets', 'int'],
  ['add_lease_metrics_namespace_labels', 'bool'],
  ['filter_default', 'bool'],
  ['prefix_filter', 'string[]'],
  ['statsite_address', 'string'],
  ['statsd_address', 'string'],
  ['circonus_api_token', 'string'],
  ['circonus_api_app', 'string'],
  ['circonus_api_url', 'string'],
  ['circonus_submission_interval', 'string'],
  ['circonus_submission_url', 'string'],
  ['circonus_check_id', 'string'],
  ['circonus_check_force_metric_activation', 'bool'],
  ['circonus_check_instance_id', 'string'],
  ['circonus_check_search_tag', 'string'],
  ['circonus_check_display_name', 'string'],
  ['circonus_check_tags', 'string'],
  ['circonus_broker_id', 'string'],
  ['circonus_broker_select_tag', 'string'],
  ['dogstatsd_addr', 'string'],
  ['dogstatsd_tags', 'string[]'],
  ['prometheus_retention_time', 'string'],
  ['stackdriver_project_id', 'string'],
  ['stackdriver_location', 'string'],
  ['stackdriver_namespace', 'string'],
  ['stackdriver_debug_logs', 'bool'],
];

/** Setting names as written after agent-telemetry- (with `_`; `-` is accepted too). */
export const TELEMETRY_SETTINGS: readonly string[] = TELEMETRY_FIELDS.map(([name]) => name);

const UNKNOWN_REASON = `unknown telemetry setting; accepted: ${TELEMETRY_SETTINGS.join(', ')}`;

const EXPECTED: Record<FieldType, string> = {
  string: 'a string (a value that parses as JSON, such as 10 or true, must be quoted: "10")',
  int: 'an integer (e.g. 500)',
  bool: 'a boolean (true or false)',
  'string[]': 'a JSON array of strings (e.g. ["a","b"])',
};

export interface TelemetryDrop {
  key: string;
  value: string;
  reason: string;
}

export interface TelemetryResult {
  telemetry: Record<string, unknown> | undefined;
  dropped: TelemetryDrop[];
}

/**
 * encoding/json matches keys to fields case-insensitively using Unicode simple folding, under which
 * the Kelvin sign and long s fold onto ASCII k and s; every field name is ASCII lower case.
 */
function fold(key: string): string {
  return key
    .replace(/\u212A/g, 'k')
    .replace(/\u017F/g, 's')
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const FIELD_BY_FOLDED: ReadonlyMap<string, readonly [string, FieldType]> = new Map(
  TELEMETRY_FIELDS.map((field) => [field[0], field]),
);

function hasNonFiniteNumber(v: unknown): boolean {
  if (typeof v === 'number') return !Number.isFinite(v);
  if (Array.isArray(v)) return v.some(hasNonFiniteNumber);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasNonFiniteNumber);
  return false;
}

/**
 * json.Unmarshal into interface{}, falling back to the raw string. Go rejects numbers beyond
 * float64 range (1e400) where JSON.parse yields Infinity, so those stay strings too.
 */
function decodeValue(raw: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return raw;
  }
  return hasNonFiniteNumber(v) ? raw : v;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return Number.isInteger(v) ? 'a number' : 'a non-integer number';
  return `a ${typeof v}`;
}

const TWO_63 = 2 ** 63;

type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Decoding of one (non-null) value into a Go field. Go ints take only JSON numbers written without
 * fraction or exponent that fit int64; a float64 marshals that way exactly when it is integral and
 * within int64 range. []string elements may be null (they decode to "").
 */
function decodeField(type: FieldType, v: unknown): Decoded {
  const value = FIELD_DECODERS[type](v);
  if (value !== undefined) return { ok: true, value };
  if (type === 'string[]' && Array.isArray(v)) {
    return { ok: false, reason: `expected ${EXPECTED[type]}, got an array with a non-string` };
  }
  return { ok: false, reason: `expected ${EXPECTED[type]}, got ${describe(v)}` };
}

const isInt64 = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v < TWO_63 && v >= -TWO_63;

/** Each Go field type's decoding: the value to keep, or undefined when the type does not match. */
const FIELD_DECODERS: Readonly<Record<FieldType, (v: unknown) => unknown>> = {
  string: (v) => (typeof v === 'string' ? v : undefined),
  bool: (v) => (typeof v === 'boolean' ? v : undefined),
  int: (v) => (isInt64(v) ? v : undefined),
  'string[]': (v) =>
    Array.isArray(v) && v.every((e) => e === null || typeof e === 'string')
      ? v.map((e: unknown) => (e === null ? '' : e))
      : undefined,
};

/** Go's omitempty: "", 0, false and empty slices are not written. */
function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0);
}

/** Go sorts map keys by their UTF-8 bytes when marshalling. */
const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Builds the telemetry stanza from [annotation suffix, raw value] pairs, in annotation order.
 * Suffixes that collide after `-` → `_` keep the later value (Go's map iteration order is random,
 * so any choice is compatible). Keys are then applied in sorted order, as Go's marshal-then-
 * unmarshal round trip does, so the last key folding onto a field wins. Returns undefined
 * telemetry when no non-zero setting survives.
 */
export function buildTelemetry(
  entries: ReadonlyArray<readonly [suffix: string, raw: string]>,
): TelemetryResult {
  const byKey = new Map<string, string>();
  for (const [suffix, raw] of entries) byKey.set(suffix.replace(/-/g, '_'), raw);
  const values = new Map<string, unknown>();
  const dropped: TelemetryDrop[] = [];
  for (const key of [...byKey.keys()].sort(byUtf8)) {
    const drop = applySetting(values, key, byKey.get(key) ?? '');
    if (drop !== undefined) dropped.push(drop);
  }
  const telemetry: Record<string, unknown> = {};
  for (const [name] of TELEMETRY_FIELDS) {
    const v = values.get(name);
    if (v !== undefined && !isZero(v)) telemetry[name] = v;
  }
  return { telemetry: Object.keys(telemetry).length > 0 ? telemetry : undefined, dropped };
}

/** Decodes one setting into `values`, as Go's unmarshal would; the drop when it cannot. */
function applySetting(
  values: Map<string, unknown>,
  key: string,
  raw: string,
): TelemetryDrop | undefined {
  const field = FIELD_BY_FOLDED.get(fold(key));
  if (field === undefined) return { key, value: raw, reason: UNKNOWN_REASON };
  const [name, type] = field;
  const decoded = decodeValue(raw);
  if (decoded === null) {
    // JSON null resets a slice and leaves any other Go value as it was.
    if (type === 'string[]') values.delete(name);
    return undefined;
  }
  const result = decodeField(type, decoded);
  if (!result.ok) return { key, value: raw, reason: result.reason };
  values.set(name, result.value);
  return undefined;
}
