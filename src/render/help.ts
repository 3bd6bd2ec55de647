import { COMMAND_NAMES } from '../commands/command-table.js';
import type { Catalog } from '../i18n/catalog.js';

/** The help text as lines; each front end adds its own prefix (`dbpool`, `/dbpool`). */
export function helpLines(t: Catalog, prefix: string): string[] {
  return [t.help.title, '', ...COMMAND_NAMES.map((name) => `  ${prefix} ${t.help.commands[name]}`), '', t.help.options];
}
