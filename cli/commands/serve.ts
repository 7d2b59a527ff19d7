// `vault-injector serve` (alias `agent-inject`, the argument vault-helm passes): the webhook.
// Configuration problems exit 1 with one line before anything listens; SIGTERM/SIGINT drain.
import type { Command } from 'commander';
import type { Logger } from '../../webhook/logger.js';
import type { RunningServer } from '../../webhook/run-server.js';
import { addConfigOptions, configFromCommand, type ResolvedConfig } from '../config.js';
import { UsageError, type CliIO } from '../io.js';
import { toError } from '../../patches/to-error.js';

export type StopSignal = 'SIGTERM' | 'SIGINT';

/** How serve learns it should stop; the process by default, a fake in tests. */
export interface SignalSource {
  waitForStop(): Promise<StopSignal>;
}

export const processSignals: SignalSource = {
  waitForStop: () =>
    new Promise((resolve) => {
      const on = (sig: StopSignal) => (): void => {
        process.off('SIGTERM', onTerm);
        process.off('SIGINT', onInt);
        resolve(sig);
      };
      const onTerm = on('SIGTERM');
      const onInt = on('SIGINT');
      process.once('SIGTERM', onTerm);
      process.once('SIGINT', onInt);
    }),
};

async function start(
  config: ResolvedConfig,
  logger: Logger,
  signal: AbortSignal,
): Promise<RunningServer | undefined> {
  // The server stack (fastify, prom-client, certificates) loads only for serve, so the offline
  // commands start fast.
  const [
    { CertificateConfigError, selectCertificateSource },
    { TlsConfigError },
    { ListenAddressError },
    { runServer, StartAbortedError },
  ] = await Promise.all([
    import('../../certs/select-source.js'),
    import('../../certs/tls-options.js'),
    import('../../webhook/listen-address.js'),
    import('../../webhook/run-server.js'),
  ]);
  const CONFIG_ERRORS = [CertificateConfigError, TlsConfigError, ListenAddressError];
  try {
    const certificateSource = await selectCertificateSource(
      config.server,
      logger.child({ component: 'certs' }),
    );
    return await runServer({ ...config, logger, certificateSource, signal });
  } catch (err) {
    // A stop signal while waiting for the first (generated) certificate: a clean exit.
    if (err instanceof StartAbortedError) return undefined;
    // Every startup failure is the operator's to fix (files, flags, a busy port): one line, exit 1.
    const message = toError(err).message;
    throw new UsageError(
      CONFIG_ERRORS.some((c) => err instanceof c) ? message : `cannot start: ${message}`,
    );
  }
}

export async function serve(
  config: ResolvedConfig,
  io: CliIO,
  signals: SignalSource,
): Promise<void> {
  const { createLogger } = await import('../../webhook/logger.js');
  const logger = createLogger({
    level: config.server.logLevel,
    format: config.server.logFormat,
    sink: io.stderr,
  });
  // Listen for signals before starting, so one sent during startup is not lost.
  const stopSignal = signals.waitForStop();
  const abort = new AbortController();
  void stopSignal.then(() => abort.abort());
  // A pending promise does not keep Node running: while serve waits (for its first certificate,
  // for a lock, for a signal) nothing else may hold the event loop, and Node would end the
  // process with exit code 13. serve ends only on a signal or a startup error.
  const release = holdProcessOpen();
  try {
    const running = await start(config, logger, abort.signal);
    if (running === undefined) {
      logger.info('stopped before serving');
      return;
    }
    logger.info(
      { listen: running.url, vault_address: config.injector.vaultAddress },
      'vault-injector webhook ready',
    );
    const sig = await stopSignal;
    logger.info({ signal: sig }, 'stop requested');
    await running.stop();
  } finally {
    release();
  }
}

/** Keeps the event loop alive until the returned function is called. */
function holdProcessOpen(): () => void {
  // The longest delay Node accepts; the callback only re-arms, it does no work.
  const hold = setInterval(() => undefined, 2 ** 31 - 1);
  return () => clearInterval(hold);
}

export function registerServeCommand(
  program: Command,
  io: CliIO,
  signals: SignalSource = processSignals,
): void {
  const cmd = program
    .command('serve')
    .alias('agent-inject')
    .description('run the mutating admission webhook over HTTPS (alias: agent-inject)')
    // vault-helm runs the image with args ["agent-inject", "2>&1"]: ignore stray positionals.
    .allowExcessArguments(true);
  addConfigOptions(cmd).action(async (): Promise<void> => {
    // Exit 1 for any configuration problem, before anything listens (vault-k8s's convention).
    const config = configFromCommand(cmd, io.env, 1);
    await serve(config, io, signals);
  });
}
