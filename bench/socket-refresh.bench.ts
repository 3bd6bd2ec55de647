/**
 * The time without a Socket Mode connection on each `disconnect` (refresh_requested), as a local
 * stand-in of Slack's endpoint sees it: from the old connection's close to the new one's hello.
 * Before: @slack/socket-mode's own reconnection (autoReconnectEnabled, as dbpool used it), which waits
 * clientPingTimeout (5 s) before every reconnect. After: dbpool's (superviseSocketMode), which
 * reconnects at once when Slack asks. Goal: well under a second. Both with the SDK the project has.
 * Alone: npx tsx bench/socket-refresh.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { SocketModeReceiver } from '@slack/bolt';
import { silentLogger } from '../src/logger.js';
import { boltLogger } from '../src/slack/bolt-logger.js';
import { superviseSocketMode } from '../src/slack/socket-mode-connection.js';
import { startSlackApiServer } from '../test/helpers/slack-api-server.js';
import { startSocketModeServer } from '../test/helpers/socket-mode-server.js';
import { median } from './measure.js';

const REFRESHES = 3;

async function gaps(own: boolean): Promise<number[]> {
  const api = await startSlackApiServer();
  const link = await startSocketModeServer();
  api.setSocketUrl(link.url);
  const receiver = new SocketModeReceiver({
    appToken: 'xapp-1-bench',
    logger: boltLogger(silentLogger()),
    autoReconnectEnabled: !own,
    installerOptions: { clientOptions: { slackApiUrl: api.apiUrl, retryConfig: own ? { retries: 0 } : { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 10_000 } } },
  });
  const connection = own ? superviseSocketMode(receiver.client, silentLogger()) : null;
  try {
    await (connection ? connection.start(() => receiver.start()) : receiver.start());
    const out: number[] = [];
    for (let i = 1; i <= REFRESHES; i++) {
      // The client has taken the new hello in (a stop before it would reject a promise the SDK holds nowhere).
      const connected = new Promise((resolve) => receiver.client.once('connected', resolve));
      link.disconnect('refresh_requested');
      await link.waitFor(() => link.connections.length === i + 1 && link.isOpen(), 30_000, 'the new connection');
      await connected;
      const old = link.connections[i - 1];
      const fresh = link.connections[i];
      if (old?.closedAt != null && fresh) out.push(fresh.openedAt - old.closedAt);
    }
    return out;
  } finally {
    await (connection ? connection.stop() : receiver.client.disconnect());
    await link.close();
    await api.close();
  }
}

export async function benchSocketRefresh(): Promise<{ name: string; value: string }[]> {
  const before = await gaps(false);
  const after = await gaps(true);
  const ms = (v: number[]) => `median ${median(v).toFixed(1)} ms (max ${Math.max(...v).toFixed(1)} ms, ${v.length} refreshes)`;
  return [
    { name: 'no connection after refresh_requested: the SDK reconnecting (before)', value: ms(before) },
    { name: 'no connection after refresh_requested: dbpool reconnecting (after)', value: ms(after) },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchSocketRefresh()) console.log(`${f.name}: ${f.value}`);
  process.exit(0);
}
