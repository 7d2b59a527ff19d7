// cabundle-flapping: two writers taking turns at the injector webhooks' caBundle, typically an old
// vault-k8s leader and our leader during a migration, or a GitOps tool resetting what the
// injector (or cert-manager) fills in.
//
// Definition. Over the reads doctor made of the webhook configuration (the snapshot's, and those of
// the short probe that follows when the snapshot looks suspicious), a write is a managedFields
// entry owning an injector webhook's caBundle with a time in the last minute before the snapshot;
// the same manager at another time is another write. The bundle flaps when those writes number
// more than MAX_WRITES and come from two or more managers.
import { finding, objectName, type DoctorFinding } from './findings.js';
import { text, type Obj } from './k8s-objects.js';
import { caBundleWrites } from './managed-fields.js';
import type { TimedConfig } from './snapshot.js';
import { caBundleOf, injectorWebhooks } from './webhooks.js';

export const FLAP_WINDOW_MS = 60_000;

/**
 * N of "more than N writes in the last minute by different writers": 1. A healthy cluster has one
 * writer of caBundle (our leader, vault-k8s's, or cert-manager's cainjector), which writes it at
 * start-up and when its CA changes, months apart; a second writer within the same minute is
 * already a fight. A larger N could not be observed anyway: managedFields keep one time per
 * manager, and the writer that lost the field loses its entry with it, so a single read shows at
 * most one write per webhook and the probe adds one per change it sees.
 */
export const MAX_WRITES = 1;

interface Evidence {
  /** Writers by manager, each with its latest write. */
  readonly writers: ReadonlyMap<string, Date>;
  readonly writes: number;
  readonly webhooks: readonly string[];
  /** caBundle values that differed from the previous read (probe only). */
  readonly changes: number;
}

function hookNames(config: Obj): Set<string> {
  return new Set(injectorWebhooks(config).map((w) => text(w, 'name')));
}

function bundles(config: Obj): Map<string, string> {
  return new Map(injectorWebhooks(config).map((w) => [text(w, 'name'), caBundleOf(w)]));
}

function countChanges(configs: readonly Obj[]): number {
  let changes = 0;
  for (let i = 1; i < configs.length; i++) {
    const before = bundles(configs[i - 1]!);
    for (const [name, value] of bundles(configs[i]!)) {
      if (before.has(name) && before.get(name) !== value) changes += 1;
    }
  }
  return changes;
}

function evidence(configs: readonly Obj[], since: Date): Evidence {
  const names = hookNames(configs[0] ?? {});
  const seen = new Set<string>();
  const writers = new Map<string, Date>();
  const webhooks = new Set<string>();
  for (const config of configs) {
    for (const w of caBundleWrites(config, names)) {
      if (w.time.getTime() < since.getTime()) continue;
      seen.add(`${w.manager}\0${w.webhook}\0${w.time.toISOString()}`);
      webhooks.add(w.webhook);
      const latest = writers.get(w.manager);
      if (latest === undefined || latest < w.time) writers.set(w.manager, w.time);
    }
  }
  return {
    writers,
    writes: seen.size,
    webhooks: [...webhooks].sort(),
    changes: countChanges(configs),
  };
}

function windowStart(now: Date): Date {
  return new Date(now.getTime() - FLAP_WINDOW_MS);
}

function flaps(e: Evidence): boolean {
  return e.writes > MAX_WRITES && e.writers.size >= 2;
}

/** Someone wrote an injector webhook's caBundle in the last minute: worth a second look. */
export function recentlyWritten(config: Obj, now: Date): boolean {
  return evidence([config], windowStart(now)).writes > 0;
}

/** Whether these reads (oldest first) already prove flapping: the probe stops early then. */
export function isFlapping(configs: readonly Obj[], now: Date): boolean {
  return flaps(evidence(configs, windowStart(now)));
}

export interface FlapInput {
  readonly configName: string;
  /** The snapshot's read. */
  readonly config: Obj;
  readonly rereads: readonly TimedConfig[];
  /** The snapshot's time. */
  readonly now: Date;
}

const HINT =
  'keep one writer of caBundle: finish the migration from vault-k8s so the old leader is gone (README.md#migrating-from-vault-k8s), and keep GitOps tools from resetting caBundle (ignore that field)';

function probeText(input: FlapInput, e: Evidence): string {
  const last = input.rereads.at(-1);
  if (last === undefined || e.changes === 0) return '';
  const seconds = Math.max(0, (Date.parse(last.at) - input.now.getTime()) / 1000);
  const times = e.changes === 1 ? 'once' : `${e.changes} times`;
  return ` It changed ${times} while doctor read it again over ${seconds.toFixed(1)} s.`;
}

export function checkCaBundleFlapping(input: FlapInput): DoctorFinding[] {
  const configs = [input.config, ...input.rereads.map((r) => r.config)];
  const e = evidence(configs, windowStart(input.now));
  if (!flaps(e)) return [];
  const writers = [...e.writers.keys()].sort();
  const hooks =
    e.webhooks.length === 1 ? `webhook ${e.webhooks[0]}` : `webhooks ${e.webhooks.join(', ')}`;
  return [
    finding('cabundle-flapping', {
      object: objectName('MutatingWebhookConfiguration', undefined, input.configName),
      message: `The caBundle of ${hooks} was written ${e.writes} times in the last minute by ${writers.length} different writers (${writers.join(', ')}), so the API server trusts one writer's CA and then the other's, and calls to the replicas serving the other's certificate fail.${probeText(input, e)}`,
      hint: HINT,
    }),
  ];
}
