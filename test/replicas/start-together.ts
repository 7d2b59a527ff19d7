// Three replicas with leader election started together against vault-helm's empty pre-created
// certificate Secret: one writes the Secret and the caBundle, all three serve its leaf, none exits.
import { expect } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { Cluster, SECRET_NAME, NAMESPACE } from './cluster.js';
import { AdmissionLoad } from './load.js';

export async function startTogether(cluster: Cluster): Promise<string> {
  const starts = [];
  for (let i = 0; i < 3; i++) starts.push(await cluster.prepareReplica());
  const replicas = starts.map((start) => start());
  const spread = replicas[2]!.startedAt - replicas[0]!.startedAt;
  expect(spread).toBeLessThan(100);
  const ready = await Promise.all(replicas.map((r) => r.waitReady(10_000)));
  for (const r of replicas) cluster.addEndpoint(r);

  const secret = cluster.api.get('secrets', NAMESPACE, SECRET_NAME) as {
    data?: Record<string, string>;
  };
  const stored = Buffer.from(secret.data?.cert ?? '', 'base64').toString('utf8');
  const leaves = await Promise.all(replicas.map((r) => r.servedLeaf()));
  expect(new Set(leaves.map((l) => l.fingerprint256)).size).toBe(1);
  expect(leaves[0]!.fingerprint256).toBe(new X509Certificate(stored).fingerprint256);
  expect(cluster.writers(`/secrets/${SECRET_NAME}`).length).toBe(1);
  expect(cluster.writers('/mutatingwebhookconfigurations/')).toEqual(
    cluster.writers(`/secrets/${SECRET_NAME}`),
  );

  const load = new AdmissionLoad(cluster);
  load.start();
  await load.waitForOk(60);
  // Every replica keeps answering while followers poll for the leader's certificate: a replica
  // whose event loop ran dry would have exited by now.
  await load.waitForOkEach(replicas, 40);
  await load.stop();
  expect(load.failures).toEqual([]);
  expect(replicas.map((r) => r.exit)).toEqual([undefined, undefined, undefined]);
  expect(cluster.forbiddenRequests()).toEqual([]);
  // Followers say they wait for the leader's certificate once, not at every poll.
  for (const r of replicas) {
    expect(r.lines('waiting for the leader to store a certificate').length).toBeLessThanOrEqual(1);
  }
  return `start together: 3 replicas started within ${spread.toFixed(0)} ms, ready after ${ready
    .map((ms) => `${(ms / 1000).toFixed(1)} s`)
    .join(', ')}; ${load.sent} admissions sent, ${load.failures.length} failed; none exited`;
}
