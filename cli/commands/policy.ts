// `vault-injector policy`: the least-privilege Vault policy and Kubernetes auth role for the
// annotated workloads of a manifest stream, as a script to review and run, or as JSON for tooling.
import { isRecord } from '../../patches/is-record.js';
import { Option, type Command } from 'commander';
import { isGoDuration } from '../../patches/go-values.js';
import {
  formatPolicyScript,
  planPolicies,
  type PolicyOptions,
  type PolicyWorkload,
} from '../../patches/policy.js';
import { addConfigOptions, configFromCommand } from '../config.js';
import { UsageError, type CliIO } from '../io.js';
import { isList, parseManifests } from '../manifests.js';
import { readInput } from '../read-input.js';
import { identify, templateOf } from '../workloads.js';

interface PolicyFlags {
  file: string;
  output: 'text' | 'json';
  namespace?: string;
  tokenTtl: string;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** A Pod or a workload's pod template, with what the policy needs from it. */
export function policyWorkload(object: unknown, namespace: string | undefined): PolicyWorkload[] {
  if (!isRecord(object)) return [];
  const id = identify(object, namespace);
  const pod = id.kind === 'Pod' ? object : templateOf(object);
  if (pod === undefined) return [];
  const meta = isRecord(pod.metadata) ? pod.metadata : {};
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const raw = isRecord(meta.annotations) ? meta.annotations : {};
  const annotations = Object.fromEntries(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  // serviceAccount is the deprecated spelling the API server still fills from serviceAccountName.
  const serviceAccount = str(spec.serviceAccountName) || str(spec.serviceAccount) || 'default';
  return [
    { object: `${id.kind}/${id.name}`, namespace: id.namespace, serviceAccount, annotations },
  ];
}

/** Vault reads a TTL as a Go duration or a number of seconds. */
function checkTtl(ttl: string): string {
  if (/^[0-9]+$/.test(ttl) || (isGoDuration(ttl) && !ttl.startsWith('-'))) return ttl;
  throw new UsageError(
    `invalid value ${JSON.stringify(ttl)} for --token-ttl: expected a duration such as 15m or 1h, or seconds`,
  );
}

export function registerPolicyCommand(program: Command, io: CliIO): void {
  const cmd = program
    .command('policy')
    .description(
      'print, for the annotated Pods and pod templates of a manifest, the Vault policy granting ' +
        'read on exactly the secret paths they name (one per namespace and role) and the ' +
        '`vault write auth/.../role/...` command binding their service accounts to it',
    )
    .requiredOption('-f, --file <path>', 'manifest file to read ("-" for stdin)')
    .addOption(
      new Option('-o, --output <format>', 'text (a shell script) or json')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option(
      '-n, --namespace <ns>',
      "namespace of the objects (default: each object's, else default)",
    )
    .option('--token-ttl <ttl>', 'token_ttl of the Vault role', '15m');
  addConfigOptions(cmd).action(async (opts: PolicyFlags): Promise<void> => {
    const config = configFromCommand(cmd, io.env).injector;
    const options: PolicyOptions = {
      authPath: config.authPath,
      authType: config.authType,
      audience: config.saTokenAudience,
      tokenProjection: config.saTokenProjection,
      tokenTtl: checkTtl(opts.tokenTtl),
    };
    const input = await readInput(opts.file, io);
    const workloads = parseManifests(input.text, input.source)
      .flatMap((d) => (isList(d) ? d.items : [d]))
      .flatMap((o) => policyWorkload(o, opts.namespace));
    const plan = planPolicies(workloads, options);
    const warnings = [...plan.warnings, ...plan.policies.flatMap((p) => p.warnings)];
    for (const w of warnings) io.stderr.write(`Warning: ${w.object}: ${w.message}\n`);
    if (opts.output === 'json') {
      io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      return;
    }
    if (plan.policies.length === 0) {
      io.stderr.write(
        `${input.source}: no workloads with vault.hashicorp.com/agent-inject: "true"\n`,
      );
    }
    io.stdout.write(formatPolicyScript(plan));
  });
}
