import os from 'node:os';
import type { CommandContext, CommandLimits, CommandResult } from '../commands/command-table.js';
import { prepareCommand, type PreparedCommand } from '../commands/command-table.js';
import { ArgumentError, parseCommandLine } from '../commands/parse-command-line.js';
import { ConfigError, loadConfig, processEnvironment, type Config } from '../config.js';
import { reportExitCode } from '../core/report.js';
import { VERDICT_EXIT_CODE } from '../core/verdict.js';
import type { Catalog } from '../i18n/catalog.js';
import { createFormatter, type Formatter } from '../i18n/format.js';
import { catalogFor, isLang, type Lang } from '../i18n/index.js';
import { auditLines, requestRefusalLines } from '../render/action-document.js';
import { argumentText, helpLines } from '../render/help.js';
import { renderJson } from '../render/json.js';
import { renderPluginLine } from '../render/plugin-line.js';
import { renderText } from '../render/text.js';
import type { ServiceOptions, Services } from '../services.js';

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  isTerminal: boolean;
  /** Reads one answer from the terminal; null when stdin is not one. */
  ask?(question: string): Promise<string | null>;
}

/** Seams for tests: the command table's ranges and the services' parts. A deployment passes none. */
export interface CliSeams {
  limits?: CommandLimits;
  services?: ServiceOptions;
}

/** Exit codes follow the Nagios plugin convention; errors before a diagnosis are UNKNOWN too. */
export const EXIT_USAGE = 3;

interface Output {
  io: CliIo;
  t: Catalog;
  f: Formatter;
  lang: Lang;
  json: boolean;
  ctx: CommandContext;
  confirm: { yes: boolean; dryRun: boolean };
}

/** How each kind of result reaches the terminal, and its exit code: the Slack deliveries' mirror. */
const OUTPUTS: { [K in CommandResult['kind']]: (o: Output, result: Extract<CommandResult, { kind: K }>) => Promise<number> } = {
  report: async (o, r) => {
    o.io.stdout(o.json ? renderJson(r.report) : renderText(r.report, { lang: o.lang, color: o.io.isTerminal, timeZone: o.ctx.config.timeZone }));
    return reportExitCode(r.report);
  },
  check: async (o, r) => {
    o.io.stdout(o.json ? renderJson(r.report) : renderPluginLine(r.report, o.t, o.f));
    return VERDICT_EXIT_CODE[r.report.verdict];
  },
  help: async (o) => {
    o.io.stdout(helpLines(o.t, 'dbpool').join('\n') + '\n');
    return 0;
  },
  lang: async (o) => {
    o.io.stderr(`${argumentText([{ code: 'lang_is_slack_only' }], o.t, o.f)}\n`);
    return EXIT_USAGE;
  },
  plan: async (o, r) => (await import('./confirm-and-run.js')).confirmAndRun(r.plan, o.ctx, { out: o.io.stdout, ask: o.io.ask ?? (async () => null) }, o.t, o.f, o.confirm),
  refused: async (o, r) => {
    o.io.stderr(`${requestRefusalLines(r.refusal, o.t, o.f).join('\n')}\n`);
    // Blind is not "nothing to do": what could not be read leaves the state unknown. Nothing to do is
    // an answer, not a failure (a dry run or a script saying so exits 0).
    if (r.refusal.reason === 'blind') return VERDICT_EXIT_CODE.UNKNOWN;
    return r.refusal.reason === 'nothing_to_do' ? 0 : 1;
  },
  audit: async (o, r) => {
    o.io.stdout(o.json ? JSON.stringify(r.entries, null, 2) + '\n' : `${o.t.action.auditTitle}\n${auditLines(r.entries, o.t, o.f).join('\n')}\n`);
    return 0;
  },
  summary: async (o, r) => {
    const [{ renderSummary }, { summaryDocumentToText }] = await Promise.all([import('../render/render-summary.js'), import('../render/summary-text.js')]);
    const { doc } = await renderSummary(r.summary, o.lang, { timeZone: o.ctx.config.timeZone, chart: false });
    o.io.stdout(o.json ? JSON.stringify(r.summary, null, 2) + '\n' : summaryDocumentToText(doc));
    return 0;
  },
};

export async function runCli(argv: string[], io: CliIo, env: Record<string, string | undefined> = processEnvironment(), seams: CliSeams = {}): Promise<number> {
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
      if (!isLang(langOption)) throw new ArgumentError([{ code: 'one_of', command: line.name, subject: '--lang', allowed: ['fa', 'en'] }]);
      lang = langOption;
    }
    json = jsonOption === true;
    confirm = { yes: options.yes === true, dryRun: options['dry-run'] === true };
    if (line.options.help === true) line.name = 'help';
    command = prepareCommand({ ...line, options: options as Record<string, string | true> }, seams.limits);
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    const t = catalogFor(lang);
    io.stderr(`${argumentText(err.problems, t, createFormatter(lang))}\n${t.cli.usage}\n\n${helpLines(t, 'dbpool').join('\n')}\n`);
    return EXIT_USAGE;
  }

  const t = catalogFor(lang);
  const services = await servicesFor(command.name, config, io, seams.services);
  const requester = { kind: 'cli' as const, id: os.userInfo().username };
  let formatter: Formatter | undefined;
  const f = () => (formatter ??= createFormatter(lang, { timeZone: config.timeZone }));
  try {
    const ctx: CommandContext = { ...(services?.context ?? { config, diagnoser: null, now: () => new Date(), remediation: null }), requester };
    const result = await command.run(ctx);
    return await (OUTPUTS[result.kind] as (o: Output, r: CommandResult) => Promise<number>)({ io, t, f: f(), lang, json, ctx, confirm }, result);
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    io.stderr(`${argumentText(err.problems, t, f())}\n`);
    return EXIT_USAGE;
  } finally {
    await services?.close();
  }
}

/** The state file is for the commands that plan, audit or sum up; the reports need none. */
const STATE_COMMANDS: ReadonlySet<string> = new Set(['terminate-idle', 'stop-extra', 'undo', 'audit', 'summary']);

/**
 * Only what the command uses is loaded and opened: help, lang and math need no database (nor the
 * pg, pino or probe modules), a report no state file, and no command of the CLI serves /metrics.
 */
async function servicesFor(name: string, config: Config, io: CliIo, options: ServiceOptions = {}): Promise<Services | null> {
  if (name === 'help' || name === 'lang' || name === 'math') return null;
  const [{ createLogger }, { createServices }, prettyInline] = await Promise.all([
    import('../logger.js'),
    import('../services.js'),
    io.isTerminal ? import('pino-pretty').then((m) => m.default) : undefined,
  ]);
  const logger = createLogger(config, { destination: 2, pretty: io.isTerminal, prettyInline, sync: true });
  const services = await createServices(config, logger, { state: STATE_COMMANDS.has(name), metrics: false, ...options });
  return {
    ...services,
    close: async () => {
      await services.close();
      logger.flush();
    },
  };
}
