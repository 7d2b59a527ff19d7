// What GET /health/ready reports: ready only between "certificate loaded and listening" and the
// start of shutdown, so the Service stops routing to a pod that is draining.
export class Readiness {
  #certificateLoaded = false;
  #serving = false;
  #shuttingDown = false;

  markCertificateLoaded(): void {
    this.#certificateLoaded = true;
  }

  markServing(): void {
    this.#serving = true;
  }

  markShuttingDown(): void {
    this.#shuttingDown = true;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  isReady(): boolean {
    return this.#certificateLoaded && this.#serving && !this.#shuttingDown;
  }
}
