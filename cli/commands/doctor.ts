// `vault-injector doctor`: checks a live cluster, read-only, for pods that should have been
// injected and were not, and for every reason it will happen again. Exit 0 with no error
// finding, 1 with one, 2 when the cluster cannot be reached or a flag is bad.
import { Option, type Command } from 'commander';
import { addConfigOptions } from '../config.js';
import type { CliIO } from '../io.js';
import { DEFAULT_REQUEST_TIMEOUT, parseRequestTimeout } from '../doctor/request-timeout.js';
import { settingsAsFlags } from '../settings-as-flags.js';

/** Kept equal to certs/cert-store.ts's DEFAULT_CERT_SECRET_NAME (a test checks it) without loading client-node here. */
export const DEFAULT_SECRET_NAME = 'vault-injector-certs';
export const DEFAULT_WEBHOOK_CONFIG = 'vault-agent-injector-cfg';

interface DoctorFlags {
  kubeconfig?: string;
  context?: string;
  requestTimeout: string;
  namespace?: string;
  webhookConfig: string;
  injectorNamespace?: string;
  secretName: string;
  output: 'text' | 'json';
}

function addDoctorOptions(cmd: Command): Command {
  return cmd
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: KUBECONFIG, ~/.kube/config, then in-cluster)',
    )
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option(
      '--request-timeout <duration>',
      'how long to wait for each API request: seconds, or a duration such as 30s or 1m; 0 waits forever',
      DEFAULT_REQUEST_TIMEOUT,
    )
    .option('-n, --namespace <ns>', 'check only this namespace (default: all namespaces)')
    .option(
      '--webhook-config <name>',
      'the injector MutatingWebhookConfiguration',
      DEFAULT_WEBHOOK_CONFIG,
    )
    .option(
      '--injector-namespace <ns>',
      "the injector's namespace (default: NAMESPACE, else vault)",
    )
    .option('--secret-name <name>', "the injector's certificate Secret", DEFAULT_SECRET_NAME)
    .addOption(
      new Option('-o, --output <format>', 'report format')
        .choices(['text', 'json'])
        .default('text'),
    );
}

export function registerDoctorCommand(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
): void {
  const cmd = program
    .command('doctor')
    .description(
      'check a live cluster (get and list only) for pods that asked for Vault Agent and run ' +
        'without it, and for what causes that: the webhook configuration, its caBundle, the ' +
        "injector's endpoints, failurePolicy, stuck Job sidecars, and workloads whose " +
        'annotations would be denied or do nothing. Exits 0 with no error finding, 1 with one, ' +
        '2 when the cluster cannot be reached or a flag is bad.',
    );
  addConfigOptions(addDoctorOptions(cmd)).action(async (opts: DoctorFlags): Promise<void> => {
    // The injector's settings decide what "would be denied" means; a bad one is a bad flag here.
    const config = settingsAsFlags(cmd, io);
    const requestTimeoutMs = parseRequestTimeout(opts.requestTimeout);
    const [{ runDoctor }, { formatJson, formatText }] = await Promise.all([
      import('../doctor/run-doctor.js'),
      import('../doctor/format-report.js'),
    ]);
    const report = await runDoctor({
      kube: {
        kubeconfig: opts.kubeconfig,
        context: opts.context,
        kubeconfigEnv: io.env.KUBECONFIG,
      },
      requestTimeoutMs,
      requestTimeout: opts.requestTimeout,
      target: {
        namespace: opts.namespace,
        webhookConfigName: opts.webhookConfig,
        injectorNamespace: opts.injectorNamespace || io.env.NAMESPACE || 'vault',
        secretName: opts.secretName,
      },
      config: config.injector,
      now: new Date(),
    });
    io.stdout.write(opts.output === 'json' ? formatJson(report) : formatText(report));
    setExit(report.summary.errors > 0 ? 1 : 0);
  });
}
