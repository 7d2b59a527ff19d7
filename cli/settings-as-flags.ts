// The injector settings of the offline commands (mutate, lint, policy, doctor), where exit 1 means
// "found problems": a bad setting there is a usage error, exit 2, like any other bad flag.
import type { Command } from 'commander';
import { configFromCommand, type ResolvedConfig } from './config.js';
import { UsageError, type CliIO } from './io.js';

export const EXIT_USAGE = 2;

export function settingsAsFlags(cmd: Command, io: CliIO): ResolvedConfig {
  try {
    return configFromCommand(cmd, io.env);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(err.message, EXIT_USAGE);
    throw err;
  }
}
