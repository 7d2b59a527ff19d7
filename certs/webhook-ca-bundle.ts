// Reads and patches clientConfig.caBundle of every webhook in one MutatingWebhookConfiguration.
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type {
  AdmissionregistrationV1Api,
  V1MutatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { bundleTrusts, decodeCaBundle, encodeCaBundle, unionCaBundle } from './bundle.js';

export interface JsonPatchOp {
  readonly op: 'add' | 'test';
  readonly path: string;
  readonly value: unknown;
}

/** What a webhook's caBundle should become, given its current (base64) value. */
export type BundleFor = (current: string | undefined) => string;

/**
 * JSON patch setting caBundle on every webhook that lacks it. Each `add` is guarded by a `test` of
 * the webhook's name, so an object reordered since our read makes the API reject the patch (422)
 * instead of writing the bundle to the wrong webhook; the next round reads it afresh.
 */
export function caBundlePatch(
  mwc: V1MutatingWebhookConfiguration,
  target: string | BundleFor,
): JsonPatchOp[] {
  const bundleFor: BundleFor = typeof target === 'string' ? () => target : target;
  return (mwc.webhooks ?? []).flatMap((w, i): JsonPatchOp[] => {
    const encoded = bundleFor(w.clientConfig?.caBundle);
    if (w.clientConfig?.caBundle === encoded) return [];
    const guard: JsonPatchOp = { op: 'test', path: `/webhooks/${i}/name`, value: w.name };
    return w.clientConfig
      ? [guard, { op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: encoded }]
      : [guard, { op: 'add', path: `/webhooks/${i}/clientConfig`, value: { caBundle: encoded } }];
  });
}

export interface EnsureResult {
  /** Names of the webhooks that were patched; empty when all already matched. */
  readonly patched: readonly string[];
  readonly webhooks: number;
}

export class WebhookCaBundle {
  constructor(
    private readonly admission: AdmissionregistrationV1Api,
    readonly name: string,
  ) {}

  read(): Promise<V1MutatingWebhookConfiguration> {
    return this.admission.readMutatingWebhookConfiguration({ name: this.name });
  }

  /** PEM of webhooks[0]'s current caBundle: what clients trust before we change anything. */
  async currentBundle(): Promise<string> {
    const mwc = await this.read();
    return decodeCaBundle(mwc.webhooks?.[0]?.clientConfig?.caBundle);
  }

  /**
   * Sets every webhook's caBundle to `bundlePem`, or with `merge` adds its CAs to what each webhook
   * already trusts (replicas without leader election). A no-op (no PATCH) when all already match.
   */
  async ensure(
    bundlePem: string,
    opts: { merge?: boolean; now?: Date } = {},
  ): Promise<EnsureResult> {
    const encoded = encodeCaBundle(bundlePem);
    const target: string | BundleFor = opts.merge
      ? (current) => {
          const merged = unionCaBundle(decodeCaBundle(current), bundlePem, opts.now ?? new Date());
          return merged === decodeCaBundle(current) && current ? current : encodeCaBundle(merged);
        }
      : encoded;
    const mwc = await this.read();
    const ops = caBundlePatch(mwc, target);
    const webhooks = mwc.webhooks?.length ?? 0;
    if (ops.length === 0) return { patched: [], webhooks };
    const patched = (mwc.webhooks ?? [])
      .filter((w, i) => ops.some((op) => op.op === 'add' && op.path.startsWith(`/webhooks/${i}/`)))
      .map((w) => w.name);
    // Compare-and-swap: a write by anyone else since our read fails the patch (422), and the next
    // round starts from a fresh read instead of overwriting what the other writer added.
    const rv = mwc.metadata?.resourceVersion;
    const guarded: JsonPatchOp[] =
      rv === undefined
        ? ops
        : [{ op: 'test', path: '/metadata/resourceVersion', value: rv }, ...ops];
    await this.admission.patchMutatingWebhookConfiguration(
      { name: this.name, body: guarded },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    return { patched, webhooks };
  }

  /** True when every webhook's caBundle trusts `leafPem` (vacuously true with no webhooks). */
  async trusts(leafPem: string): Promise<boolean> {
    const mwc = await this.read();
    return (mwc.webhooks ?? []).every((w) =>
      bundleTrusts(decodeCaBundle(w.clientConfig?.caBundle), leafPem),
    );
  }
}
