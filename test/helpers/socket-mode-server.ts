/**
 * A local WebSocket server standing in for Slack's Socket Mode endpoint, speaking the documented
 * protocol (docs.slack.dev/apis/events-api/using-socket-mode): `hello` on connect, envelopes with an
 * `envelope_id` the app acks, and `disconnect` messages with a reason. Point the Web API stand-in's
 * apps.connections.open at `url` (setSocketUrl). It records every connection and every message
 * the app sends.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { loadConfig, type Config } from '../../src/config.js';
import { closedPort } from './slack-bot.js';

export interface SocketModeServer {
  url: string;
  /** Connections the app opened (refused ones included), in order. */
  connections: { openedAt: number; closedAt: number | null; refusedWith?: string }[];
  /** Acks (and anything else) the app sent, parsed. */
  received: Record<string, unknown>[];
  /** The next `count` connections get `disconnect` with `reason` instead of `hello`, then are closed. */
  refuseNext(count: number, reason: string): void;
  /** Sends `disconnect` with `reason` on the open connection (Slack closes it if the app does not). */
  disconnect(reason: string): void;
  /** Ends the open connection without a word: a network drop. */
  drop(): void;
  /** Sends an envelope on the open connection; resolves with its envelope_id. */
  send(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): string;
  /** Whether a connection is open now and said hello. */
  isOpen(): boolean;
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startSocketModeServer(): Promise<SocketModeServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const connections: SocketModeServer['connections'] = [];
  const received: Record<string, unknown>[] = [];
  const refusals: string[] = [];
  let current: WebSocket | undefined;
  let seq = 0;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  wss.on('connection', (ws) => {
    const record: SocketModeServer['connections'][number] = { openedAt: performance.now(), closedAt: null };
    connections.push(record);
    ws.on('close', () => {
      record.closedAt = performance.now();
      if (current === ws) current = undefined;
      notify();
    });
    ws.on('message', (data) => {
      received.push(JSON.parse(String(data)) as Record<string, unknown>);
      notify();
    });
    const refusal = refusals.shift();
    if (refusal) {
      record.refusedWith = refusal;
      ws.send(JSON.stringify({ type: 'disconnect', reason: refusal, debug_info: { host: 'local' } }));
      setTimeout(() => ws.terminate(), 50);
      notify();
      return;
    }
    current = ws;
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'local', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0DBPOOL' } }));
    notify();
  });

  return {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/link/?ticket=local`,
    connections,
    received,
    refuseNext: (count, reason) => refusals.push(...Array<string>(count).fill(reason)),
    disconnect(reason) {
      const ws = current;
      ws?.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'local' } }));
      // Slack closes the old connection itself shortly after; an app that already did wins.
      setTimeout(() => ws?.terminate(), 1000).unref();
    },
    drop: () => current?.terminate(),
    send(type, payload) {
      const envelopeId = `env-${++seq}`;
      current?.send(JSON.stringify({ envelope_id: envelopeId, type, accepts_response_payload: type === 'slash_commands', payload }));
      return envelopeId;
    },
    isOpen: () => current !== undefined,
    waitFor(predicate, timeoutMs = 10_000, what = 'the Socket Mode stand-in') {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate()) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${what}; connections: ${JSON.stringify(connections)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

/** A `/dbpool <text>` slash command's payload, as Slack puts it in a slash_commands envelope. */
export function slashCommandPayload(text: string, responseUrl: string): Record<string, unknown> {
  return {
    token: 'deprecated',
    team_id: 'T0TEST',
    team_domain: 'example',
    channel_id: 'C0INCIDENT',
    channel_name: 'incident',
    user_id: 'U0ONCALL',
    user_name: 'oncall',
    command: '/dbpool',
    text,
    api_app_id: 'A0DBPOOL',
    response_url: responseUrl,
    trigger_id: '1.2.3',
  };
}

/** dbpool in Socket Mode against the Web API stand-in: /healthz on `healthPort`, a database that refuses. */
export async function socketModeConfig(apiUrl: string, healthPort: number, stateDir: string): Promise<Config> {
  return loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_APP_TOKEN: 'xapp-1-test-token',
    SLACK_API_URL: apiUrl,
    PORT: String(healthPort),
    DATABASE_URL: `postgresql://dbpool:secret@127.0.0.1:${await closedPort()}/madras`,
    DBPOOL_CONNECT_TIMEOUT_MS: '1000',
    DBPOOL_INSTANCE_SOURCE: 'none',
    DBPOOL_STATE_DIR: stateDir,
  });
}
