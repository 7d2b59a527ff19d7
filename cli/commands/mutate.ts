// `vault-injector mutate`: prints manifests as they would run with the webhook installed, so the
// injected pods can be reviewed, diffed or applied without a cluster (like `istioctl kube-inject`).
import { Option, type Command } from 'commander';
import {
  formatProblems,
  formatWarning,
  type SettingNamer,
} from '../../admission/format-finding.js';
import { addConfigOptions } from '../config.js';
import type { CliIO } from '../io.js';
import { addManifestOptions, readManifests } from '../manifest-input.js';
import { formatJson, formatYamlStream } from '../manifests.js';
import { mutateDocuments } from '../mutate-documents.js';
import { objectName } from '../object-name.js';
import { settingsAsFlags } from '../settings-as-flags.js';
import type { ObjectResult } from '../workloads.js';

type OutputFormat = 'yaml' | 'json' | 'patch';

interface MutateFlags {
  file: string[];
  recursive?: boolean;
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
    const name = objectName(id.kind, id.namespace, id.name);
    for (const w of r.warnings) {
      io.stderr.write(`Warning: ${name}: ${formatWarning(w, settingName)}\n`);
    }
    if (r.status === 'denied') {
      denied = true;
      const message = formatProblems(r.problems, settingName);
      io.stderr.write(`Error: ${name} would be denied: ${message}\n`);
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
        'still printed), 2 when the input cannot be read or holds no object, or on a usage error.',
    );
  addManifestOptions(cmd)
    .addOption(
      new Option('-o, --output <format>', 'what to print')
        .choices(['yaml', 'json', 'patch'])
        .default('yaml'),
    )
    .option(
      '-n, --namespace <ns>',
      'namespace of the objects that name none (default: default); one an object names must match',
    );
  addConfigOptions(cmd).action(async (opts: MutateFlags): Promise<void> => {
    const config = settingsAsFlags(cmd, io);
    const documents = (await readManifests(opts, io)).flatMap((f) => f.documents);
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
