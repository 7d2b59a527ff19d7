// `vault-injector review`: answers one AdmissionReview offline exactly as POST /mutate would, so a
// captured request can be replayed and its response inspected without a cluster.
import type { Command } from 'commander';
import { reviewAdmission } from '../../admission/review.js';
import { addConfigOptions, configFromCommand } from '../config.js';
import { UsageError, type CliIO } from '../io.js';
import { readInput } from '../read-input.js';

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${source}: not valid JSON: ${(err as Error).message}`, 2);
  }
}

export function registerReviewCommand(program: Command, io: CliIO): void {
  const cmd = program
    .command('review')
    .description(
      'answer one AdmissionReview (JSON, from a file or stdin) as the webhook would; prints the response',
    )
    .option('-f, --file <path>', 'AdmissionReview JSON to read ("-" or omitted: stdin)');
  addConfigOptions(cmd).action(async (opts: { file?: string }): Promise<void> => {
    // Configuration first: a bad flag is reported before any input is waited for.
    const config = configFromCommand(cmd, io.env);
    const input = await readInput(opts.file, io);
    const result = reviewAdmission(parseJson(input.text, input.source), {
      config: config.injector,
      settingName: config.settingName,
    });
    if (!result.ok) throw new UsageError(`${input.source}: ${result.error}`, 2);
    io.stdout.write(`${JSON.stringify(result.response, null, 2)}\n`);
  });
}
