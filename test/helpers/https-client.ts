// HTTPS requests that verify the server certificate against a given CA (never disabled), and
// report which certificate the server presented.
import { request, type Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpsResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** SHA-256 fingerprint of the server's leaf certificate. */
  readonly fingerprint: string;
  /** Whether this request reused an existing connection. */
  readonly reusedSocket: boolean;
}

export interface HttpsOptions {
  readonly ca: string;
  readonly method?: string;
  readonly path: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly agent?: Agent | false;
  readonly servername?: string;
}

// Node answers getPeerX509Certificate() only on a socket's first response, so remember it for reuse.
const seen = new WeakMap<TLSSocket, string>();

function peerFingerprint(socket: TLSSocket): string {
  const fp = socket.getPeerX509Certificate()?.fingerprint256 ?? seen.get(socket) ?? '';
  seen.set(socket, fp);
  return fp;
}

export function httpsRequest(url: string, opts: HttpsOptions): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(opts.path, url),
      {
        method: opts.method ?? 'GET',
        ca: opts.ca,
        agent: opts.agent ?? false,
        headers: opts.headers,
        ...(opts.servername === undefined ? {} : { servername: opts.servername }),
      },
      (res) => {
        const fingerprint = peerFingerprint(res.socket as TLSSocket);
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            fingerprint,
            reusedSocket: req.reusedSocket,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
