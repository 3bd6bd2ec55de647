/**
 * The Socket Mode connection through Bolt's real SocketModeReceiver and @slack/socket-mode's client,
 * against a local stand-in that speaks Slack's documented protocol (hello, envelopes and their acks,
 * disconnect reasons) and the Web API stand-in's apps.connections.open: the bot survives every kind
 * of connection trouble and answers a slash command after it, and gives up only on what no retry mends.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { composeBot, type Bot } from '../../src/main.js';
import type { Health } from '../../src/slack/healthz.js';
import { startSlackApiServer, type SlackApiServer } from '../helpers/slack-api-server.js';
import { closedPort } from '../helpers/slack-bot.js';
import { slashCommandPayload, socketModeConfig, startSocketModeServer, type SocketModeServer } from '../helpers/socket-mode-server.js';

interface SocketBot {
  api: SlackApiServer;
  link: SocketModeServer;
  bot: Bot;
  logs: Record<string, unknown>[];
  started: Promise<{ port: number }>;
  stop(): Promise<void>;
  health(): Promise<Health>;
  /** Sends `/dbpool math …` and waits for its ack and its answer (the report posted in place of "checking…"). */
  answersACommand(): Promise<void>;
}

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of running.splice(0).reverse()) await stop();
});

/** dbpool's logger at info, its JSON lines collected. */
function recordingLogger(lines: Record<string, unknown>[]): Logger {
  const logger = createLogger({ logLevel: 'info' }, { pretty: false });
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) };
  return logger;
}

