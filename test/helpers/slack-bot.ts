/**
 * dbpool's Slack app on a local port, wired like `dbpool serve` (real config, services, Bolt and
 * its HTTP receiver), talking to a recording stand-in for the Web API.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { composeBot, type Bot, type BotOptions } from '../../src/main.js';
import type { Services } from '../../src/services.js';
import type { SlackApp } from '../../src/slack/create-slack-app.js';
import { startSlackApiServer, type SlackApiServer } from './slack-api-server.js';
import { TEST_LIMITS } from './test-limits.js';

export const SIGNING_SECRET = 'test-signing-secret-8f2e1c';

export interface TestBot {
  api: SlackApiServer;
  config: Config;
  eventsUrl: string;
  baseUrl: string;
  stateDir: string;
  /** Everything composeBot built (the scheduler included, started only with `schedule`). */
  composed: Bot;
  services: Services;
  slack: SlackApp;
  /** Stops the app and starts a new one on the same state directory (a process restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A port nothing listens on: a PostgreSQL that is down. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A PostgreSQL that accepts TCP connections and never answers: the worst case for an ack. */
export async function hangingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export interface TestBotOptions {
  /** The bot's other seams (a state file instead of ':memory:', instance sources, Slack timeouts…). */
  bot?: BotOptions;
  /** Start the sampler and the daily summary check too (default false: a test asks for what it needs). */
  schedule?: boolean;
}

/** dbpool's bot as `dbpool serve` composes it (composeBot), on a free port, against the Web API stand-in. */
export async function startTestBot(
  env: Record<string, string> = {},
  existing?: { api: SlackApiServer; stateDir: string },
  options: TestBotOptions = {},
): Promise<TestBot> {
  const api = existing?.api ?? (await startSlackApiServer());
  const stateDir = existing?.stateDir ?? (await mkdtemp(path.join(os.tmpdir(), 'dbpool-slack-')));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: api.apiUrl,
    PORT: '0',
    DATABASE_URL: env.DATABASE_URL ?? `postgresql://dbpool:secret@127.0.0.1:${await closedPort()}/madras`,
    DBPOOL_CONNECT_TIMEOUT_MS: '1000',
    DBPOOL_STATEMENT_TIMEOUT_MS: '1000',
    DBPOOL_INSTANCE_SOURCE: 'none',
    DBPOOL_STATE_DIR: stateDir,
    DBPOOL_LOG_LEVEL: 'silent',
    ...env,
  });
  const logger = silentLogger();
  const compose = async () => {
    const composed = await composeBot(config, logger, {
      limits: TEST_LIMITS,
      ...options.bot,
      services: { instanceSources: [], stateFile: ':memory:', ...options.bot?.services },
    });
    const { port } = options.schedule ? await composed.start() : await composed.slack.start();
    return { composed, urls: { eventsUrl: `http://127.0.0.1:${port}/slack/events`, baseUrl: `http://127.0.0.1:${port}` } };
  };
  let { composed, urls } = await compose();
  const bot: TestBot = {
    api,
    config,
    stateDir,
    composed,
    services: composed.services,
    slack: composed.slack,
    ...urls,
    async restart() {
      await composed.stop();
      ({ composed, urls } = await compose());
      Object.assign(bot, { composed, services: composed.services, slack: composed.slack, ...urls });
    },
    async stop() {
      await composed.stop();
      if (!existing) {
        await api.close();
        await rm(stateDir, { recursive: true, force: true });
      }
    },
  };
  return bot;
}
