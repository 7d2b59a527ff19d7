// WebhookWatch against the HTTPS fake: restarts must never leave a stream open behind them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookWatch } from '../../certs/webhook-watch.js';
import { FakeKubeApi } from '../fakes/kube-api.js';
import { captureLogger, emptyBundles, MWC_NAME, seedWebhookConfig, waitFor } from './support.js';

let api: FakeKubeApi;

beforeAll(async () => {
  api = new FakeKubeApi();
  await api.start();
  seedWebhookConfig(api);
});

afterAll(async () => {
  await api.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('WebhookWatch', () => {
  it('a stop/start flap (leadership lost and regained) leaves one stream, and none after stop', async () => {
    const events: string[] = [];
    const watch = new WebhookWatch({
      kubeConfig: api.kubeConfig(),
      name: MWC_NAME,
      logger: captureLogger(),
      onEvent: (type) => events.push(type),
    });
    // Both connects are still waiting for the API server when the second start comes.
    watch.start();
    watch.stop();
    watch.start();
    await waitFor(() => events.length > 0, 5000, 'the initial ADDED event');
    await sleep(200);
    expect(events).toEqual(['ADDED']);
    watch.stop();
    await sleep(100);
    emptyBundles(api);
    await sleep(300);
    // A leaked stream would still report the change.
    expect(events).toEqual(['ADDED']);
  });
});
