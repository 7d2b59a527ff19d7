// Where the serving certificate comes from: files on disk (certs/file-source.ts) or generated and
// rotated by the injector itself (auto-TLS). The server only sees this interface.

export interface ServingCertificate {
  /** PEM of the serving certificate (leaf first, optional intermediates after). */
  readonly certPem: string;
  /** PEM of its private key. */
  readonly keyPem: string;
  /** PEM bundle of the CA(s) that clients should trust; empty when unknown. */
  readonly caPem: string;
}

export interface CertificateSource {
  /**
   * Starts producing certificates. `onCertificate` is called with the first usable certificate and
   * again on every change; a failed reload is reported through `onError` and the old one stays.
   */
  start(
    onCertificate: (cert: ServingCertificate) => void,
    onError: (err: Error) => void,
  ): Promise<void>;
  /** Stops watchers, timers and API calls. */
  stop(): Promise<void>;
}
