// How every command names an object in its output: `Kind/namespace/name`, or `Kind/name` for a
// cluster-scoped one, so a line from `lint` can be matched against one from `mutate` or `doctor`.

/** "Kind/namespace/name", or "Kind/name" when there is no namespace; an empty kind reads "object". */
export function objectName(kind: string, namespace: string | undefined, name: string): string {
  const k = kind || 'object';
  return namespace ? `${k}/${namespace}/${name}` : `${k}/${name}`;
}
