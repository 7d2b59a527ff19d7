// "standard" log format: one readable line per event, in the shape vault-k8s (hclog) prints:
//   2026-11-28T08:00:00.000Z [INFO]  admission: decision=inject uid=... duration_ms=0.4
// It reformats pino's JSON line, so both formats carry exactly the same fields.

const LEVEL_NAMES: Readonly<Record<string, string>> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
};

// Fields printed in the line's head or that only make sense in JSON.
const HEAD_FIELDS = new Set(['level', 'time', 'msg', 'component', 'pid', 'hostname', 'v']);

function formatValue(value: unknown): string {
  if (typeof value === 'string') {
    return value === '' || /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  }
  if (typeof value === 'object' && value !== null && 'message' in value) {
    // pino's err serializer: the message is what a reader needs; the stack stays in JSON format.
    return JSON.stringify(String((value as { message: unknown }).message));
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function timestamp(time: unknown): string {
  return typeof time === 'string' ? time : new Date().toISOString();
}

/** key=value pairs of the fields not in the head, built in place (this runs for every line). */
function fieldsOf(rec: Record<string, unknown>): string {
  let fields = '';
  for (const k in rec) {
    const v = rec[k];
    if (HEAD_FIELDS.has(k) || v === undefined) continue;
    fields += `${fields === '' ? '' : ' '}${k}=${formatValue(v)}`;
  }
  return fields;
}

/**
 * One standard line (with its newline) from a record shaped as pino's JSON line: level name, time,
 * component, msg, then the fields in order.
 */
export function standardLine(rec: Record<string, unknown>): string {
  const level = `[${LEVEL_NAMES[String(rec.level)] ?? 'INFO'}]`.padEnd(7);
  const component = typeof rec.component === 'string' ? `${rec.component}: ` : '';
  const msg = typeof rec.msg === 'string' && rec.msg !== '' ? rec.msg : '';
  const fields = fieldsOf(rec);
  const body = [msg, fields].filter((s) => s !== '').join(msg !== '' && fields !== '' ? ': ' : '');
  return `${timestamp(rec.time)} ${level} ${component}${body}\n`;
}

/** Turns one pino JSON line into one standard line (with its newline). */
export function formatStandardLine(jsonLine: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.endsWith('\n') ? jsonLine : `${jsonLine}\n`;
  }
  return standardLine(rec);
}
