import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { CommandContext } from '../commands/command-table.js';
import { ConfigError, type Config } from '../config.js';
import type { InstanceSource } from '../core/facts.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import { metricsRoute } from './metrics-route.js';
import { boltLogger } from './bolt-logger.js';
import { healthzRoute } from './healthz.js';
import { registerButtons } from './listeners/buttons/index.js';
import { registerCommands } from './listeners/commands/index.js';
import type { SlackDeps } from './serve-request.js';
import { openUserLanguageStore, type UserLanguageStore } from './user-language-store.js';

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  /** From createServices: the command context, the probe (for /healthz) and the instance sources. */
  services: { context: CommandContext; postgres: { isConnected(): boolean } | null; instanceSources: InstanceSource[]; metrics?: Metrics };
  /** Defaults to the JSON file in config.stateDir. */
  languages?: UserLanguageStore;
  timeZone?: string;
  /** The "Mute 1h" button's effect (the scheduler's early warnings). */
  muteWarnings?: (until: Date) => void;
  /** The WebClient's retry policy (tests shorten it); Bolt's default retries 429s after Retry-After. */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
}

export interface SlackApp {
  app: App;
  mode: 'socket' | 'http';
  /** Resolves with the port /slack/events (HTTP) or /healthz listens on. */
  start(): Promise<{ port: number }>;
  stop(): Promise<void>;
}

/** Socket Mode when SLACK_APP_TOKEN is set, otherwise Bolt's HTTP receiver with /slack/events, both with /healthz. */
export async function createSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { config, logger } = options;
  const slack = config.slack;
  if (!slack.botToken) throw new ConfigError([{ variable: 'SLACK_BOT_TOKEN', message: 'is required to serve Slack' }]);
  if (!slack.appToken && !slack.signingSecret) {
    throw new ConfigError([{ variable: 'SLACK_SIGNING_SECRET', message: 'is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)' }]);
  }
  if (slack.allowedChannels.length === 0 && slack.allowedUsers.length === 0) {
    logger.warn('DBPOOL_ALLOWED_CHANNELS and DBPOOL_ALLOWED_USERS are empty: everyone in the workspace may use dbpool');
  }
  const languages = options.languages ?? (await openUserLanguageStore(config.stateDir, config.lang, logger));
  const log = boltLogger(logger);
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    // During an incident a report that arrives half an hour late is no report: a few quick retries,
    // then the user is told (the WebClient's default keeps retrying for about 30 minutes).
    retryConfig: options.retryConfig ?? { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 10_000 },
  };
  const health = healthzRoute({
    postgres: options.services.postgres,
    instanceSources: options.services.instanceSources,
    timeoutMs: Math.min(3000, config.probes.timeoutMs),
  });

  const routes = options.services.metrics ? [health, metricsRoute(options.services.metrics)] : [health];
  const mode = slack.appToken ? 'socket' : 'http';
  const receiver =
    mode === 'socket'
      ? new SocketModeReceiver({
          appToken: slack.appToken ?? '',
          logger: log,
          customRoutes: routes,
          installerOptions: { port: config.slack.port, clientOptions },
        })
      : new HTTPReceiver({
          signingSecret: slack.signingSecret ?? '',
          endpoints: '/slack/events',
          customRoutes: routes,
          logger: log,
        });
  const app = new App({ token: slack.botToken, receiver, logger: log, clientOptions });
  const deps: SlackDeps = { config, context: options.services.context, languages, logger: logger.child({ component: 'slack' }), timeZone: options.timeZone, muteWarnings: options.muteWarnings };
  registerCommands(app, deps);
  registerButtons(app, deps);
  app.error(async (err) => {
    logger.error({ err: err.message, code: (err as { code?: string }).code }, 'slack app error');
  });

  return {
    app,
    mode,
    async start() {
      if (mode === 'http') {
        const server = (await app.start(config.slack.port)) as Server;
        return { port: (server.address() as AddressInfo).port };
      }
      await app.start();
      return { port: config.slack.port };
    },
    async stop() {
      await app.stop();
    },
  };
}
