// `vault-injector policy`: the least-privilege Vault policy and Kubernetes auth role for the
// annotated workloads of a manifest stream, as a script to review and run, or as JSON for tooling.
import { Option, type Command } from 'commander';
import { formatProblems, type SettingNamer } from '../../admission/format-finding.js';
import { FLAVOURS } from '../../patches/flavours.js';
import { isGoDuration } from '../../patches/go-values.js';
import type { InjectorConfig } from '../../patches/injector-config.js';
import { isRecord } from '../../patches/is-record.js';
import {
  agentLogin,
  formatPolicyScript,
  planPolicies,
  type PolicyWorkload,
} from '../../patches/policy.js';
import { addConfigOptions } from '../config.js';
import { UsageError, type CliIO } from '../io.js';
import {
  addManifestOptions,
  describeSources,
  objectsOf,
  readManifests,
} from '../manifest-input.js';
import { objectName } from '../object-name.js';
import { runPipeline } from '../pipeline.js';
import { EXIT_USAGE, settingsAsFlags } from '../settings-as-flags.js';

interface PolicyFlags {
  file: string[];
  recursive?: boolean;
  output: 'text' | 'json';
  namespace?: string;
  tokenTtl: string;
}

export interface PolicyContext {
  /** The namespace of objects that name none (one they name matches it: readManifests checks). */
  readonly namespace: string | undefined;
  readonly config: InjectorConfig;
  readonly settingName: SettingNamer;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/**
 * A Pod or a workload's pod template, read by the engine exactly as the webhook would receive it
 * (with the token mount the API server adds). Pods the webhook would not inject are left out.
 */
export function policyWorkload(object: unknown, ctx: PolicyContext): PolicyWorkload[] {
  if (!isRecord(object)) return [];
  const { identity: id, run } = runPipeline(object, ctx);
  if (run === undefined) return [];
  const spec = isRecord(run.pod.spec) ? run.pod.spec : {};
  // serviceAccount is the deprecated spelling the API server still fills from serviceAccountName.
  const serviceAccount = str(spec.serviceAccountName) || str(spec.serviceAccount) || 'default';
  const where = {
    object: objectName(id.kind, id.namespace, id.name),
    namespace: id.namespace,
    serviceAccount,
  };
  const { outcome } = run;
  if (outcome.decision === 'skip') return [];
  if (outcome.decision === 'deny')
    return [{ ...where, denial: formatProblems(outcome.problems, ctx.settingName) }];
  return [{ ...where, login: agentLogin(outcome.spec) }];
}

/** Vault reads a TTL as a Go duration or a number of seconds. */
function checkTtl(ttl: string): string {
  if (/^[0-9]+$/.test(ttl) || (isGoDuration(ttl) && !ttl.startsWith('-'))) return ttl;
  throw new UsageError(
    `invalid value ${JSON.stringify(ttl)} for --token-ttl: expected a duration such as 15m or 1h, or seconds`,
    EXIT_USAGE,
  );
}

/** Every flavour's agent-inject key, for the "nothing to plan" note. */
const injectKeys = (): string => FLAVOURS.map((f) => `${f.prefix}agent-inject`).join(' or ');

export function registerPolicyCommand(program: Command, io: CliIO): void {
  const cmd = program
    .command('policy')
    .description(
      'print, for the annotated Pods and pod templates of a manifest, the Vault policy granting ' +
        'read on exactly the secret paths they name (one per namespace and role) and the ' +
        '`vault write auth/.../role/...` command binding their service accounts to it (`bao` ' +
        'policy write / `bao write` for OpenBao workloads). Exits 2 when the input cannot be ' +
        'read or holds no object, or on a usage error.',
    );
  addManifestOptions(cmd)
    .addOption(
      new Option('-o, --output <format>', 'text (a shell script) or json')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option(
      '-n, --namespace <ns>',
      'namespace of the objects that name none (default: default); one an object names must match',
    )
    .option('--token-ttl <ttl>', 'token_ttl of the Vault role', '15m');
  addConfigOptions(cmd).action(async (opts: PolicyFlags): Promise<void> => {
    const config = settingsAsFlags(cmd, io);
    const options = { tokenTtl: checkTtl(opts.tokenTtl) };
    const ctx: PolicyContext = {
      namespace: opts.namespace,
      config: config.injector,
      settingName: config.settingName,
    };
    const files = await readManifests(opts, io);
    const workloads = files.flatMap((f) =>
      objectsOf(f.documents).flatMap((o) => policyWorkload(o, ctx)),
    );
    const plan = planPolicies(workloads, options);
    const warnings = [...plan.warnings, ...plan.policies.flatMap((p) => p.warnings)];
    for (const w of warnings) io.stderr.write(`Warning: ${w.object}: ${w.message}\n`);
    if (opts.output === 'json') {
      io.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      return;
    }
    if (plan.policies.length === 0) {
      io.stderr.write(`${describeSources(opts)}: no workloads with ${injectKeys()}: "true"\n`);
    }
    io.stdout.write(formatPolicyScript(plan));
  });
}
