// Socket limits so a slow or stuck client cannot pin a connection. The API server's webhook
// timeout is at most 30 s, so nothing legitimate needs longer than that per request.
export const SERVER_TIMEOUTS = Object.freeze({
  /** TLS handshake must finish within this. */
  handshakeMs: 10_000,
  /** Request headers must arrive within this (Node: headersTimeout <= requestTimeout). */
  headersMs: 10_000,
  /** Whole request (headers + body) must arrive within this. */
  requestMs: 30_000,
  /**
   * Idle keep-alive sockets are closed after this. It must outlast the API server's own idle
   * timeout (client-go transports: 90 s) so the client always closes first: if the server closes
   * a socket the client has just picked for a POST, Go does not retry and the call fails ("EOF").
   */
  keepAliveMs: 100_000,
  /** How often Node enforces the headers and request timeouts on open connections. */
  checkIntervalMs: 1_000,
  /** Any socket with no traffic at all for this long is destroyed (backstop). */
  idleSocketMs: 120_000,
});
