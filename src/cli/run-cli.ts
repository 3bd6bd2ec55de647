import os from 'node:os';
import { ConfigError, loadConfig, processEnvironment, type Config } from '../config.js';
import { prepareCommand, type PreparedCommand } from '../commands/command-table.js';
import { ArgumentError, parseCommandLine } from '../commands/parse-command-line.js';
import { VERDICT_EXIT_CODE } from '../core/verdict.js';
import { catalogFor, isLang, type Lang } from '../i18n/index.js';
import { createFormatter } from '../i18n/format.js';
import { createLogger } from '../logger.js';
import { helpLines } from '../render/help.js';
import { renderJson } from '../render/json.js';
import { renderText } from '../render/text.js';
import { auditLines, requestRefusalLines } from '../render/action-document.js';
import { confirmAndRun } from './confirm-and-run.js';
import { renderSummary } from '../render/render-summary.js';
import { summaryDocumentToText } from '../render/summary-text.js';
import { createServices } from '../services.js';

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  isTerminal: boolean;
  /** Reads one answer from the terminal; null when stdin is not one. */
  ask?(question: string): Promise<string | null>;
}

/** Exit codes follow the Nagios plugin convention; errors before a diagnosis are UNKNOWN too. */
export const EXIT_USAGE = 3;

export async function runCli(argv: string[], io: CliIo, env: Record<string, string | undefined> = processEnvironment()): Promise<number> {
  // `dbpool serve`: the Slack bot, the same as `npm start`.
  if (argv[0] === 'serve') return (await import('../main.js')).serve(env);
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(catalogFor('en').cli.configError({ detail: err.message.replace(/^Invalid configuration:\n/, '') }, createFormatter('en')) + '\n');
    return EXIT_USAGE;
  }

  let lang: Lang = config.lang;
  let json: boolean;
  let confirm: { yes: boolean; dryRun: boolean };
  let command: PreparedCommand;
  try {
    const line = parseCommandLine(argv);
    const { lang: langOption, json: jsonOption, ...options } = line.options;
    if (langOption !== undefined) {
      if (!isLang(langOption)) throw new ArgumentError('--lang must be fa or en');
      lang = langOption;
    }
    json = jsonOption === true;
    confirm = { yes: options.yes === true, dryRun: options['dry-run'] === true };
    if (line.options.help === true) line.name = 'help';
    command = prepareCommand({ ...line, options: options as Record<string, string | true> });
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    const t = catalogFor(lang);
    io.stderr(`${t.cli.badArgument({ detail: err.message }, createFormatter(lang))}\n${t.cli.usage}\n\n${helpLines(t, 'dbpool').join('\n')}\n`);
    return EXIT_USAGE;
  }

  const t = catalogFor(lang);
  if (command.name === 'help') {
    io.stdout(helpLines(t, 'dbpool').join('\n') + '\n');
    return 0;
  }
  if (command.name === 'lang') {
    io.stderr('The CLI takes the language from --lang or DBPOOL_LANG; `lang` sets it per user in Slack.\n');
    return EXIT_USAGE;
  }

  const logger = createLogger(config, { destination: 2, pretty: io.isTerminal });
  const needsDatabase = command.name !== 'math';
  const services = needsDatabase ? createServices(config, logger) : null;
  const requester = { kind: 'cli' as const, id: os.userInfo().username };
  const f = createFormatter(lang);
  try {
    const ctx = { ...(services?.context ?? { config, diagnoser: null, now: () => new Date(), remediation: null }), requester };
    const result = await command.run(ctx);
    switch (result.kind) {
      case 'report':
        io.stdout(json ? renderJson(result.report) : renderText(result.report, { lang, color: io.isTerminal }));
        return VERDICT_EXIT_CODE[result.report.verdict];
      case 'refused':
        io.stderr(`${requestRefusalLines(result.refusal, t, f).join('\n')}\n`);
        // Blind is not "nothing to do": what could not be read leaves the state unknown.
        return result.refusal.reason === 'blind' ? VERDICT_EXIT_CODE.UNKNOWN : 1;
      case 'audit':
        io.stdout(json ? JSON.stringify(result.entries, null, 2) + '\n' : `${t.action.auditTitle}\n${auditLines(result.entries, t, f).join('\n')}\n`);
        return 0;
      case 'summary': {
        const s = config.schedule;
        const { doc } = await renderSummary(result.summary, lang, { timeZone: s.summaryTimeZone, chart: false });
        io.stdout(json ? JSON.stringify(result.summary, null, 2) + '\n' : summaryDocumentToText(doc));
        return 0;
      }
      case 'plan':
        return await confirmAndRun(result.plan, ctx, { out: io.stdout, ask: io.ask ?? (async () => null) }, t, f, confirm);
      default:
        return 0;
    }
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    io.stderr(`${t.cli.badArgument({ detail: err.message }, f)}\n`);
    return EXIT_USAGE;
  } finally {
    await services?.close();
    logger.flush();
  }
}
