import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { silentLogger } from '../../src/logger.js';
import { composeBot, type Bot } from '../../src/main.js';
import { startSlackApiServer, type SlackApiServer } from '../helpers/slack-api-server.js';
import { assertBlockKitLimits, messageText } from '../helpers/slack-block-limits.js';
import { closedPort } from '../helpers/slack-bot.js';
import { slashCommandPayload, socketModeConfig } from '../helpers/socket-mode-server.js';

/** A local WebSocket server standing in for Slack's Socket Mode endpoint. */
describe('Socket Mode smoke test', () => {
  let api: SlackApiServer;
  let wss: WebSocketServer;
  let socket: WebSocket | undefined;
  const received: Record<string, unknown>[] = [];
  let bot: Bot;
  let stateDir: string;
  let healthPort: number;

  beforeAll(async () => {
    api = await startSlackApiServer();
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    api.setSocketUrl(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/link`);
    wss.on('connection', (ws) => {
      socket = ws;
      ws.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'local' }, connection_info: { app_id: 'A0DBPOOL' } }));
    });
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-socket-'));
    healthPort = await closedPort();
    const config = await socketModeConfig(api.apiUrl, healthPort, stateDir);
    bot = await composeBot(config, silentLogger(), { services: { instanceSources: [], stateFile: ':memory:' } });
    expect(bot.slack.mode).toBe('socket');
    await bot.slack.start();
  });

  afterAll(async () => {
    await bot?.stop();
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise<void>((r) => (wss ? wss.close(() => r()) : r()));
    await api?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('opens the connection through apps.connections.open with the app token', () => {
    const open = api.callsOf('apps.connections.open');
    expect(open).toHaveLength(1);
    expect(open[0]?.body.token).toBeUndefined(); // the token travels in the Authorization header, not the body
  });

  it('acks a slash_commands envelope with its envelope_id, then posts the report', async () => {
    const started = performance.now();
    socket?.send(
      JSON.stringify({
        envelope_id: 'env-0001',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: slashCommandPayload('math --workers 4 --pool 30 --instances 2', api.responseUrl('s1')),
      }),
    );
    await api.waitFor(() => received.some((m) => m.envelope_id === 'env-0001'), 3000);
    expect(performance.now() - started).toBeLessThan(3000);
    await api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'));
    const update = api.callsOf('chat.update')[0]?.body ?? {};
    expect(messageText(update)).toContain('240');
    assertBlockKitLimits(update.blocks);
  });

  it('answers /healthz on PORT in Socket Mode too', async () => {
    const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { postgres: unknown }).postgres).toEqual({ configured: true, reachable: false });
  });
});
