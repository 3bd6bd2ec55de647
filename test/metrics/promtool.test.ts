/**
 * The bot's real /metrics through Prometheus's own linter, `promtool check metrics` (Debian's
 * `prometheus` package): before the first diagnosis, with PostgreSQL up, and with it down. Skipped
 * with the reason when promtool is missing; failed then when DBPOOL_REQUIRE_PROMTOOL=1 (.ci/run).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { askForReport } from '../helpers/reliability-bot.js';
import { closedPort, startTestBot, type TestBot } from '../helpers/slack-bot.js';

const promtool = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'promtool')).find((p) => existsSync(p)) ?? null;
const skip = promtool ? null : 'promtool not found (Debian: apt-get install prometheus)';
if (skip && process.env.DBPOOL_REQUIRE_PROMTOOL === '1') throw new Error(`DBPOOL_REQUIRE_PROMTOOL=1 but ${skip}`);
if (skip) console.warn(`[promtool tests skipped] ${skip}`);

/** promtool's verdict on a scrape: its exit code and every line it printed. */
function check(text: string): Promise<{ code: number; problems: string }> {
  return new Promise((resolve) => {
    const child = execFile(promtool!, ['check', 'metrics'], (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, problems: `${stdout}${stderr}`.trim() });
    });
    child.stdin?.end(text);
  });
}

describe.skipIf(skip !== null)('promtool check metrics on the bot\'s /metrics', () => {
  let server: TestPostgres | undefined;
  let bot: TestBot;
  const scrape = async () => (await fetch(`${bot.baseUrl}/metrics`)).text();

  beforeAll(async () => {
    server = await startPostgres();
    // A PgBouncer that does not answer: its series are there too (up 0).
    bot = await startTestBot({ DATABASE_URL: server.url(), DBPOOL_PGBOUNCER_URL: `postgresql://dbpool@127.0.0.1:${await closedPort()}/pgbouncer` });
  }, 120_000);
  afterAll(async () => {
    await bot?.stop();
    await server?.stop();
  });

  it('passes before the first diagnosis, with the counters at 0 and the verdict UNKNOWN', async () => {
    const text = await scrape();
    expect(await check(text)).toEqual({ code: 0, problems: '' });
    expect(text).toContain('dbpool_actions_total{action="terminate_idle",outcome="ok"} 0');
    expect(text).toContain('dbpool_verdict 3');
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
  });

  it('passes with PostgreSQL up, then down (its figures gone, not stale)', async () => {
    await askForReport(bot, 'status', 'promtool-up');
    const up = await scrape();
    expect(await check(up)).toEqual({ code: 0, problems: '' });
    expect(up).toMatch(/^dbpool_postgres_client_connections\{target="[^"]+"\} \d+/m);
    expect(up).toMatch(/^dbpool_pgbouncer_up\{pgbouncer="[^"]+"\} 0/m);

    await server!.stop();
    server = undefined;
    await askForReport(bot, 'status', 'promtool-down');
    const down = await scrape();
    expect(await check(down)).toEqual({ code: 0, problems: '' });
    expect(down).toContain('dbpool_postgres_up 0');
    expect(down).not.toMatch(/^dbpool_postgres_(client|max|usable)_connections\{/m);
  }, 60_000);
});
