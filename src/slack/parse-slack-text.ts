import { prepareCommand, type CommandLimits, type PreparedCommand } from '../commands/command-table.js';
import { ArgumentError, parseCommandLine, tokenize, type ParsedCommandLine } from '../commands/parse-command-line.js';
import { isLang, type Lang } from '../i18n/index.js';

export interface SlackCommandLine {
  command: PreparedCommand;
  /** `--lang fa|en` for this one reply; undefined when not given. */
  lang: Lang | undefined;
  /** The command as a canonical line without `--lang`: what a Refresh button re-runs. */
  canonical: string;
}

/**
 * `/dbpool` text -> a prepared command, through the command table the CLI uses.
 * Like the CLI front end, it strips the common `--lang` option and turns `--help` into `help`.
 * Throws ArgumentError; nothing runs.
 */
export function parseSlackText(text: string, limits?: CommandLimits): SlackCommandLine {
  const line = parseCommandLine(tokenize(text));
  const { lang, ...options } = line.options;
  if (lang !== undefined && !isLang(lang)) throw new ArgumentError([{ code: 'one_of', command: line.name, subject: '--lang', allowed: ['fa', 'en'] }]);
  if (options.help === true) line.name = 'help';
  const stripped: ParsedCommandLine = { ...line, options };
  return { command: prepareCommand(stripped, limits), lang: lang === undefined ? undefined : (lang as Lang), canonical: canonicalLine(stripped) };
}

function canonicalLine(line: ParsedCommandLine): string {
  const quote = (s: string) => (/[\s"']/.test(s) || s === '' ? `"${s.replace(/"/g, '')}"` : s);
  const options = Object.entries(line.options).flatMap(([k, v]) => (v === true ? [`--${k}`] : [`--${k}`, quote(v)]));
  return [line.name, ...line.positionals.map(quote), ...options].join(' ');
}
