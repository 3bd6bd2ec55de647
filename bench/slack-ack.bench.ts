/**
 * Ack latency of 50 concurrent, signed `/dbpool status` requests through Bolt's HTTP receiver, against
 * a real (embedded) PostgreSQL with the real probe, and how many PostgreSQL connections the bot held
 * meanwhile. Goals: acks far below Slack's 3 s; one connection (the monitoring one), whatever the load.
 * Alone: npx tsx bench/slack-ack.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { SIGNING_SECRET, startTestBot } from '../test/helpers/slack-bot.js';
import { sendSlashCommand } from '../test/helpers/slack-requests.js';

const REQUESTS = 50;

export async function benchSlackAck(): Promise<{ name: string; value: string }[]> {
  const server = await startPostgres();
  const bot = await startTestBot({ DATABASE_URL: server.url(), DBPOOL_CONNECT_TIMEOUT_MS: '5000', DBPOOL_STATEMENT_TIMEOUT_MS: '5000' });
  const admin = await server.admin();
  try {
    // The monitoring connection opens in the background at start-up.
    for (let i = 0; i < 100 && !bot.services.postgres?.isConnected(); i++) await new Promise((r) => setTimeout(r, 50));

    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'dbpool'");
        peak = Math.max(peak, Number(rows[0]?.n ?? 0));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', response_url: bot.api.responseUrl(`b${i}`), user_id: `U0USER${i}` }),
      ),
    );
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length >= REQUESTS, 60_000);
    const allPostedMs = performance.now() - started;
    sampling = false;
    await sampler;

    const failed = results.filter((r) => r.status !== 200).length;
    const acks = results.map((r) => r.ms).sort((a, b) => a - b);
    const at = (q: number) => acks[Math.min(acks.length - 1, Math.ceil(q * acks.length) - 1)] ?? NaN;
    const reports = bot.api.callsOf('chat.update').filter((c) => JSON.stringify(c.body.blocks ?? []).includes('dbpool_refresh')).length;
    return [
      { name: `ack latency, median (${REQUESTS} concurrent /dbpool status)`, value: `${at(0.5).toFixed(1)} ms` },
      { name: 'ack latency, p99 (goal: far below 3,000 ms)', value: `${at(0.99).toFixed(1)} ms` },
      { name: 'requests not acked with 200', value: String(failed) },
      { name: `all ${REQUESTS} reports posted (checking… then chat.update)`, value: `${allPostedMs.toFixed(0)} ms, ${reports} reports` },
      { name: "PostgreSQL connections held by the bot, peak (application_name 'dbpool'; goal: 1)", value: String(peak) },
    ];
  } finally {
    await admin.end();
    await bot.stop();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchSlackAck()) console.log(`${f.name}: ${f.value}`);
  process.exit(0);
}
