// One named object read for the snapshot: its JSON, undefined when it does not exist (404), or the
// failure as data for its checks to report as skipped.
import { classifyFailure, isNotFoundError } from './kube-access.js';
import type { Obj } from './k8s-objects.js';
import type { Read } from './snapshot.js';

/**
 * client-node hands back model objects (Date timestamps, class instances); the checks and the
 * engine take the API's JSON, as the webhook receives it.
 */
export function toPlain(value: unknown): Obj {
  return JSON.parse(JSON.stringify(value)) as Obj;
}

export async function getOptional(
  what: string,
  object: string,
  call: () => Promise<unknown>,
): Promise<Read<Obj | undefined>> {
  try {
    return { status: 'ok', value: toPlain(await call()) };
  } catch (err) {
    if (isNotFoundError(err)) return { status: 'ok', value: undefined };
    return classifyFailure(err, what, object);
  }
}
