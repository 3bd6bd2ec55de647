#!/usr/bin/env node
/**
 * The composition root of the bot (`npm start`, `dbpool serve`): config, logger, services, scheduler,
 * Slack app, built in dependency order with nothing assigned afterwards; then a shutdown on
 * SIGTERM/SIGINT that lets running actions finish.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandLimits } from './commands/command-table.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createScheduler, type BotScheduler } from './schedule/create-scheduler.js';
import { createServices, type ServiceOptions, type Services } from './services.js';
import { createSlackApp, type SlackApp } from './slack/create-slack-app.js';
import { listenRefusal } from './slack/listen-refusal.js';
import { createSlackConnection, type SlackClientOptions } from './slack/slack-client.js';
import type { ReconnectPolicy } from './slack/socket-mode-connection.js';
import { createSlackSummaryPoster, createSlackWarningPoster, showReconciledPlans } from './slack/scheduled-posts.js';
import type { UserLanguageStore } from './slack/user-language-store.js';

/** Exit code when the configuration is wrong (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;
/** A plan whose process died is reconciled once its heartbeat is this old: looked at again after it. */
const RECONCILE_AGAIN_MS = 20_000;

/** Seams for tests and the demo; a deployment passes none. */
export interface BotOptions {
  services?: ServiceOptions;
  slack?: SlackClientOptions & { maxConcurrentReplies?: number; reconnect?: ReconnectPolicy };
  languages?: UserLanguageStore;
  /** How long a shutdown waits for running actions and replies (default: the stop grace + 15 s). */
  drainMs?: number;
  /** The command table's ranges (tests use shorter idle thresholds than a deployment may). */
  limits?: CommandLimits;
}

export interface Bot {
  services: Services;
  scheduler: BotScheduler | null;
  slack: SlackApp;
  drainMs: number;
  /** Starts serving Slack, then the scheduled work; reconciles plans a previous process left running. */
  start(): Promise<{ port: number }>;
  /** Stops the scheduled work, lets running actions and replies finish (up to drainMs), closes everything. */
  stop(): Promise<void>;
}

/** Everything the bot is, built in dependency order. Throws ConfigError for Slack settings that are missing. */
export async function composeBot(config: Config, logger: Logger, options: BotOptions = {}): Promise<Bot> {
  const services = await createServices(config, logger, options.services);
  try {
    const connection = createSlackConnection(config, logger, options.slack);
    const remediationButtons = services.remediation !== null && !config.remediation.readOnly;
    const scheduler = createScheduler(
      services,
      { summary: createSlackSummaryPoster(connection.client, logger), warning: createSlackWarningPoster(connection.client, { remediation: remediationButtons }) },
      logger,
    );
    const slack = await createSlackApp({
      config,
      logger,
      services,
      context: scheduler ? { ...services.context, summary: scheduler.summary } : services.context,
      slack: connection,
      languages: options.languages,
      muteWarnings: scheduler?.muteWarnings ?? undefined,
      maxConcurrentReplies: options.slack?.maxConcurrentReplies,
      limits: options.limits,
      reconnect: options.slack?.reconnect,
    });
    const drainMs = options.drainMs ?? (config.remediation.stopGraceSeconds + 15) * 1000;
    let again: NodeJS.Timeout | undefined;
    let stopped = false;
    const reconcile = async () => {
      const plans = (await services.remediation?.reconcile().catch((err: unknown) => (logger.error({ err }, 'reconciling plans failed'), []))) ?? [];
      await showReconciledPlans(connection.client, plans, logger);
    };
    return {
      services,
      scheduler,
      slack,
      drainMs,
      async start() {
        const { port } = await slack.start();
        if (stopped) return { port }; // a shutdown during start-up: nothing more may start
        scheduler?.start();
        void reconcile();
        again = setTimeout(() => void reconcile(), RECONCILE_AGAIN_MS);
        again.unref();
        return { port };
      },
      async stop() {
        stopped = true;
        clearTimeout(again);
        const until = Date.now() + drainMs;
        await scheduler?.stop();
        await services.remediation?.drain(drainMs);
        await slack.drain(Math.max(1000, until - Date.now()));
        await slack.stop().catch((err: unknown) => logger.warn({ err }, 'slack app did not stop cleanly'));
        await services.close();
      },
    };
  } catch (err) {
    await services.close();
    throw err;
  }
}

/**
 * Runs until SIGTERM or SIGINT; resolves with the exit code. `env` defaults to the process environment.
 * A signal ends the process cleanly at any time, start-up included (Slack unreachable, a hung auth).
 */
export async function serve(env?: Record<string, string | undefined>, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<number> {
  let config: Config;
  try {
    config = env ? loadConfig(env) : loadConfig();
    requireServeSettings(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return EXIT_CONFIG;
  }
  // Listen before anything starts: a SIGTERM during start-up still shuts down cleanly.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    for (const s of signals) process.once(s, () => resolve(s));
  });
  const logger = createLogger(config);
  let bot: Bot;
  try {
    bot = await composeBot(config, logger);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return EXIT_CONFIG;
  }
  const starting = bot.start();
  const first = await Promise.race([
    starting.then(({ port }) => ({ kind: 'started' as const, port }), (err: unknown) => ({ kind: 'refused' as const, err })),
    stopSignal.then((signal) => ({ kind: 'signal' as const, signal })),
  ]);
  let code = 0;
  let reason: Record<string, unknown>;
  if (first.kind === 'refused') {
    await bot.stop();
    const refusal = first.err instanceof ConfigError ? first.err.message : listenRefusal(first.err, config.slack.port);
    if (refusal === null) throw first.err;
    process.stderr.write(`${refusal}\n`);
    return EXIT_CONFIG;
  } else if (first.kind === 'signal') {
    reason = { signal: first.signal, during: 'start-up' };
  } else {
    logger.info({ mode: bot.slack.mode, port: first.port, postgres: config.postgres ? `${config.postgres.host}:${config.postgres.port}` : null }, 'dbpool is serving Slack');
    const next = await Promise.race([stopSignal.then((signal) => ({ signal })), bot.slack.failed.then((err) => ({ err }))]);
    if ('err' in next) {
      process.stderr.write(`${next.err.message}\n`);
      code = EXIT_CONFIG;
      reason = { slack: 'connection given up' };
    } else {
      reason = { signal: next.signal };
    }
  }
  logger.info({ ...reason, drainMs: bot.drainMs }, 'shutting down: letting running actions finish');
  const forced = setTimeout(() => {
    logger.error('shutdown took too long: exiting');
    process.exit(1);
  }, bot.drainMs + 10_000);
  forced.unref();
  // An attempt still under way (a hung apps.connections.open) ends on its own deadline; nothing waits for it.
  starting.catch(() => {});
  await bot.stop();
  clearTimeout(forced);
  logger.flush();
  return code;
}

/**
 * What `serve` needs before it builds anything, all named at once. A bot without a database answers
 * only math and help: refused at start-up, where the deployer sees it, not later in Slack.
 */
function requireServeSettings(config: Config): void {
  const problems: ConfigError['problems'] = [];
  if (!config.postgres) problems.push({ variable: 'DATABASE_URL', message: 'is required to serve: the bot diagnoses that database (or set PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)' });
  if (!config.slack.botToken) problems.push({ variable: 'SLACK_BOT_TOKEN', message: 'is required to serve Slack' });
  if (problems.length > 0) throw new ConfigError(problems);
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const code = await serve();
  process.exitCode = code;
  // A client that keeps a socket open must not keep a stopped bot alive.
  setTimeout(() => process.exit(code), 2000).unref();
}
