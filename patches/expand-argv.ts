// Kubernetes expands $(VAR) in command and args from the container's env when it starts the
// container. The agent now runs the app instead, so the expansion is done here, with the same rules
// ($$ is a literal $, an unterminated $( stays as written), and only from values the pod spells out.
import type { EnvVar } from './k8s-types.js';

/** Marks a variable whose value is unknown at admission (valueFrom, or built from one). */
const UNKNOWN = Symbol('unknown');
type Value = string | typeof UNKNOWN;

export type Expanded = { ok: true; value: string } | { ok: false; name: string };

interface Token {
  readonly text: string;
  readonly ref?: string;
  readonly advance: number;
}

/** What follows a `$`, as Kubernetes' expansion package reads it. */
function readAfterDollar(rest: string): Token {
  if (rest[0] === '$') return { text: '$', advance: 1 };
  if (rest[0] === '(') {
    const close = rest.indexOf(')');
    if (close > 0) return { text: '', ref: rest.slice(1, close), advance: close + 1 };
    return { text: '$(', advance: 1 };
  }
  return { text: `$${rest[0] ?? ''}`, advance: 1 };
}

/**
 * Expands one string. `strict`: a reference that cannot be resolved is an error (argv); otherwise
 * it stays as written, as Kubernetes leaves it (env values referring to later or absent entries).
 */
function expand(input: string, vars: ReadonlyMap<string, Value>, strict: boolean): Expanded {
  let out = '';
  let checkpoint = 0;
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) continue;
    out += input.slice(checkpoint, i);
    const token = readAfterDollar(input.slice(i + 1));
    if (token.ref === undefined) out += token.text;
    else {
      const value = vars.get(token.ref);
      if (value === UNKNOWN || (value === undefined && strict))
        return { ok: false, name: token.ref };
      out += value ?? `$(${token.ref})`;
    }
    i += token.advance;
    checkpoint = i + 1;
  }
  return { ok: true, value: out + input.slice(checkpoint) };
}

/**
 * The container's env as Kubernetes resolves it, in order; valueFrom entries are unknown, and with
 * envFrom so is any reference to a name env does not define (envFrom may supply it).
 */
function envValues(env: readonly EnvVar[], withEnvFrom: boolean): Map<string, Value> {
  const vars = new Map<string, Value>();
  for (const e of env) {
    if (e.valueFrom !== undefined) {
      vars.set(e.name, UNKNOWN);
      continue;
    }
    const expanded = expand(typeof e.value === 'string' ? e.value : '', vars, withEnvFrom);
    vars.set(e.name, expanded.ok ? expanded.value : UNKNOWN);
  }
  return vars;
}

/** The argv with every $(VAR) expanded, or the first variable that cannot be. */
export function expandArgv(
  argv: readonly string[],
  env: readonly EnvVar[],
  withEnvFrom: boolean,
): { ok: true; argv: string[] } | { ok: false; name: string } {
  const vars = envValues(env, withEnvFrom);
  const out: string[] = [];
  for (const arg of argv) {
    const expanded = expand(arg, vars, true);
    if (!expanded.ok) return expanded;
    out.push(expanded.value);
  }
  return { ok: true, argv: out };
}
