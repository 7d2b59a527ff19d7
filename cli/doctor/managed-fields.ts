// Who last wrote each webhook's caBundle, from metadata.managedFields. The API server keeps one
// entry per manager and operation, with the time of that manager's latest change; a field whose
// value changes moves to the manager that changed it, and an entry left owning nothing is dropped.
// So an entry owning a caBundle is that caBundle's latest writer, and its time is when it wrote.
import { isRecord } from '../../patches/is-record.js';
import { field, list, text, type Obj } from './k8s-objects.js';

export interface CaBundleWrite {
  readonly manager: string;
  /** The webhook whose clientConfig.caBundle the manager owns. */
  readonly webhook: string;
  readonly time: Date;
}

/**
 * webhooks is a list keyed by name (listType=map), so each item in fieldsV1 is `k:{"name":"…"}`.
 * Anything else (a key that does not parse, another key field) names no webhook we can match.
 */
function webhookName(key: string): string | undefined {
  if (!key.startsWith('k:')) return undefined;
  try {
    const parsed: unknown = JSON.parse(key.slice(2));
    return isRecord(parsed) && typeof parsed.name === 'string' ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}

function ownedBundles(entry: Obj): string[] {
  const items = Object.entries(field(field(entry, 'fieldsV1'), 'f:webhooks'));
  return items.flatMap(([key, item]) => {
    const name = webhookName(key);
    const clientConfig = field(item, 'f:clientConfig');
    return name !== undefined && isRecord(clientConfig['f:caBundle']) ? [name] : [];
  });
}

/** One per (manager, webhook) whose caBundle the manager owns; entries without a time are skipped. */
export function caBundleWrites(config: Obj, webhooks: ReadonlySet<string>): CaBundleWrite[] {
  return list(field(config, 'metadata'), 'managedFields').flatMap((entry) => {
    const time = new Date(text(entry, 'time'));
    const manager = text(entry, 'manager') || '(no manager)';
    if (Number.isNaN(time.getTime())) return [];
    return ownedBundles(entry)
      .filter((w) => webhooks.has(w))
      .map((webhook) => ({ manager, webhook, time }));
  });
}
