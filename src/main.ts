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
import { createSlackSummaryPoster, createSlackWarningPoster, showReconciledPlans } from './slack/scheduled-posts.js';
import type { UserLanguageStore } from './slack/user-language-store.js';

/** Exit code when the configuration is wrong (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;
/** A plan whose process died is reconciled once its heartbeat is this old: looked at again after it. */
const RECONCILE_AGAIN_MS = 20_000;

/** Seams for tests and the demo; a deployment passes none. */
export interface BotOptions {
  services?: ServiceOptions;
  slack?: SlackClientOptions & { maxConcurrentReplies?: number };
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
    });
    const drainMs = options.drainMs ?? (config.remediation.stopGraceSeconds + 15) * 1000;
    let again: NodeJS.Timeout | undefined;
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
        scheduler?.start();
        void reconcile();
        again = setTimeout(() => void reconcile(), RECONCILE_AGAIN_MS);
        again.unref();
        return { port };
      },
      async stop() {
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

/** Runs until SIGTERM or SIGINT; resolves with the exit code. `env` defaults to the process environment. */
export async function serve(env?: Record<string, string | undefined>, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): Promise<number> {
  let config: Config;
  try {
    config = env ? loadConfig(env) : loadConfig();
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
  let port: number;
  try {
    ({ port } = await bot.start());
  } catch (err) {
    const refusal = listenRefusal(err, config.slack.port);
    if (refusal === null) throw err;
    process.stderr.write(`${refusal}\n`);
    // Nothing else started: the scheduler starts after the listen, and Bolt's receiver never did.
    await bot.services.close();
    return EXIT_CONFIG;
  }
  logger.info({ mode: bot.slack.mode, port, postgres: config.postgres ? `${config.postgres.host}:${config.postgres.port}` : null }, 'dbpool is serving Slack');

  const signal = await stopSignal;
  logger.info({ signal, drainMs: bot.drainMs }, 'shutting down: letting running actions finish');
  const forced = setTimeout(() => {
    logger.error('shutdown took too long: exiting');
    process.exit(1);
  }, bot.drainMs + 10_000);
  forced.unref();
  await bot.stop();
  clearTimeout(forced);
  logger.flush();
  return 0;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const code = await serve();
  process.exitCode = code;
  // A client that keeps a socket open must not keep a stopped bot alive.
  setTimeout(() => process.exit(code), 2000).unref();
}
