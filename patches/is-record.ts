// The one type guard for "a JSON object" (not null, not an array), used wherever raw JSON is read.

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
