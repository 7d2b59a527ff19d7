// `vault-injector mutate`: prints manifests as they would run with the webhook installed, so the
// injected pods can be reviewed, diffed or applied without a cluster (like `istioctl kube-inject`).
import { Option, type Command } from 'commander';
import {
  formatProblems,
  formatWarning,
  type SettingNamer,
} from '../../admission/format-finding.js';
import { addConfigOptions, configFromCommand } from '../config.js';
import type { CliIO } from '../io.js';
import { formatJson, formatYamlStream, parseManifests } from '../manifests.js';
import { mutateDocuments } from '../mutate-documents.js';
import { readInput } from '../read-input.js';
import type { ObjectResult } from '../workloads.js';

type OutputFormat = 'yaml' | 'json' | 'patch';

interface MutateFlags {
  file: string;
  output: OutputFormat;
  namespace?: string;
}

function formatPatches(results: readonly ObjectResult[]): string {
  const patches = results.flatMap((r) =>
    r.status === 'injected' ? [{ ...r.identity, patch: r.patch }] : [],
  );
  return `${JSON.stringify(patches, null, 2)}\n`;
}

/**
 * Warnings as kubectl prints admission warnings (misplaced vault annotations among them); denials
 * with the object they stop.
 */
function report(results: readonly ObjectResult[], io: CliIO, settingName: SettingNamer): boolean {
  let denied = false;
  for (const r of results) {
    const id = r.identity;
    if (id === undefined) continue;
    for (const w of r.warnings) {
      io.stderr.write(`Warning: ${id.kind}/${id.name}: ${formatWarning(w, settingName)}\n`);
    }
    if (r.status === 'denied') {
      denied = true;
      const message = formatProblems(r.problems, settingName);
      io.stderr.write(`Error: ${id.kind}/${id.namespace}/${id.name} would be denied: ${message}\n`);
    }
  }
  return denied;
}

export function registerMutateCommand(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  const cmd = program
    .command('mutate')
    .description(
      'print manifests (YAML or JSON) with the injection the webhook would give their pods; ' +
        'Pods and the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, ' +
        'ReplicationControllers, Jobs, CronJobs and OpenShift DeploymentConfigs are injected, ' +
        'everything else passes through. Exits 1 when an object would be denied (the others are ' +
        'still printed).',
    )
    .requiredOption('-f, --file <path>', 'manifest file to read ("-" for stdin)')
    .addOption(
      new Option('-o, --output <format>', 'what to print')
        .choices(['yaml', 'json', 'patch'])
        .default('yaml'),
    )
    .option(
      '-n, --namespace <ns>',
      "namespace to inject as (default: each object's, else default)",
    );
  addConfigOptions(cmd).action(async (opts: MutateFlags): Promise<void> => {
    const config = configFromCommand(cmd, io.env);
    const input = await readInput(opts.file, io);
    const documents = parseManifests(input.text, input.source);
    const stream = mutateDocuments(documents, {
      namespace: opts.namespace,
      config: config.injector,
    });
    const denied = report(stream.results, io, config.settingName);
    if (opts.output === 'patch') io.stdout.write(formatPatches(stream.results));
    else if (opts.output === 'json') io.stdout.write(formatJson(stream.documents));
    else io.stdout.write(formatYamlStream(stream.documents));
    if (denied) setExit(1);
  });
}
