// Parses Go-style listen addresses (-listen / AGENT_INJECT_LISTEN): "host:port", ":port",
// "[::1]:port". An empty host means every interface, as in Go.
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export interface ListenAddress {
  /** undefined = all interfaces. */
  readonly host: string | undefined;
  readonly port: number;
}

export class ListenAddressError extends Error {
  constructor(input: string, why: string) {
    super(`invalid listen address ${JSON.stringify(input)}: ${why}`);
    this.name = 'ListenAddressError';
  }
}

function splitHostPort(input: string): [string, string] {
  if (input.startsWith('[')) {
    const end = input.indexOf(']');
    if (end < 0 || input[end + 1] !== ':') {
      throw new ListenAddressError(input, 'expected "[ipv6]:port"');
    }
    const host = input.slice(1, end);
    if (isIP(host) !== 6) throw new ListenAddressError(input, `${host} is not an IPv6 address`);
    return [host, input.slice(end + 2)];
  }
  const colon = input.lastIndexOf(':');
  if (colon < 0)
    throw new ListenAddressError(input, 'missing port (expected "host:port" or ":port")');
  const host = input.slice(0, colon);
  if (host.includes(':')) {
    throw new ListenAddressError(input, 'IPv6 addresses must be in brackets, e.g. "[::1]:8080"');
  }
  return [host, input.slice(colon + 1)];
}

export function parseListenAddress(input: string): ListenAddress {
  const [host, portText] = splitHostPort(input.trim());
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new ListenAddressError(input, `port ${JSON.stringify(portText)} is not 0-65535`);
  }
  return { host: host === '' ? undefined : host, port: Number(portText) };
}

/** The host to bind for "all interfaces": dual-stack "::" where IPv6 exists, else IPv4 only. */
export function allInterfacesHost(): string {
  const hasIPv6 = Object.values(networkInterfaces()).some((list) =>
    (list ?? []).some((i) => i.family === 'IPv6'),
  );
  return hasIPv6 ? '::' : '0.0.0.0';
}
