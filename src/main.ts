#!/usr/bin/env node
/**
 * The composition root of the bot (`npm start`, `dbpool serve`): config, logger, services, Slack app,
 * and a graceful shutdown on SIGTERM/SIGINT.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createServices } from './services.js';
import { createScheduler, type RunningScheduler } from './schedule/create-scheduler.js';
import { createSlackApp } from './slack/create-slack-app.js';
import { createSlackSummaryPoster, createSlackWarningPoster } from './slack/scheduled-posts.js';

/** Exit code when the configuration is wrong (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;
const SHUTDOWN_TIMEOUT_MS = 10_000;

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
  const services = createServices(config, logger);
  let slack;
  let scheduled: RunningScheduler | null = null;
  try {
    slack = await createSlackApp({ config, logger, services, muteWarnings: (until) => scheduled?.scheduler.warnings?.mute(until) });
  } catch (err) {
    await services.close();
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return EXIT_CONFIG;
  }
  const { port } = await slack.start();
  scheduled = createScheduler(
    config,
    services,
    {
      summary: createSlackSummaryPoster(slack.app.client, logger),
      warning: createSlackWarningPoster(slack.app.client, { remediation: services.remediation !== null && !config.remediation.readOnly }),
    },
    logger,
  );
  logger.info({ mode: slack.mode, port, postgres: config.postgres ? `${config.postgres.host}:${config.postgres.port}` : null }, 'dbpool is serving Slack');

  const signal = await stopSignal;
  logger.info({ signal }, 'shutting down');
  const forced = setTimeout(() => {
    logger.error('shutdown took too long: exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  forced.unref();
  try {
    await scheduled?.stop();
    await slack.stop();
  } catch (err) {
    logger.warn({ err }, 'slack app did not stop cleanly');
  }
  await services.close();
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
