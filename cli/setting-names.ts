// How users name an injector setting: its flag, else its first environment variable. The engine's
// findings name settings by configuration key; the CLI and the server show them this way.
import { configOptions } from './config-options.js';

let names: ReadonlyMap<string, string> | undefined;

export function settingName(key: string): string {
  names ??= new Map(
    configOptions().map((o) => [o.key, o.flag !== undefined ? `--${o.flag}` : (o.env[0] ?? o.key)]),
  );
  return names.get(key) ?? key;
}
