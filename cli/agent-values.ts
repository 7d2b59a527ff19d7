// The grammars of the settings the agents are built from (resources, ids, image, addresses,
// feature lists, CA bundle). vault-k8s keeps them as strings and fails per pod; here a bad value
// stops the command before it serves or reads anything, naming the flag.
import { X509Certificate } from 'node:crypto';
import { decodeCACertBytes } from '../patches/agent-env.js';
import { parsePosixId, type Parsed } from '../patches/go-values.js';
import { parseQuantity, QUANTITY_ACCEPTED } from '../patches/quantity.js';
import { IMAGE_ACCEPTED, isImageReference } from './image-reference.js';

type ValueParser<T> = (raw: string) => Parsed<T>;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(accepted: string): Parsed<T> => ({ ok: false, accepted });

/** "" (no request or limit) or a quantity that is not negative, kept as written. */
export const parseResourceQuantity: ValueParser<string> = (raw) => {
  if (raw === '') return ok(raw);
  const q = parseQuantity(raw);
  return q.ok && !q.value.startsWith('-')
    ? ok(raw)
    : bad(`${QUANTITY_ACCEPTED}, not negative (or empty for none)`);
};

/**
 * A uid or gid, kept as a string as the per-pod code reads it; "" leaves the built-in default.
 * The grammar is the annotations' own (parsePosixId), so flag and annotation accept the same.
 */
export const parseId: ValueParser<string> = (raw) => {
  if (raw === '') return ok(raw);
  const n = parsePosixId(raw);
  return n.ok ? ok(raw) : bad(n.accepted);
};

export const parseImage: ValueParser<string> = (raw) =>
  isImageReference(raw) ? ok(raw) : bad(IMAGE_ACCEPTED);

function tryUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/** What the agent's Vault client can dial: http(s) with a host, or a unix socket path. */
export const parseVaultAddress: ValueParser<string> = (raw) => {
  const url = tryUrl(raw);
  const dialable =
    url !== undefined &&
    (((url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '') ||
      (url.protocol === 'unix:' && url.pathname !== ''));
  return dialable
    ? ok(raw)
    : bad(
        'a non-empty http:// or https:// URL such as https://vault.vault.svc:8200 (or unix:///path/to.sock)',
      );
};

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks5h:']);

/** HTTPS_PROXY as Go reads it: a URL, or host:port taken as http://host:port; "" for none. */
export const parseProxyAddress: ValueParser<string> = (raw) => {
  if (raw === '') return ok(raw);
  const url = tryUrl(raw);
  const direct = url !== undefined && PROXY_SCHEMES.has(url.protocol) && url.hostname !== '';
  const bare = tryUrl(`http://${raw}`);
  return direct || (!raw.includes('://') && bare !== undefined && bare.hostname !== '')
    ? ok(raw)
    : bad('a proxy URL such as http://proxy.example:3128 (or host:port), or empty');
};

/** What disable_idle_connections and disable_keep_alives accept in both agents. */
export const AGENT_FEATURES = ['auto-auth', 'caching', 'proxying', 'templating'] as const;

/** Comma list, split without trimming as vault-k8s does; "" for none. */
export const parseAgentFeatures: ValueParser<string> = (raw) => {
  const known: readonly string[] = AGENT_FEATURES;
  return raw === '' || raw.split(',').every((f) => known.includes(f))
    ? ok(raw)
    : bad(`a comma-separated list (no spaces) of ${AGENT_FEATURES.join(', ')}, or empty`);
};

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

function parsesAsCertificate(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

/** VAULT_CACERT_BYTES: PEM certificates, verbatim or base64-encoded as vault-k8s decodes it. */
export const parseCACertBytes: ValueParser<string> = (raw) => {
  if (raw === '') return ok(raw);
  const blocks = decodeCACertBytes(raw).match(PEM_CERTIFICATE) ?? [];
  return blocks.length > 0 && blocks.every(parsesAsCertificate)
    ? ok(raw)
    : bad(
        'PEM certificates ("-----BEGIN CERTIFICATE-----" ...), verbatim or base64-encoded, or empty',
      );
};
