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

/** Rewrites Go-style spellings of the known flags; everything else is left exactly as given. */
export function normaliseGoFlags(argv: readonly string[], known: KnownFlags): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = FLAG_RE.exec(arg);
    const name = m?.[1] ?? '';
    const value = m?.[2];
    if (m !== null && known.bool.has(name)) {
      out.push(`--${name}=${value ?? 'true'}`);
    } else if (m !== null && known.value.has(name)) {
      // As in Go, the next argument is the flag's value even when it starts with a dash.
      const given = value ?? (i + 1 < argv.length ? argv[++i] : undefined);
      out.push(given === undefined ? `--${name}` : `--${name}=${given}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}
