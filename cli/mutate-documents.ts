// Runs mutateObject over a manifest stream, descending into Lists, and keeps the stream's order and
// shape. Denied objects are left out of the output (applying them would create pods the webhook
// rejects); the caller reports them.
import { isList } from './manifests.js';
import { mutateObject, type MutateOptions, type ObjectResult } from './workloads.js';

export interface MutatedStream {
  /** The documents to print: injected objects replaced, denied ones removed. */
  readonly documents: readonly unknown[];
  /** One result per object, in input order (List items in place of their List). */
  readonly results: readonly ObjectResult[];
}

function outputOf(result: ObjectResult): unknown[] {
  if (result.status === 'denied') return [];
  return [result.object];
}

export function mutateDocuments(documents: readonly unknown[], opts: MutateOptions): MutatedStream {
  const results: ObjectResult[] = [];
  const out: unknown[] = [];
  for (const doc of documents) {
    if (isList(doc)) {
      const itemResults = doc.items.map((item) => mutateObject(item, opts));
      results.push(...itemResults);
      out.push({ ...doc, items: itemResults.flatMap(outputOf) });
      continue;
    }
    const result = mutateObject(doc, opts);
    results.push(result);
    out.push(...outputOf(result));
  }
  return { documents: out, results };
}
