// Every injector setting in one table: its vault-k8s flag, the environment variables read for it
// (in lookup order), the field it fills and the grammar it accepts. Commands, help text and the
// resolver are all derived from this table so the three can never drift apart.
import type { ConfigOption } from './config-option.js';
import { injectorOptions } from './injector-options.js';
import { serverOptions } from './server-options.js';

export type { ConfigOption } from './config-option.js';

/** Builds the table on demand so importing this module does no work. */
export function configOptions(): readonly ConfigOption[] {
  return [...injectorOptions(), ...serverOptions()];
}
