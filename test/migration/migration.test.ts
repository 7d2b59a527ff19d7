// In-place migration from vault-k8s, part of `make test`: modelled vault-k8s pods (see
// vault-k8s-model.ts) replaced by the built binary as separate processes, against the HTTPS fake
// API with the chart's RBAC. Each scenario has its own fake API, so they run concurrently.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ensureBuilt } from '../fault/support.js';
import { MigrationCluster } from './migration-cluster.js';
import { OPENBAO_HELM, VAULT_HELM, type ChartProfile } from './profiles.js';
import { rollingMigration } from './rolling-migration.js';
import { describeSingleMode, singleModeBeside } from './single-mode.js';

const clusters: MigrationCluster[] = [];

async function cluster(
  profile: ChartProfile,
  env?: Record<string, string>,
): Promise<MigrationCluster> {
  const c = new MigrationCluster(profile, env);
  clusters.push(c);
  await c.start();
  return c;
}

beforeAll(() => {
  ensureBuilt();
});
afterAll(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
});

describe.concurrent('in-place migration from vault-k8s', () => {
  it('vault-helm: rolling replacement of a vault-k8s leader and follower by 2 of ours', async () => {
    console.log(await rollingMigration(await cluster(VAULT_HELM), 'terminating'));
  }, 90_000);

  it('openbao-helm: the same under its env block, old leader deleted and its lock collected', async () => {
    console.log(await rollingMigration(await cluster(OPENBAO_HELM), 'deleted'));
  }, 90_000);

  it('leader election off: a vault-k8s pod beside ours for a rollout’s overlap', async () => {
    const c = await cluster(VAULT_HELM, { AGENT_INJECT_USE_LEADER_ELECTOR: 'false' });
    console.log(describeSingleMode(await singleModeBeside(c, 'rollout')));
  }, 90_000);

  it('leader election off: a vault-k8s pod beside ours until ours backs off', async () => {
    const c = await cluster(VAULT_HELM, { AGENT_INJECT_USE_LEADER_ELECTOR: 'false' });
    console.log(describeSingleMode(await singleModeBeside(c, 'stuck')));
  }, 90_000);
});
