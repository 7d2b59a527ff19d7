// Rotation across replicas under load, with lifetimes shortened through configuration: the leaf
// rotates (30 s lifetime) and then the CA (60 s). Sampled all along: every replica's served leaf
// must chain to a CA in the caBundle of that moment, i.e. an old CA stays in the bundle until no
// replica serves a leaf it signed, and no admission fails.
import { expect } from 'vitest';
import { bundleTrusts, findIssuer } from '../../certs/bundle.js';
import { Cluster, sleep } from './cluster.js';
import { AdmissionLoad } from './load.js';

export const SHORT_LIFETIMES = {
  AGENT_INJECT_TLS_AUTO_CERT_VALIDITY: '30s',
  AGENT_INJECT_TLS_AUTO_CA_VALIDITY: '60s',
};

interface Sample {
  readonly replica: string;
  readonly leaf: string;
  readonly issuer: string;
  readonly trusted: boolean;
}

export async function rotateUnderLoad(cluster: Cluster): Promise<string> {
  const replicas = await cluster.startServing(3);
  const firstCa = findIssuer(cluster.bundle(), (await replicas[0]!.servedLeaf()).toString());
  expect(firstCa).toBeDefined();
  const load = new AdmissionLoad(cluster);
  load.start();
  const samples: Sample[] = [];
  const started = performance.now();
  try {
    // Until every replica serves a leaf of a CA other than the first one (the CA rotated).
    for (;;) {
      const bundle = cluster.bundle();
      const round = await Promise.all(
        replicas.map(async (r): Promise<Sample> => {
          const leaf = (await r.servedLeaf()).toString();
          return {
            replica: r.name,
            leaf,
            issuer: findIssuer(bundle, leaf)?.fingerprint256 ?? 'none',
            trusted: bundleTrusts(bundle, leaf),
          };
        }),
      );
      samples.push(...round);
      if (round.every((s) => s.issuer !== firstCa!.fingerprint256 && s.trusted)) break;
      if (performance.now() - started > 80_000) throw new Error('the CA did not rotate in 80 s');
      await sleep(250);
    }
  } finally {
    await load.stop();
  }
  const untrusted = samples.filter((s) => !s.trusted);
  expect(untrusted.map((s) => s.replica)).toEqual([]);
  expect(load.failures).toEqual([]);
  // Each replica served the first leaf, a rotated leaf of the first CA, and a leaf of the new CA.
  for (const r of replicas) {
    const leaves = new Set(samples.filter((s) => s.replica === r.name).map((s) => s.leaf));
    expect(leaves.size).toBeGreaterThanOrEqual(3);
  }
  expect(replicas.map((r) => r.running)).toEqual([true, true, true]);
  expect(cluster.forbiddenRequests()).toEqual([]);
  const leaves = new Set(samples.map((s) => s.leaf)).size;
  const cas = new Set(samples.map((s) => s.issuer)).size;
  return `rotation: ${leaves} leaves from ${cas} CAs served across 3 replicas in ${((performance.now() - started) / 1000).toFixed(0)} s (30 s leaf, 60 s CA), ${samples.length} samples all trusted by the bundle of their moment; ${load.sent} admissions sent, ${load.failures.length} failed`;
}
