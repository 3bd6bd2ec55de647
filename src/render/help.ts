import { COMMAND_NAMES } from '../commands/command-names.js';
import type { ArgumentProblem } from '../commands/parse-command-line.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';

/** The help text as lines; each front end adds its own prefix (`dbpool`, `/dbpool`). */
export function helpLines(t: Catalog, prefix: string): string[] {
  return [t.help.title, '', ...COMMAND_NAMES.map((name) => `  ${prefix} ${t.help.commands[name]}`), '', t.help.options];
}

/** Problems of the deployment, not of the command typed: said as a configuration error, never "Wrong argument". */
const DEPLOYMENT_PROBLEMS = new Set<ArgumentProblem['code']>(['no_database']);

/** What is wrong with a command line, in the catalog's language: one clause per problem. */
export function argumentText(problems: ArgumentProblem[], t: Catalog, f: Formatter): string {
  // Each catalog entry takes the parameters of its own code.
  const detail = problems.map((p) => (t.argument[p.code] as (x: ArgumentProblem, f: Formatter) => string)(p, f)).join('; ');
  return problems.every((p) => DEPLOYMENT_PROBLEMS.has(p.code)) ? t.cli.configError({ detail }, f) : t.cli.badArgument({ detail }, f);
}
