// Objects removed while running: the certificate Secret is deleted, then the
// MutatingWebhookConfiguration is deleted and re-created with an empty caBundle (what a
// `kubectl apply` of the chart does). Both must be repaired while serving never stops.
import { X509Certificate } from 'node:crypto';
import { expect } from 'vitest';
import type { RequestRecord } from '../fakes/kube-api.js';
import { Cluster, until, NAMESPACE, SECRET_NAME, MWC_NAME } from './cluster.js';
import { AdmissionLoad } from './load.js';

export const RECONCILE_INTERVAL_MS = 30_000;

function storedLeaf(cluster: Cluster): string | undefined {
  const s = cluster.api.get('secrets', NAMESPACE, SECRET_NAME) as
    { data?: Record<string, string> } | undefined;
  const pem = s?.data?.cert ? Buffer.from(s.data.cert, 'base64').toString('utf8') : '';
  return pem === '' ? undefined : new X509Certificate(pem).fingerprint256;
}

const isMissingConfigRead = (r: RequestRecord): boolean =>
  r.method === 'GET' &&
  r.path.endsWith(`/mutatingwebhookconfigurations/${MWC_NAME}`) &&
  r.status === 404;

export async function removeObjectsWhileServing(cluster: Cluster): Promise<string> {
  const replicas = await cluster.startServing(2);
  const leafBefore = storedLeaf(cluster);
  const bundleBefore = cluster.bundle();
  const load = new AdmissionLoad(cluster);
  load.start();
  let secretMs: number;
  let mwcMs: number;
  try {
    await load.waitForOk(30);
    expect(cluster.api.delete('secrets', NAMESPACE, SECRET_NAME)).toBe(true);
    secretMs = await until(() => storedLeaf(cluster) !== undefined, 30_000, 'Secret re-created');
    // Re-stored from what is served: no new CA, so nothing else has to change.
    expect(storedLeaf(cluster)).toBe(leafBefore);
    await load.waitForOk(30);
    const gone = (): number => cluster.api.requests.filter(isMissingConfigRead).length;
    const goneBefore = gone();
    expect(cluster.api.delete('mutatingwebhookconfigurations', '', MWC_NAME)).toBe(true);
    // Re-created once a replica has found it missing, as `kubectl apply` of the chart would.
    await until(() => gone() > goneBefore, 10_000, 'a replica to find the configuration gone');
    cluster.seedWebhookConfig();
    mwcMs = await until(() => cluster.bundle() !== '', RECONCILE_INTERVAL_MS, 'caBundle repaired');
    expect(cluster.bundle()).toBe(bundleBefore);
    await load.waitForOk(30);
  } finally {
    await load.stop();
  }
  expect(load.failures).toEqual([]);
  expect(replicas.map((r) => r.running)).toEqual([true, true]);
  expect(cluster.forbiddenRequests()).toEqual([]);
  return `objects removed: deleted Secret re-stored after ${secretMs.toFixed(0)} ms (same leaf), re-created webhook configuration's caBundle repaired after ${mwcMs.toFixed(0)} ms (reconcile interval 30 s); ${load.sent} admissions sent, ${load.failures.length} failed`;
}
