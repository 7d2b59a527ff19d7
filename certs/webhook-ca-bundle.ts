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

/** Each webhook's caBundle with `bundlePem`'s CAs added (unchanged when it has them all). */
function mergeInto(bundlePem: string, now: Date): BundleFor {
  return (current) => {
    const merged = unionCaBundle(decodeCaBundle(current), bundlePem, now);
    return merged === decodeCaBundle(current) && current ? current : encodeCaBundle(merged);
  };
}

function patchedNames(mwc: V1MutatingWebhookConfiguration, ops: JsonPatchOp[]): string[] {
  return (mwc.webhooks ?? [])
    .filter((w, i) => ops.some((op) => op.op === 'add' && op.path.startsWith(`/webhooks/${i}/`)))
    .map((w) => w.name);
}

export interface EnsureResult {
  /** Names of the webhooks that were patched; empty when all already matched. */
  readonly patched: readonly string[];
  readonly webhooks: number;
  /** > 0 when a patch was needed but `holdMs` asked to wait this long first (nothing written). */
  readonly heldMs?: number;
  /** The object's resourceVersion after our patch (undefined when nothing was patched). */
  readonly writtenVersion?: string;
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
   * `holdMs`, asked only when a patch is needed (with the object's current resourceVersion), may
   * postpone it (see certs/bundle-contest.ts).
   */
  async ensure(
    bundlePem: string,
    opts: { merge?: boolean; now?: Date; holdMs?: (version: string | undefined) => number } = {},
  ): Promise<EnsureResult> {
    const target = opts.merge
      ? mergeInto(bundlePem, opts.now ?? new Date())
      : encodeCaBundle(bundlePem);
    const mwc = await this.read();
    const ops = caBundlePatch(mwc, target);
    const webhooks = mwc.webhooks?.length ?? 0;
    if (ops.length === 0) return { patched: [], webhooks };
    const rv = mwc.metadata?.resourceVersion;
    const heldMs = opts.holdMs ? opts.holdMs(rv) : 0;
    if (heldMs > 0) return { patched: [], webhooks, heldMs };
    const patched = patchedNames(mwc, ops);
    return { patched, webhooks, writtenVersion: await this.patch(ops, rv) };
  }

  /** Sends `ops`; returns the object's resourceVersion afterwards. */
  private async patch(ops: JsonPatchOp[], rv: string | undefined): Promise<string | undefined> {
    // Compare-and-swap: a write by anyone else since our read fails the patch (422), and the next
    // round starts from a fresh read instead of overwriting what the other writer added.
    const guarded: JsonPatchOp[] =
      rv === undefined
        ? ops
        : [{ op: 'test', path: '/metadata/resourceVersion', value: rv }, ...ops];
    const updated = await this.admission.patchMutatingWebhookConfiguration(
      { name: this.name, body: guarded },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    return updated.metadata?.resourceVersion;
  }

  /** True when every webhook's caBundle trusts `leafPem` (vacuously true with no webhooks). */
  async trusts(leafPem: string): Promise<boolean> {
    const mwc = await this.read();
    return (mwc.webhooks ?? []).every((w) =>
      bundleTrusts(decodeCaBundle(w.clientConfig?.caBundle), leafPem),
    );
  }
}
