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
import { initializeWithBotToken } from './bot-token-check.js';
import { healthzRoute } from './healthz.js';
import { registerButtons } from './listeners/buttons/index.js';
import { registerCommands } from './listeners/commands/index.js';
import { socketModeListening } from './listen-refusal.js';
import { metricsRoute } from './metrics-route.js';
import { answerUnprocessable, refuseFutureRequests } from './receiver-guards.js';
import type { SlackDeps } from './serve-request.js';
import type { SlackConnection } from './slack-client.js';
import { DEFAULT_RECONNECT, superviseSocketMode, type ReconnectPolicy, type SocketModeConnection } from './socket-mode-connection.js';
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
  /** The wait between connection attempts (Socket Mode) and auth.test retries at start-up; tests shorten it. */
  reconnect?: ReconnectPolicy;
}

export interface SlackApp {
  app: App;
  mode: 'socket' | 'http';
  /**
   * Resolves with the port /slack/events (HTTP) or /healthz listens on once Slack is reached; retries
   * while Slack is unreachable, rejects with ConfigError for a refused token, resolves early when stopped.
   */
  start(): Promise<{ port: number }>;
  /** Settles when Socket Mode gives its connection up after start-up (link_disabled, a revoked token); never in HTTP mode. */
  failed: Promise<ConfigError>;
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
    socketMode: () => socket?.health() ?? null,
    state: services.stateDb,
    timeoutMs: Math.min(3000, config.probes.timeoutMs),
  });
  let socket: SocketModeConnection | null = null;
  const routes = services.metrics ? [health, metricsRoute(services.metrics)] : [health];
  const mode = slack.appToken ? 'socket' : 'http';
  const processEventErrorHandler = answerUnprocessable(gate);
  const receiver =
    mode === 'socket'
      ? new SocketModeReceiver({
          appToken: slack.appToken ?? '',
          logger: log,
          customRoutes: routes,
          // dbpool reconnects (superviseSocketMode); apps.connections.open is one call per attempt, no hidden retries.
          autoReconnectEnabled: false,
          installerOptions: { port: config.slack.port, clientOptions: { ...clientOptions, retryConfig: { retries: 0 } } },
        })
      : refuseFutureRequests(
          new HTTPReceiver({ signingSecret: slack.signingSecret ?? '', endpoints: '/slack/events', customRoutes: routes, logger: log, processEventErrorHandler }),
          gate.logger,
        );
  // Deferred: start() runs auth.test and can tell a refused SLACK_BOT_TOKEN from an unreachable Slack.
  const app = new App({ token: slack.botToken, receiver, logger: log, clientOptions, deferInitialization: true });
  const policy = options.reconnect ?? DEFAULT_RECONNECT;
  if (receiver instanceof SocketModeReceiver) socket = superviseSocketMode(receiver.client, logger.child({ component: 'socket-mode' }), policy);
  const stopping = new AbortController();
  let receiverStarted = false;
  const inFlight = new InFlight();
  const deps: SlackDeps = {
    config,
    context: options.context,
    languages,
    logger: gate.logger,
    timeZone: options.timeZone ?? config.timeZone,
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
    failed: socket?.failed ?? new Promise<never>(() => {}),
    async start() {
      if (!(await initializeWithBotToken(app, logger.child({ component: 'slack' }), policy, stopping.signal))) return { port: config.slack.port };
      receiverStarted = true;
      if (!socket) {
        const server = (await app.start(config.slack.port)) as Server;
        return { port: (server.address() as AddressInfo).port };
      }
      // Bolt's start opens /healthz's server, then the first connection attempt. A port in use is
      // the listen's error, not a connection failure to retry.
      await Promise.all([socketModeListening(receiver), socket.start(() => app.start())]);
      return { port: config.slack.port };
    },
    drain: (boundMs) => inFlight.settled(boundMs),
    async stop() {
      stopping.abort();
      await socket?.stop();
      if (receiverStarted) await app.stop();
    },
  };
}
