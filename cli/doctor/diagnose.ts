// Runs every check over one snapshot of the cluster. Pure: the same snapshot, configuration and
// clock give the same report, which is what the tests rely on.
import type { InjectorConfig } from '../../patches/injector-config.js';
import { checkCaBundle } from './ca-bundle-check.js';
import { checkCaBundleFlapping } from './cabundle-flapping.js';
import { checkInjectorEndpoints } from './endpoint-check.js';
import { sortFindings, type DoctorFinding } from './findings.js';
import type { CauseContext, WebhookView } from './injection-cause.js';
import { labelsOf, nameOf, namespaceOf, type Obj } from './k8s-objects.js';
import { checkOldLeader } from './old-leader-check.js';
import { buildOwnerIndex, topOwner, type OwnerIndex } from './owners.js';
import { checkEnvWrapped } from './env-checks.js';
import { checkJobSidecar, checkNotInjected } from './pod-checks.js';
import { skippedCheck } from './skipped.js';
import { valueOf, WORKLOAD_KINDS, type ClusterSnapshot, type ServiceRead } from './snapshot.js';
import { checkWebhookConfig } from './webhook-checks.js';
import { injectorWebhooks } from './webhooks.js';
import { checkWorkload, isTopLevel } from './workload-checks.js';

export interface DoctorSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly info: number;
  /** The namespace checked, or "all". */
  readonly namespace: string;
  readonly webhookConfiguration: string;
  readonly podsChecked: number;
  readonly workloadsChecked: number;
}

export interface DoctorReport {
  readonly findings: readonly DoctorFinding[];
  readonly summary: DoctorSummary;
}

const WEBHOOK_CHECKS = [
  'webhook-missing',
  'cabundle-empty',
  'cabundle-mismatch',
  'cabundle-flapping',
  'failure-policy-ignore',
  'no-ready-injector',
  'the cause of not-injected',
];

function webhookFindings(snap: ClusterSnapshot, now: Date): DoctorFinding[] {
  const read = snap.webhookConfig;
  if (read.status !== 'ok') return [skippedCheck(read, WEBHOOK_CHECKS)];
  const found = checkWebhookConfig(snap.webhookConfigName, read.value);
  if (read.value === undefined) return found;
  const secret = snap.certSecret;
  if (secret.status !== 'ok') return [...found, skippedCheck(secret, ['cabundle-mismatch'])];
  if (secret.value === undefined) return found;
  const input = {
    configName: snap.webhookConfigName,
    config: read.value,
    secretRef: snap.certSecretRef,
    secret: secret.value,
    now,
  };
  return [...found, ...checkCaBundle(input)];
}

function flappingFindings(snap: ClusterSnapshot, now: Date): DoctorFinding[] {
  const read = snap.webhookConfig;
  if (read.status !== 'ok' || read.value === undefined) return [];
  const configName = snap.webhookConfigName;
  return checkCaBundleFlapping({
    configName,
    config: read.value,
    rereads: snap.webhookRereads,
    now,
  });
}

/** The injector namespace's pods come from the snapshot's list, when it covered that namespace. */
function migrationFindings(snap: ClusterSnapshot, owners: OwnerIndex): DoctorFinding[] {
  const { migration } = snap;
  const pods = (valueOf(snap.pods) ?? []).filter((p) => namespaceOf(p) === migration.namespace);
  const covered = snap.namespace === undefined || snap.namespace === migration.namespace;
  const podsFailure = covered && snap.pods.status !== 'ok' ? snap.pods : undefined;
  const ownerOf = (p: Obj): string | undefined => topOwner(p, owners);
  return checkOldLeader({ migration, pods, ownerOf, ...(podsFailure ? { podsFailure } : {}) });
}

function ownerIndex(snap: ClusterSnapshot): OwnerIndex {
  return buildOwnerIndex(
    valueOf(snap.workloads.ReplicaSet) ?? [],
    valueOf(snap.workloads.Job) ?? [],
  );
}

function serviceFindings(read: ServiceRead): DoctorFinding[] {
  const found = checkInjectorEndpoints(read);
  const slices = read.endpointSlices;
  if (slices.status === 'ok' || read.endpoints?.status === 'ok' || found.length > 0) return found;
  return [skippedCheck(read.endpoints ?? slices, ['no-ready-injector'])];
}

function webhookView(snap: ClusterSnapshot): WebhookView {
  const read = snap.webhookConfig;
  if (read.status !== 'ok') return { state: 'unreadable' };
  const hooks = read.value === undefined ? [] : injectorWebhooks(read.value);
  return hooks.length === 0
    ? { state: 'missing', name: snap.webhookConfigName }
    : { state: 'present', hooks };
}

function causeContext(snap: ClusterSnapshot): CauseContext {
  const namespaces = valueOf(snap.namespaces);
  return {
    webhook: webhookView(snap),
    namespaceLabels:
      namespaces === undefined
        ? undefined
        : new Map(namespaces.map((n) => [nameOf(n), labelsOf(n)])),
  };
}

function podFindings(snap: ClusterSnapshot): DoctorFinding[] {
  if (snap.pods.status !== 'ok') {
    return [skippedCheck(snap.pods, ['not-injected', 'job-sidecar-stuck', 'env-config-missing'])];
  }
  const ctx = causeContext(snap);
  const owners = ownerIndex(snap);
  const skipped =
    snap.namespaces.status === 'ok'
      ? []
      : [skippedCheck(snap.namespaces, ['the namespace-excluded cause of not-injected'])];
  return [
    ...skipped,
    ...snap.pods.value.flatMap((p) => [
      ...checkNotInjected(p, ctx, owners),
      ...checkJobSidecar(p, owners),
      ...checkEnvWrapped(p, owners),
    ]),
  ];
}

function topLevelWorkloads(snap: ClusterSnapshot): Obj[] {
  return WORKLOAD_KINDS.flatMap((k) => valueOf(snap.workloads[k]) ?? []).filter(isTopLevel);
}

function workloadSkips(snap: ClusterSnapshot): DoctorFinding[] {
  return WORKLOAD_KINDS.flatMap((kind) => {
    const read = snap.workloads[kind];
    const checks = [`would-deny, lint and misplaced-annotations for ${kind}s`];
    return read.status === 'ok' ? [] : [skippedCheck(read, checks)];
  });
}

function summarise(snap: ClusterSnapshot, findings: readonly DoctorFinding[]): DoctorSummary {
  const count = (s: DoctorFinding['severity']): number =>
    findings.filter((f) => f.severity === s).length;
  return {
    errors: count('error'),
    warnings: count('warning'),
    info: count('info'),
    namespace: snap.namespace ?? 'all',
    webhookConfiguration: snap.webhookConfigName,
    podsChecked: valueOf(snap.pods)?.length ?? 0,
    workloadsChecked: topLevelWorkloads(snap).length,
  };
}

export function diagnose(snap: ClusterSnapshot, config: InjectorConfig, now: Date): DoctorReport {
  const findings = sortFindings([
    ...webhookFindings(snap, now),
    ...flappingFindings(snap, now),
    ...snap.services.flatMap(serviceFindings),
    ...migrationFindings(snap, ownerIndex(snap)),
    ...podFindings(snap),
    ...workloadSkips(snap),
    ...topLevelWorkloads(snap).flatMap((w) => checkWorkload(w, config)),
  ]);
  return { findings, summary: summarise(snap, findings) };
}
