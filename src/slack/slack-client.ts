import { webApi } from '@slack/bolt';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { deadlineSignal } from '../deadline-signal.js';
import { boltLogger } from './bolt-logger.js';

/** Whether Slack's Web API answers, as the bot's own calls found it; shown on /healthz. */
export interface SlackHealth {
  ok: boolean;
  /** The last failure since the last success (HTTP status, a timeout, a network error). */
  error?: string;
  /** Calls waiting for an answer now. */
  pending: number;
}

export interface SlackClientOptions {
  /** Each Web API call and response_url post gives up after this long (default 10 s). */
  timeoutMs?: number;
  /** The WebClient's retry policy (tests shorten it); a few quick retries by default. */
  retryConfig?: { retries: number; factor?: number; minTimeout?: number; maxTimeout?: number };
}

export interface SlackConnection {
  /** For Bolt's App and every WebClient of the bot: the same timeout, retries and health. */
  clientOptions: webApi.WebClientOptions;
  health(): SlackHealth;
  /** A client for posts that no Slack request started (the daily summary, early warnings). */
  client: webApi.WebClient;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Every call to Slack is bounded: @slack/web-api has no request timeout of its own, so a Slack API
 * that hangs would hold a call (and, past 100 of them, every later post) for as long as the socket
 * lives. The fetch below gives each request a deadline and keeps score for /healthz.
 */
export function createSlackConnection(config: Config, logger: Logger, options: SlackClientOptions = {}): SlackConnection {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let pending = 0;
  let lastOk = 0;
  let lastFailure: { at: number; error: string } | null = null;
  let seq = 0;

  const boundedFetch: typeof fetch = async (input, init = {}) => {
    const deadline = deadlineSignal(timeoutMs, init.signal ?? undefined);
    const { signal } = deadline;
    const started = ++seq;
    pending++;
    try {
      const response = await fetch(input, { ...init, signal });
      if (response.status >= 500 || response.status === 429) lastFailure = { at: started, error: `HTTP ${response.status}` };
      else lastOk = Math.max(lastOk, started);
      // Not released: the deadline bounds the body too, which the WebClient reads after this returns.
      return response;
    } catch (err) {
      lastFailure = { at: started, error: signal.aborted && !init.signal?.aborted ? `no answer within ${timeoutMs} ms` : (err as Error).message };
      deadline.release();
      throw err;
    } finally {
      pending--;
    }
  };

  const clientOptions: webApi.WebClientOptions = {
    ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
    fetch: boundedFetch,
    // During an incident a report that arrives half an hour late is no report: a few quick retries,
    // then the user is told (the WebClient's default keeps retrying for about 30 minutes).
    retryConfig: options.retryConfig ?? { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 10_000 },
    logger: boltLogger(logger),
  };
  return {
    clientOptions,
    health: () => {
      const failing = lastFailure !== null && lastFailure.at > lastOk;
      return { ok: !failing, ...(failing && lastFailure ? { error: lastFailure.error } : {}), pending };
    },
    client: new webApi.WebClient(config.slack.botToken, clientOptions),
  };
}
