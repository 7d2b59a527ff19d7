// `vault-injector review`: answers one AdmissionReview offline exactly as POST /mutate would, so a
// captured request can be replayed and its response inspected without a cluster.
import type { Command } from 'commander';
import { parseAdmissionReview, type AdmissionReviewResponse } from '../../admission/envelope.js';
import { internalErrorReview } from '../../admission/response.js';
import { answerReview } from '../../admission/review.js';
import { toError } from '../../patches/to-error.js';
import { addConfigOptions, configFromCommand } from '../config.js';
import { UsageError, type CliIO } from '../io.js';
import { readInput } from '../read-input.js';

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${source}: not valid JSON: ${toError(err).message}`, 2);
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
    const parsed = parseAdmissionReview(parseJson(input.text, input.source));
    if (!parsed.ok) throw new UsageError(`${input.source}: ${parsed.error}`, 2);
    const { review } = parsed;
    let response: AdmissionReviewResponse;
    try {
      response = answerReview(review, {
        config: config.injector,
        settingName: config.settingName,
      }).response;
    } catch (err) {
      // What the webhook would answer, then the error itself: exit 3 with its stack (cli/program.ts).
      const answer = internalErrorReview(review.apiVersion, review.request.uid, err);
      io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
      throw err;
    }
    io.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
  });
}
