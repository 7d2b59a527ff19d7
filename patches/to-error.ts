// Anything thrown, as an Error: JavaScript lets code throw strings and plain objects too.
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
