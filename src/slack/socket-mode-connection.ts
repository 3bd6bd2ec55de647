import type { SocketModeReceiver } from '@slack/bolt';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import { tokenRefusal } from './token-refusal.js';

type SocketModeClient = SocketModeReceiver['client'];

/** What /healthz shows of the Socket Mode connection. */
export interface SocketModeHealth {
  state: 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'stopped';
  /** When the state last changed (ISO 8601). */
  since: string;
  /** Connections opened since start-up, the first one included. */
  connections: number;
  /** Attempts in a row that did not connect; 0 while connected. */
  failedAttempts: number;
  /** The latest disconnect: Slack's reason (warning, refresh_requested, too_many_websockets, …) or `connection lost`. */
  lastDisconnect: { reason: string; at: string } | null;
  /** Why the latest attempt failed, or why the connection is given up. */
  error?: string;
}

/** How long to wait before the next attempt after trouble: minMs, times factor per failure, at most maxMs; for ever. */
export interface ReconnectPolicy {
  minMs: number;
  maxMs: number;
  factor: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { minMs: 1000, maxMs: 30_000, factor: 2 };

/** The wait before the next attempt after `failures` in a row. */
export function waitAfter(policy: ReconnectPolicy, failures: number): number {
  return Math.min(policy.maxMs, policy.minMs * policy.factor ** Math.max(0, failures - 1));
}

/** Slack asks for a new connection and has one ready: opened at once, no backoff. */
const REFRESH_REASONS = new Set(['warning', 'refresh_requested']);

export interface SocketModeConnection {
  /** Connects (`firstAttempt` is Bolt's start); keeps trying while the trouble can pass. Rejects with ConfigError when it cannot. */
  start(firstAttempt: () => Promise<unknown>): Promise<void>;
  /** Settles once, when a connection that was up is given up (link_disabled, a token revoked meanwhile). */
  failed: Promise<ConfigError>;
  health(): SocketModeHealth;
  /** Ends every attempt and wait, and closes the connection. */
  stop(): Promise<void>;
}

/**
 * Owns the reconnection of @slack/socket-mode's client (built with autoReconnectEnabled: false). The
 * SDK's own loop ends a reconnection by rejecting a promise nobody holds, which kills the process
 * after a short network outage, and waits 5 s before each refresh_requested reconnect; here every
 * attempt's failure is caught, the wait grows with the failures and never ends the bot, a refresh
 * reconnects at once, and only what no retry mends (a refused token, link_disabled) gives up.
 */
export function superviseSocketMode(client: SocketModeClient, logger: Logger, policy: ReconnectPolicy = DEFAULT_RECONNECT): SocketModeConnection {
  let state: SocketModeHealth['state'] = 'connecting';
  let since = new Date();
  let connections = 0;
  let failedAttempts = 0;
  // Failures and abnormal disconnects in a row, for the backoff: a connection that Slack ends at once
  // (too_many_websockets after hello) must not be reopened at the shortest wait for ever.
  let streak = 0;
  let connectedAt = 0;
  let lastDisconnect: SocketModeHealth['lastDisconnect'] = null;
  let error: string | undefined;
  let stopped = false;
  let attempting = false;
  let reason: string | null = null;
  let failure: ConfigError | null = null;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let reportFailure: (err: ConfigError) => void = () => {};
  const failed = new Promise<ConfigError>((resolve) => (reportFailure = resolve));
  const become = (next: SocketModeHealth['state']) => {
    state = next;
    since = new Date();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });
  const backoff = (failures: number) => waitAfter(policy, failures);

  // Slack's disconnect message tells why; the SDK only logs it at debug.
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    if (isBinary || typeof data !== 'string') return;
    let message: { type?: unknown; reason?: unknown };
    try {
      message = JSON.parse(data) as typeof message;
    } catch {
      return;
    }
    if (message.type !== 'disconnect') return;
    reason = String(message.reason ?? 'unknown');
    if (reason === 'link_disabled') {
      failure = new ConfigError([
        { variable: 'SLACK_APP_TOKEN', message: "Slack disabled this app's Socket Mode connection (link_disabled): turn Socket Mode on in the app's settings, or unset SLACK_APP_TOKEN to serve over HTTP" },
      ]);
    }
  });

  client.on('disconnected', () => {
    if (attempting || stopped || state !== 'connected') return; // a failed attempt is the loop's to handle
    const why = reason ?? 'connection lost';
    reason = null;
    lastDisconnect = { reason: why, at: new Date().toISOString() };
    if (failure) return giveUp(failure);
    const refresh = REFRESH_REASONS.has(why);
    if (refresh || Date.now() - connectedAt >= policy.maxMs) streak = 0;
    if (!refresh) streak++;
    const waitMs = refresh ? 0 : backoff(streak);
    logger.info({ reason: why, reconnectInMs: waitMs }, 'Socket Mode disconnected: reconnecting');
    become('reconnecting');
    connect(() => client.start(), waitMs).catch(giveUp);
  });

  function giveUp(err: unknown) {
    const given = err instanceof ConfigError ? err : new ConfigError([{ variable: 'SLACK_APP_TOKEN', message: String(err) }]);
    failure = given;
    error = given.message;
    become('failed');
    logger.error({ problems: given.problems }, 'Socket Mode connection given up');
    reportFailure(given);
  }

  async function connect(attempt: () => Promise<unknown>, firstWaitMs: number): Promise<void> {
    let waitMs = firstWaitMs;
    for (;;) {
      if (waitMs > 0) await sleep(waitMs);
      if (stopped) return;
      attempting = true;
      reason = null;
      try {
        await attempt();
      } catch (err) {
        attempting = false;
        if (stopped) return;
        const refused = failure ?? tokenRefusal(err, 'SLACK_APP_TOKEN');
        if (refused) throw refused;
        failedAttempts++;
        streak++;
        error = reason ?? describe(err);
        waitMs = backoff(streak);
        logger.info({ attempt: failedAttempts, reason: error, retryInMs: waitMs }, 'Socket Mode connection failed: retrying');
        attempt = () => client.start();
        continue;
      }
      attempting = false;
      if (stopped) {
        // Stopped while this attempt was under way: it must not leave a connection open.
        await client.disconnect();
        return;
      }
      connections++;
      connectedAt = Date.now();
      error = undefined;
      become('connected');
      logger.info({ connections, afterFailedAttempts: failedAttempts }, connections === 1 ? 'Socket Mode connected' : 'Socket Mode reconnected');
      failedAttempts = 0;
      return;
    }
  }

  return {
    failed,
    async start(firstAttempt) {
      become('connecting');
      try {
        await connect(firstAttempt, 0);
      } catch (err) {
        giveUp(err);
        throw failure;
      }
    },
    health: () => ({ state, since: since.toISOString(), connections, failedAttempts, lastDisconnect, ...(error ? { error } : {}) }),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      become('stopped');
      // The SDK resolves once its socket has closed; a peer that never answers the close must not hold the shutdown.
      await Promise.race([client.disconnect(), new Promise((r) => setTimeout(r, 2000).unref())]);
    },
  };
}

function describe(err: unknown): string {
  if (err === undefined) return 'connection closed before Slack said hello';
  const e = err as { data?: { error?: unknown }; message?: unknown };
  if (typeof e.data?.error === 'string') return e.data.error;
  return typeof e.message === 'string' ? e.message : String(err);
}
