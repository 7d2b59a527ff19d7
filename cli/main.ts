#!/usr/bin/env node
// Process entry for the `vault-injector` binary.
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
