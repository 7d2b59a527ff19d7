// Builds the commander program; each command lives in cli/commands/<name>.ts and registers itself here.
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerCertsCommand } from './commands/certs.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerLintCommand } from './commands/lint.js';
import { registerMutateCommand } from './commands/mutate.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerReviewCommand } from './commands/review.js';
import { registerServeCommand } from './commands/serve.js';
import { normaliseConfigArgv } from './config.js';
import { toError } from '../patches/to-error.js';
import { EXIT_INTERNAL_ERROR, UsageError, type CliIO } from './io.js';
import { EXIT_USAGE } from './settings-as-flags.js';

export function readVersion(): string {
  // dist/cli/program.js is two levels below package.json; cli/program.ts (tests, tsx) is one.
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version: string;
      };
      if (pkg.name === 'vault-injector') return pkg.version;
    } catch {
      // try the next location
    }
  }
  return 'unknown';
}

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('vault-injector')
    .description(
      'Kubernetes mutating admission webhook that injects HashiCorp Vault Agent (a drop-in for vault-k8s)',
    )
    .version(readVersion(), '--version', 'print the version')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride()
    .showHelpAfterError(false);
  // Commands register here (one line each), e.g. registerReviewCommand(program, io, setExit).
  registerCertsCommand(program, io);
  registerReviewCommand(program, io);
  registerMutateCommand(program, io, setExit);
  registerServeCommand(program, io);
  registerLintCommand(program, io, setExit);
  registerPolicyCommand(program, io);
  registerDoctorCommand(program, io, setExit);
  return program;
}

/** Runs the CLI and returns the exit code; a user's mistake prints one line, never a stack trace. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(normaliseConfigArgv(argv), { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here with exit code 0; every other is a usage error (an
      // unknown flag or command, a bad choice, a missing argument), which is 2 in every command:
      // 1 means "found problems" to lint, mutate, policy and doctor.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`vault-injector: ${err.message}\n`);
      return err.exitCode;
    }
    // Anything else is a bug (an engine throw included), never the user's mistake: its stack.
    const error = toError(err);
    io.stderr.write(`vault-injector: internal error: ${error.stack ?? error.message}\n`);
    return EXIT_INTERNAL_ERROR;
  }
}
