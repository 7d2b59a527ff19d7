// A raw HTTP/1.1-over-TLS client for hostile-input tests: sends exact bytes (invalid UTF-8,
// malformed headers, drip-fed requests) that node's https client would refuse to produce, verifies
// the server certificate against the test CA, and reports what came back and how the socket ended.
import { connect, type TLSSocket } from 'node:tls';

export interface RawResponse {
  /** 0 when the server closed without answering. */
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Milliseconds from connect to the socket closing. */
  readonly closedAfterMs: number;
}

export interface Target {
  readonly port: number;
  readonly ca: string;
}

export function openTls(target: Target): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: target.port,
      ca: target.ca,
      servername: 'localhost',
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function parse(raw: Buffer, closedAfterMs: number): RawResponse {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', closedAfterMs };
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  return { status, headers, body: body.toString('utf8'), closedAfterMs };
}

function dechunk(buf: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (let i = 0; i < 10_000 && at < buf.length; i++) {
    const eol = buf.indexOf('\r\n', at);
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(buf.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Reads until the server closes (or timeoutMs passes, then closes itself and reports status 0). */
export function readUntilClose(
  socket: TLSSocket,
  started: number,
  timeoutMs: number,
): Promise<RawResponse> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks), performance.now() - started));
    });
  });
}

/** Sends `bytes` at once on a fresh TLS connection and returns the server's answer. */
export async function rawExchange(
  target: Target,
  bytes: Buffer,
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const started = performance.now();
  const socket = await openTls(target);
  const done = readUntilClose(socket, started, timeoutMs);
  socket.write(bytes);
  return done;
}

/** A complete POST /mutate with Connection: close; headers can be overridden or removed (null). */
export function postBytes(
  body: Buffer | string,
  headers: Record<string, string | null> = {},
): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const all: Record<string, string | null> = {
    host: 'localhost',
    'content-type': 'application/json',
    'content-length': String(payload.length),
    connection: 'close',
    ...headers,
  };
  const head = Object.entries(all)
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return Buffer.concat([Buffer.from(`POST /mutate HTTP/1.1\r\n${head}\r\n`, 'latin1'), payload]);
}
