// The value grammars of the annotation table: one per kind of value, shared by the annotation
// reader and by the injector setting that gives the annotation its default, so a flag and its
// annotation accept the same text.
import {
  BOOL_ACCEPTED,
  DURATION_ACCEPTED,
  isGoDuration,
  parseGoBool,
  parseGoFloat,
  parseGoInt,
  parseGoUint,
  parsePosixId,
  type Parsed,
} from './go-values.js';
import { parseQuantity, QUANTITY_ACCEPTED } from './quantity.js';
import { STOP_SIGNALS } from './signals.js';

export interface Grammar<T> {
  /** Its name in the README's annotation table. */
  readonly name: string;
  /** What is accepted, in the words of an error message ("expected ..."). */
  readonly accepted: string;
  readonly parse: (raw: string) => Parsed<T>;
  /**
   * For text grammars where "" means "not set": that value. The default is then checked like the
   * annotation, and a bad value reads as unset (the agent uses its own default). Without it, a bad
   * annotation falls back to the default.
   */
  readonly unset: T | undefined;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

function grammar<T>(
  name: string,
  accepted: string,
  parse: (raw: string) => Parsed<T>,
  unset?: T,
): Grammar<T> {
  return Object.freeze({ name, accepted, parse, unset });
}

/** Any text, kept as written (paths, names, addresses the agent or the API server checks). */
const text = (name: string, accepted: string): Grammar<string> =>
  grammar(name, accepted, (raw) => ok(raw));

/** One of a fixed set of words; with `ignoreCase`, in any case (read as the listed spelling). */
export function oneOf<const W extends string>(words: readonly W[], ignoreCase = false): Grammar<W> {
  const accepted = words.join(' or ');
  const name = `\`${words.join('` \\| `')}\``;
  return grammar(ignoreCase ? `${name} (any case)` : name, accepted, (raw) => {
    const text = ignoreCase ? raw.toLowerCase() : raw;
    const word = words.find((w) => (ignoreCase ? w.toLowerCase() : w) === text);
    return word === undefined ? { ok: false, accepted } : ok(word);
  });
}

/** Whole numbers in [min, max] ("" is 0, as in parseGoInt), described by `accepted`. */
export function intRange(min: number, max: number, accepted: string): Grammar<number> {
  return grammar(`integer ${min} … ${max}`, accepted, (raw) => {
    const parsed = parseGoInt(raw);
    if (!parsed.ok || parsed.value < min || parsed.value > max) return { ok: false, accepted };
    return parsed;
  });
}

const SIGNAL_ACCEPTED =
  'a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1 or SIGUSR2';

/** A signal name as the agent parses it; case and the SIG prefix are optional here. */
function parseSignal(raw: string): Parsed<string> {
  const upper = raw.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return STOP_SIGNALS.has(name) ? ok(name) : { ok: false, accepted: SIGNAL_ACCEPTED };
}

const WHOLE_SECONDS = /^[+-]?[0-9]+$/;
const SECONDS_ACCEPTED = `${DURATION_ACCEPTED}, or a whole number of seconds`;

export const G = {
  bool: grammar('bool', BOOL_ACCEPTED, parseGoBool),
  int: grammar('int', 'a base-10 integer (e.g. 1000)', parseGoInt),
  uint: grammar('uint', 'a non-negative base-10 integer (e.g. 5)', parseGoUint),
  float: grammar('float', 'a finite decimal number (e.g. 0.75)', parseGoFloat),
  posixId: grammar('uid/gid', 'a base-10 integer from 0 to 2147483647', parsePosixId),
  duration: grammar(
    'duration',
    DURATION_ACCEPTED,
    (raw): Parsed<string> =>
      raw === '' || isGoDuration(raw) ? ok(raw) : { ok: false, accepted: DURATION_ACCEPTED },
    '',
  ),
  /**
   * What the agent's config parser reads (parseutil.ParseDurationSecond): a Go duration, or a
   * whole number of seconds; "" leaves the agent's default.
   */
  durationOrSeconds: grammar(
    'duration or seconds',
    SECONDS_ACCEPTED,
    (raw): Parsed<string> =>
      raw === '' || isGoDuration(raw) || WHOLE_SECONDS.test(raw)
        ? ok(raw)
        : { ok: false, accepted: SECONDS_ACCEPTED },
    '',
  ),
  quantity: grammar(
    'quantity',
    QUANTITY_ACCEPTED,
    (raw): Parsed<string> => (raw === '' ? ok('') : parseQuantity(raw)),
    '',
  ),
  string: text('string', 'any text'),
  path: text('path', 'a path'),
  image: text('image', 'an image reference'),
  /** Comma list, split without trimming as vault-k8s splits it. */
  list: text('comma list', 'a comma-separated list'),
  json: text('JSON', 'JSON'),
  /** A Vault path or a Go template: the secret families' values. */
  template: text('template', 'a Go template'),
  signal: grammar('signal', SIGNAL_ACCEPTED, parseSignal),
} as const;

/** The grammars the table's rows may name: the fixed ones and any oneOf / intRange. */
export type AnyGrammar = Grammar<string> | Grammar<number> | Grammar<boolean>;
