/**
 * Shared pieces of the reliability suite (test/reliability): dbpool's Slack app wired like
 * `dbpool serve` but with the knobs the fault tests need (a logger, a real state file, the
 * WebClient's retry policy, a fault proxy in front of the Web API stand-in), and small waiting
 * helpers. Everything listens on 127.0.0.1 only.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import type { InstanceSource } from '../../src/core/facts.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { composeBot, type Bot } from '../../src/main.js';
import type { Services } from '../../src/services.js';
import type { SlackApp } from '../../src/slack/create-slack-app.js';
import type { SlackClientOptions } from '../../src/slack/slack-client.js';
import { startSlackApiServer, type SlackApiServer } from './slack-api-server.js';
import { TEST_LIMITS } from './test-limits.js';
import { closedPort, SIGNING_SECRET } from './slack-bot.js';
import { sendSlashCommand, type SentRequest } from './slack-requests.js';

export interface ReliabilityBotOptions {
  env?: Record<string, string>;
  logger?: Logger;
  /** Default ':memory:'. */
  stateFile?: string;
  retryConfig?: SlackClientOptions['retryConfig'];
  /** The Web API calls' timeout (default: the product's). */
  slackTimeoutMs?: number;
  /** How long a stop waits for running actions (default: the product's). */
  drainMs?: number;
  /** The Web API the bot talks to (e.g. a fault proxy in front of the stand-in); default: the stand-in itself. */
  apiUrl?: (api: SlackApiServer) => string | Promise<string>;
  instanceSources?: InstanceSource[];
}

export interface ReliabilityBot {
  api: SlackApiServer;
  config: Config;
  composed: Bot;
  services: Services;
  slack: SlackApp;
  eventsUrl: string;
  baseUrl: string;
  signingSecret: string;
  stateDir: string;
  stop(): Promise<void>;
}

export async function startReliabilityBot(o: ReliabilityBotOptions = {}): Promise<ReliabilityBot> {
  const api = await startSlackApiServer();
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-reliability-'));
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: o.apiUrl ? await o.apiUrl(api) : api.apiUrl,
    PORT: '0',
    DATABASE_URL: `postgresql://dbpool:secret@127.0.0.1:${await closedPort()}/madras`,
    DBPOOL_CONNECT_TIMEOUT_MS: '1000',
    DBPOOL_STATEMENT_TIMEOUT_MS: '1000',
    DBPOOL_INSTANCE_SOURCE: 'none',
    DBPOOL_STATE_DIR: stateDir,
    DBPOOL_LOG_LEVEL: 'silent',
    ...o.env,
  };
  const config = loadConfig(env);
  const logger = o.logger ?? silentLogger();
  let composed: Bot;
  try {
    composed = await composeBot(config, logger, {
      limits: TEST_LIMITS,
      services: { instanceSources: o.instanceSources ?? [], stateFile: o.stateFile ?? ':memory:' },
      slack: { ...(o.retryConfig ? { retryConfig: o.retryConfig } : {}), ...(o.slackTimeoutMs ? { timeoutMs: o.slackTimeoutMs } : {}) },
      ...(o.drainMs !== undefined ? { drainMs: o.drainMs } : {}),
    });
  } catch (err) {
    await api.close();
    throw err;
  }
  const { port } = await composed.slack.start();
  return {
    api,
    config,
    composed,
    services: composed.services,
    slack: composed.slack,
    stateDir,
    signingSecret: env.SLACK_SIGNING_SECRET ?? SIGNING_SECRET,
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await composed.stop();
      await api.close();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** What the fault proxy answers for one Web API method. */
export interface SlackFault {
  status: number;
  /** How many calls get it; Infinity for all of them. */
  times: number;
  retryAfterSeconds?: number;
  /** Slack's error code in the body (default internal_error, or ratelimited for 429). */
  error?: string;
}

export interface SlackFaultProxy {
  /** Give the bot this as SLACK_API_URL. */
  apiUrl: string;
  fail(method: string, fault: SlackFault): void;
  clear(): void;
  /** Every call the proxy saw, with what it answered (0 until answered). */
  seen: { method: string; status: number }[];
  close(): Promise<void>;
}

/** An HTTP proxy in front of the recording stand-in that answers chosen methods with 5xx, 429 or a Slack error. */
export async function startSlackFaultProxy(api: SlackApiServer): Promise<SlackFaultProxy> {
  const target = new URL(api.apiUrl);
  const faults = new Map<string, SlackFault>();
  const seen: { method: string; status: number }[] = [];
  const server = http.createServer((req, res) => {
    const method = (req.url ?? '/').replace(/^\/api\//, '').split('?')[0] ?? '';
    const fault = faults.get(method);
    if (fault && fault.times > 0) {
      fault.times -= 1;
      seen.push({ method, status: fault.status });
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      res.writeHead(fault.status, headers).end(JSON.stringify({ ok: false, error: fault.error ?? (fault.status === 429 ? 'ratelimited' : 'internal_error') }));
      return;
    }
    // Recorded on arrival (before the stand-in records it), the status filled in when answered.
    const entry = { method, status: 0 };
    seen.push(entry);
    const forward = http.request(
      { host: target.hostname, port: Number(target.port), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        entry.status = answer.statusCode ?? 502;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (err) => res.destroy(err));
    req.pipe(forward);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    fail: (method, fault) => void faults.set(method, { ...fault }),
    clear: () => faults.clear(),
    seen,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Polls until the condition holds; throws naming what it waited for. Bounded by `timeoutMs`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends `/dbpool <text>` and waits for one more chat.update (the report); returns the ack and the update's body. */
export async function askForReport(
  bot: { api: SlackApiServer; eventsUrl: string },
  text: string,
  responseId: string,
  secret = SIGNING_SECRET,
  timeoutMs = 20_000,
): Promise<{ ack: SentRequest; update: Record<string, unknown> }> {
  const before = bot.api.callsOf('chat.update').length;
  const ack = await sendSlashCommand(bot.eventsUrl, secret, { text, response_url: bot.api.responseUrl(responseId) });
  await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length > before, timeoutMs);
  return { ack, update: bot.api.callsOf('chat.update')[before]?.body ?? {} };
}
