import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { AuditLog } from '../actions/audit-log.js';
import type { CommandContext, CommandLimits } from '../commands/command-table.js';
import { InFlight, limitConcurrency } from '../concurrency.js';
import { ConfigError, type Config } from '../config.js';
import type { Facts, InstanceSource } from '../core/facts.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { StateDb } from '../state/state-store.js';
import { createApproverGroup } from './approver-group.js';
import { authorizeEveryRequest, type GateDeps } from './authorize-request.js';
import { boltLogger } from './bolt-logger.js';
import { healthzRoute } from './healthz.js';
import { registerButtons } from './listeners/buttons/index.js';
import { registerCommands } from './listeners/commands/index.js';
import { socketModeListening } from './listen-refusal.js';
import { metricsRoute } from './metrics-route.js';
import { answerUnprocessable, refuseFutureRequests } from './receiver-guards.js';
import type { SlackDeps } from './serve-request.js';
import type { SlackConnection } from './slack-client.js';
import { openUserLanguageStore, type UserLanguageStore } from './user-language-store.js';

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  /** From createServices: what /healthz checks, /metrics serves and refusals are recorded in. */
  services: {
    postgres: { isConnected(): boolean } | null;
    instanceSources: InstanceSource[];
    /** The latest diagnosis's facts, for /healthz; absent without a database. */
    diagnoser?: { latest(): Facts | null } | null;
    metrics?: Metrics | null;
    stateDb: Pick<StateDb, 'problem'> | null;
    audit: Pick<AuditLog, 'record'> | null;
  };
  /** The command context: the services' own, with the scheduler's summary when the bot has one. */
  context: CommandContext;
  /** From createSlackConnection: the bounded Web API client options and Slack's health. */
  slack: Pick<SlackConnection, 'clientOptions' | 'health'>;
  /** Defaults to the JSON file in config.stateDir. */
  languages?: UserLanguageStore;
  timeZone?: string;
  /** The "Mute 1h" button's effect (the scheduler's early warnings). */
  muteWarnings?: (until: Date) => void;
  /** Requests answered at once on the Slack side; more wait their turn (default 8). */
  maxConcurrentReplies?: number;
  /** The command table's ranges; tests shorten them. */
  limits?: CommandLimits;
}

export interface SlackApp {
  app: App;
  mode: 'socket' | 'http';
  /** Resolves with the port /slack/events (HTTP) or /healthz listens on. */
  start(): Promise<{ port: number }>;
  /** Lets the work of requests already received finish, up to the bound. */
  drain(boundMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Socket Mode when SLACK_APP_TOKEN is set, otherwise Bolt's HTTP receiver with /slack/events, both with /healthz. */
export async function createSlackApp(options: SlackAppOptions): Promise<SlackApp> {
  const { config, logger, services } = options;
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
  // Bolt keeps (and changes) the object it is given.
  const clientOptions: webApi.WebClientOptions = { ...options.slack.clientOptions, logger: log };
  const gate: GateDeps = { config, audit: services.audit, languageOf: (u) => languages.get(u), now: options.context.now, logger: logger.child({ component: 'slack' }) };
  const health = healthzRoute({
    postgres: services.postgres,
    instanceSources: services.instanceSources,
    latest: () => services.diagnoser?.latest() ?? null,
    slack: options.slack.health,
    state: services.stateDb,
    timeoutMs: Math.min(3000, config.probes.timeoutMs),
  });
  const routes = services.metrics ? [health, metricsRoute(services.metrics)] : [health];
  const mode = slack.appToken ? 'socket' : 'http';
  const processEventErrorHandler = answerUnprocessable(gate);
  const receiver =
    mode === 'socket'
      ? new SocketModeReceiver({
          appToken: slack.appToken ?? '',
          logger: log,
          customRoutes: routes,
          installerOptions: { port: config.slack.port, clientOptions },
        })
      : refuseFutureRequests(
          new HTTPReceiver({ signingSecret: slack.signingSecret ?? '', endpoints: '/slack/events', customRoutes: routes, logger: log, processEventErrorHandler }),
          gate.logger,
        );
  const app = new App({ token: slack.botToken, receiver, logger: log, clientOptions });
  const inFlight = new InFlight();
  const deps: SlackDeps = {
    config,
    context: options.context,
    languages,
    logger: gate.logger,
    timeZone: options.timeZone,
    muteWarnings: options.muteWarnings,
    approverGroup: createApproverGroup(config.remediation.approverGroup, app.client, gate.logger),
    gate,
    limit: limitConcurrency(options.maxConcurrentReplies ?? 8),
    limits: options.limits,
  };
  app.use(authorizeEveryRequest(gate));
  const track = <T>(work: Promise<T>) => inFlight.track(work);
  registerCommands(app, deps, track);
  registerButtons(app, deps, track);
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
      await Promise.all([socketModeListening(receiver), app.start()]);
      return { port: config.slack.port };
    },
    drain: (boundMs) => inFlight.settled(boundMs),
    async stop() {
      await app.stop();
    },
  };
}
