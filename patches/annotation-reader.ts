// Reads typed values from a pod's annotations with injector defaults, recording a problem for each
// bad value instead of stopping at the first (vault-k8s reports only the first, without the key).
import { parseGoInt, type Parsed } from './go-values.js';
import type { Grammar } from './annotation-grammar.js';
import type { Problem } from './finding.js';
import type { InjectorConfig } from './injector-config.js';

/** What reading an annotation needs from its table row. */
export interface ReadableRow<T> {
  readonly key: string;
  readonly grammar: Grammar<T>;
  readonly setting: keyof InjectorConfig | undefined;
}

export class AnnotationReader {
  readonly problems: Problem[] = [];

  constructor(private readonly annotations: Readonly<Record<string, string>>) {}

  has(key: string): boolean {
    return this.annotations[key] !== undefined;
  }

  /** Presence decides, as in vault-k8s's Init: an explicit "" is kept, only absence takes the default. */
  string(key: string, fallback: string): string {
    return this.annotations[key] ?? fallback;
  }

  problem(key: string, value: string | undefined, message: string): void {
    this.problems.push(value === undefined ? { key, message } : { key, value, message });
  }

  /**
   * A problem with a value the annotation sets, or, when the pod does not set it, the injector
   * setting it defaulted from: the finding names what the user has to change.
   */
  problemWithDefault(
    key: string,
    setting: keyof InjectorConfig,
    value: string,
    message: string,
  ): void {
    if (this.has(key)) this.problem(key, value, message);
    else this.problems.push({ key: setting, setting: true, value, message });
  }

  private typed<T>(key: string, fallback: T, parse: (s: string) => Parsed<T>): T {
    const raw = this.annotations[key];
    if (raw === undefined) return fallback;
    const parsed = parse(raw);
    if (parsed.ok) return parsed.value;
    this.problem(key, raw, `expected ${parsed.accepted}`);
    return fallback;
  }

  /**
   * The annotation of `row` read with the row's grammar, or `fallback` when the pod does not set it.
   * A bad value is a problem naming the annotation, or the row's setting when the default was bad.
   */
  read<T>(row: ReadableRow<T>, fallback: T): T {
    const { key, grammar, setting } = row;
    if (grammar.unset === undefined) return this.typed(key, fallback, grammar.parse);
    const raw = this.annotations[key];
    const value = raw ?? String(fallback);
    const parsed = grammar.parse(value);
    if (parsed.ok) return parsed.value;
    const message = `expected ${parsed.accepted}`;
    // A bad injector default is reported against its setting, since no annotation is at fault.
    if (setting === undefined || raw !== undefined) this.problem(key, value, message);
    else this.problemWithDefault(key, setting, value, message);
    return grammar.unset;
  }

  int(key: string, fallback: number): number {
    return this.typed(key, fallback, parseGoInt);
  }

  /** Comma list without trimming, as vault-k8s splits it; "" gives an empty list. */
  list(key: string, fallback: string): string[] {
    const value = this.string(key, fallback);
    return value === '' ? [] : value.split(',');
  }
}