/** The bot as `serve` composes it, in Socket Mode, with a short reconnect backoff; `before` runs before it starts. */
async function startSocketBot(before: (api: SlackApiServer, link: SocketModeServer) => void = () => {}): Promise<SocketBot> {
  const api = await startSlackApiServer();
  const link = await startSocketModeServer();
  api.setSocketUrl(link.url);
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-socket-'));
  const healthPort = await closedPort();
  const config = await socketModeConfig(api.apiUrl, healthPort, stateDir);
  const logs: Record<string, unknown>[] = [];
  const bot = await composeBot(config, recordingLogger(logs), {
    services: { instanceSources: [], stateFile: ':memory:' },
    slack: { retryConfig: { retries: 0 }, reconnect: { minMs: 20, maxMs: 200, factor: 2 } },
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= bot.stop());
  running.push(async () => {
    await stop();
    await link.close();
    await api.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  before(api, link);
  const started = bot.slack.start();
  started.catch(() => {});
  let commands = 0;
  return {
    api,
    link,
    bot,
    logs,
    started,
    stop,
    async health() {
      const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
      return (await res.json()) as Health;
    },
    async answersACommand() {
      await link.waitFor(() => link.isOpen(), 10_000, 'an open connection');
      const id = `c${++commands}`;
      const envelopeId = link.send('slash_commands', slashCommandPayload('math --workers 4 --pool 30 --instances 2', api.responseUrl(id)));
      await link.waitFor(() => link.received.some((m) => m.envelope_id === envelopeId), 10_000, `the ack of ${envelopeId}`);
      const before = api.callsOf('chat.update').length;
      await api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length > before || calls.some((c) => c.responseId === id));
    },
  };
}

const opened = (api: SlackApiServer) => api.callsOf('apps.connections.open');
const logged = (s: SocketBot, msg: string) => s.logs.filter((l) => l.msg === msg);

describe('Socket Mode: envelopes and acks', () => {
  it('acks a slash_commands and an interactive envelope with their envelope_id; /healthz shows the connection', async () => {
    const s = await startSocketBot();
    await s.started;
    await s.answersACommand();
    const envelopeId = s.link.send('interactive', {
      type: 'block_actions',
      team: { id: 'T0TEST', domain: 'example' },
      user: { id: 'U0ONCALL', name: 'oncall' },
      api_app_id: 'A0DBPOOL',
      channel: { id: 'C0INCIDENT', name: 'incident' },
      trigger_id: '1.2.4',
      response_url: s.api.responseUrl('button'),
      actions: [{ type: 'button', action_id: 'dbpool_not_a_button', block_id: 'b', value: 'x', action_ts: '1.1' }],
    });
    await s.link.waitFor(() => s.link.received.some((m) => m.envelope_id === envelopeId), 10_000, 'the interactive ack');
    await s.api.waitFor((calls) => calls.some((c) => c.responseId === 'button'));
    const health = await s.health();
    expect(health.socketMode).toMatchObject({ state: 'connected', connections: 1, failedAttempts: 0, lastDisconnect: null });
    expect(logged(s, 'Socket Mode connected')).toHaveLength(1);
  });
});

describe('Socket Mode: disconnects Slack announces', () => {
  for (const reason of ['warning', 'refresh_requested']) {
    it(`reconnects at once on disconnect (${reason}), logs it, and answers after`, async () => {
      const s = await startSocketBot();
      await s.started;
      s.link.disconnect(reason);
      await s.link.waitFor(() => s.link.connections.length === 2 && s.link.isOpen(), 10_000, 'the second connection');
      await s.answersACommand();
      expect(opened(s.api)).toHaveLength(2);
      const health = await s.health();
      expect(health.socketMode).toMatchObject({ state: 'connected', connections: 2, lastDisconnect: { reason } });
      expect(logged(s, 'Socket Mode disconnected: reconnecting')[0]).toMatchObject({ level: 30, reason, reconnectInMs: 0 });
      expect(logged(s, 'Socket Mode reconnected')).toHaveLength(1);
    });
  }

  it('link_disabled is not a refresh: the connection is given up with a message naming what to change', async () => {
    const s = await startSocketBot();
    await s.started;
    s.link.disconnect('link_disabled');
    const err = await s.bot.slack.failed;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain('SLACK_APP_TOKEN');
    expect(err.message).toContain('link_disabled');
    expect(err.message).toContain('Socket Mode');
    expect(opened(s.api)).toHaveLength(1);
    const health = await s.health();
    expect(health.status).toBe('degraded');
    expect(health.socketMode).toMatchObject({ state: 'failed', lastDisconnect: { reason: 'link_disabled' } });
  });

  it('too_many_websockets: retried with a growing wait, then the bot answers', async () => {
    const s = await startSocketBot();
    await s.started;
    s.link.refuseNext(3, 'too_many_websockets');
    s.link.drop();
    await s.link.waitFor(() => s.link.connections.length === 5 && s.link.isOpen(), 10_000, 'the connection after three refusals');
    await s.answersACommand();
    const retries = s.logs.filter((l) => l.msg === 'Socket Mode connection failed: retrying');
    expect(retries.map((l) => l.reason)).toEqual(['too_many_websockets', 'too_many_websockets', 'too_many_websockets']);
    const waits = retries.map((l) => Number(l.retryInMs));
    expect(waits).toEqual([...waits].sort((a, b) => a - b));
    expect(waits[2]).toBeGreaterThan(waits[0] ?? 0);
    expect(logged(s, 'Socket Mode disconnected: reconnecting')[0]).toMatchObject({ reason: 'connection lost' });
  });
});

describe('Socket Mode: apps.connections.open failing', () => {
  it('the network down during a reconnect: the bot keeps trying (no retry limit), /healthz says so, and it answers once the network is back', async () => {
    const s = await startSocketBot();
    await s.started;
    const restore = s.api.refuse('apps.connections.open');
    s.link.drop();
    // Far more attempts than the chat client's 3 retries, which used to end the process.
    await s.api.waitFor((calls) => calls.filter((c) => c.method === 'apps.connections.open' && c.status === 0).length >= 8, 20_000);
    const during = await s.health();
    expect(during.status).toBe('degraded');
    expect(during.socketMode).toMatchObject({ state: 'reconnecting', lastDisconnect: { reason: 'connection lost' } });
    expect(during.socketMode?.failedAttempts).toBeGreaterThanOrEqual(8);
    restore();
    await s.link.waitFor(() => s.link.connections.length === 2 && s.link.isOpen(), 20_000, 'the connection after the outage');
    await s.answersACommand();
    expect((await s.health()).socketMode).toMatchObject({ state: 'connected', connections: 2, failedAttempts: 0 });
  });

  it('the WebSocket endpoint unreachable (apps.connections.open answers, the link refuses): retried until it is back', async () => {
    const s = await startSocketBot();
    await s.started;
    s.api.setSocketUrl(`ws://127.0.0.1:${await closedPort()}/link/`);
    s.link.drop();
    await s.api.waitFor((calls) => calls.filter((c) => c.method === 'apps.connections.open').length >= 5, 20_000);
    expect((await s.health()).socketMode).toMatchObject({ state: 'reconnecting' });
    s.api.setSocketUrl(s.link.url);
    await s.link.waitFor(() => s.link.connections.length === 2 && s.link.isOpen(), 20_000, 'the connection once the link is back');
    await s.answersACommand();
  });

  it('Slack unreachable at start-up: start-up waits and retries, then connects', async () => {
    let restore = () => {};
    const s = await startSocketBot((api) => (restore = api.refuse('apps.connections.open')));
    await s.api.waitFor((calls) => calls.filter((c) => c.method === 'apps.connections.open').length >= 3);
    expect((await s.health()).socketMode).toMatchObject({ state: 'connecting' });
    restore();
    await s.started;
    await s.answersACommand();
  });

  for (const code of ['invalid_auth', 'not_allowed_token_type']) {
    it(`${code} at start-up ends start-up with a message naming SLACK_APP_TOKEN, without retrying`, async () => {
      const s = await startSocketBot((api) => void api.failWith('apps.connections.open', code));
      const err = await s.started.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual([{ variable: 'SLACK_APP_TOKEN', message: expect.stringContaining(code) }]);
      expect(opened(s.api)).toHaveLength(1);
    });
  }

  it('invalid_auth for the bot token at start-up names SLACK_BOT_TOKEN', async () => {
    const s = await startSocketBot((api) => void api.failWith('auth.test', 'invalid_auth'));
    const err = await s.started.then(() => null, (e: unknown) => e);
    expect((err as ConfigError).problems).toEqual([{ variable: 'SLACK_BOT_TOKEN', message: expect.stringContaining('invalid_auth') }]);
    expect(opened(s.api)).toHaveLength(0);
  });

  it('a token revoked while running (invalid_auth on reconnect) gives the connection up, naming SLACK_APP_TOKEN', async () => {
    const s = await startSocketBot();
    await s.started;
    s.api.failWith('apps.connections.open', 'invalid_auth');
    s.link.drop();
    const err = await s.bot.slack.failed;
    expect(err.problems[0]?.variable).toBe('SLACK_APP_TOKEN');
    expect((await s.health()).socketMode).toMatchObject({ state: 'failed' });
  });

  it('a stop during a start-up that cannot connect ends it at once', async () => {
    const s = await startSocketBot((api) => void api.refuse('apps.connections.open'));
    await s.api.waitFor((calls) => calls.some((c) => c.method === 'apps.connections.open'));
    await s.stop();
    await s.started;
  });
});
