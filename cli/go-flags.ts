// vault-k8s is configured with Go's flag package, so its users write `-vault-address=x`,
// `-revoke-on-shutdown` and `-revoke-on-shutdown=false`. commander reads `-vault-address` as a
// cluster of short flags, and an optional-value boolean would swallow the next argument, so the
// known long flags are rewritten into the unambiguous `--name=value` form before parsing.

export interface KnownFlags {
  /** Flags that never take a separate argument. */
  readonly bool: ReadonlySet<string>;
  /** Flags that take a value, either `=value` or as the next argument. */
  readonly value: ReadonlySet<string>;
}

const FLAG_RE = /^--?([A-Za-z0-9][A-Za-z0-9-]*)(?:=([\s\S]*))?$/;

/**
 * The Go spelling of one known flag rewritten, with how many arguments it used (a value flag may
 * take the next one); undefined for anything that is not a known flag.
 */
function rewriteFlag(
  argv: readonly string[],
  i: number,
  known: KnownFlags,
): { text: string; used: number } | undefined {
  const m = FLAG_RE.exec(argv[i] ?? '');
  if (m === null) return undefined;
  const name = m[1] ?? '';
  const value = m[2];
  if (known.bool.has(name)) return { text: `--${name}=${value ?? 'true'}`, used: 1 };
  if (!known.value.has(name)) return undefined;
  // As in Go, the next argument is the flag's value even when it starts with a dash.
  if (value !== undefined) return { text: `--${name}=${value}`, used: 1 };
  const next = argv[i + 1];
  return next === undefined
    ? { text: `--${name}`, used: 1 }
    : { text: `--${name}=${next}`, used: 2 };
}

/** Rewrites Go-style spellings of the known flags; everything else is left exactly as given. */
export function normaliseGoFlags(argv: readonly string[], known: KnownFlags): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < argv.length) {
    if (argv[i] === '--') return [...out, ...argv.slice(i)];
    const rewritten = rewriteFlag(argv, i, known);
    out.push(rewritten?.text ?? argv[i] ?? '');
    i += rewritten?.used ?? 1;
  }
  return out;
}
