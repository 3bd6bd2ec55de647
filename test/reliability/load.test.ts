/**
 * Load: 200 signed `/dbpool status` commands in one burst against a real PostgreSQL. Every one is
 * acked and gets its report; dbpool holds exactly one connection to the server throughout; and its
 * heap is no bigger after a second burst than after the first (warm-up) one, with generous slack.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { waitUntil } from '../helpers/reliability-bot.js';
import { messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendSlashCommand } from '../helpers/slack-requests.js';

const BURST = 200;
const MB = 1024 * 1024;

describe('a burst of 200 slash commands', () => {
  let server: TestPostgres;
  let bot: TestBot;
  let sampler: pg.Client;

  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 40 });
    bot = await startTestBot({ DATABASE_URL: server.url(), DBPOOL_STATEMENT_TIMEOUT_MS: '5000' });
    await waitUntil(() => bot.services.postgres?.isConnected() ?? false, 15_000, 'the monitoring connection');
    sampler = await server.admin();
  });
  afterAll(async () => {
    await sampler?.end().catch(() => undefined);
    await bot?.stop();
    await server?.stop();
  });

  const dbpoolConnections = async () =>
    Number((await sampler.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dbpool'`)).rows[0]?.n);

  /** Sends the burst while sampling pg_stat_activity; returns the acks' statuses and the samples. */
  async function burst(tag: string): Promise<{ statuses: number[]; samples: number[] }> {
    bot.api.calls.length = 0;
    let done = false;
    const samples: number[] = [];
    const sampling = (async () => {
      // Bounded: stops when the burst is over, or after 2,000 samples at the latest.
      for (let i = 0; i < 2_000 && !done; i++) {
        samples.push(await dbpoolConnections());
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      const acks = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', user_id: `U0LOAD${i}`, response_url: bot.api.responseUrl(`${tag}${i}`) }),
        ),
      );
      await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length >= BURST, 45_000);
      return { statuses: acks.map((a) => a.status), samples };
    } finally {
      done = true;
      await sampling;
    }
  }

  /** Every command acked, one "checking" message each, each replaced by its own report with the real numbers. */
  function expectAllReported(statuses: number[]): void {
    expect(statuses).toEqual(Array(BURST).fill(200));
    expect(bot.api.callsOf('chat.postMessage')).toHaveLength(BURST);
    const updates = bot.api.callsOf('chat.update');
    expect(updates).toHaveLength(BURST);
    expect(new Set(updates.map((u) => String(u.body.ts))).size).toBe(BURST);
    for (const u of updates) expect(messageText(u.body)).toContain('max_connections 40');
    expect(bot.api.callsOf('response_url')).toEqual([]); // no "failed" ephemerals
  }

  it('all acked, all reported, one dbpool connection throughout, heap flat across a second burst', async () => {
    const warm = await burst('w');
    expectAllReported(warm.statuses);
    expect(warm.samples.length).toBeGreaterThan(0);
    expect(new Set(warm.samples)).toEqual(new Set([1]));
    bot.api.calls.length = 0;
    const heapAfterWarmUp = process.memoryUsage().heapUsed;

    const second = await burst('s');
    expectAllReported(second.statuses);
    expect(second.samples.length).toBeGreaterThan(0);
    expect(new Set(second.samples)).toEqual(new Set([1]));
    bot.api.calls.length = 0;
    const heapAfterSecond = process.memoryUsage().heapUsed;

    // No timing, no exact figure: heap growth from one burst to the next, with generous slack.
    expect((heapAfterSecond - heapAfterWarmUp) / MB).toBeLessThan(50);
    expect(await dbpoolConnections()).toBe(1);
  });
});
