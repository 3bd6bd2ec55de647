/**
 * PostgreSQL going away and coming back under a running bot, and PostgreSQL full: the slash command
 * is always acked, the report says what it can, and the monitoring connection recovers by itself.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { askForReport, waitUntil } from '../helpers/reliability-bot.js';
import { messageText } from '../helpers/slack-block-limits.js';
import { startTestBot, type TestBot } from '../helpers/slack-bot.js';

describe('PostgreSQL stopped and started again while the bot runs', () => {
  let server: TestPostgres | undefined;
  let bot: TestBot;
  let port: number;

  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 40 });
    port = server.port;
    bot = await startTestBot({ DATABASE_URL: server.url() });
    await waitUntil(() => bot.services.postgres?.isConnected() ?? false, 15_000, 'the monitoring connection');
  });
  afterAll(async () => {
    await bot?.stop();
    await server?.stop();
  });

  it('reports real numbers, then UNKNOWN/unreachable while down, then real numbers again without a restart of the bot', async () => {
    const first = await askForReport(bot, 'status', 'up1');
    expect(first.ack.status).toBe(200);
    const upText = messageText(first.update);
    expect(upText).toContain('max_connections 40');
    expect(upText).not.toMatch(/UNKNOWN/);
    const pidBefore = bot.services.postgres?.pid();
    expect(pidBefore).toEqual(expect.any(Number));

    await server!.stop();
    server = undefined;
    const down = await askForReport(bot, 'status', 'down1');
    expect(down.ack.status).toBe(200);
    const downText = messageText(down.update);
    expect(downText).toMatch(/UNKNOWN/);
    expect(downText).toMatch(/not reachable/);
    expect(downText).toContain(`127.0.0.1:${port}`);
    expect(downText).not.toContain('max_connections 40');
    expect(bot.services.postgres?.isConnected()).toBe(false);
    // /metrics drops the figures it could not read instead of repeating the last ones.
    const metrics = await (await fetch(`${bot.baseUrl}/metrics`)).text();
    expect(metrics).toContain('dbpool_postgres_up 0');
    expect(metrics).not.toMatch(/^dbpool_postgres_(client|max|usable)_connections\{/m);

    // A server on the same port, same credentials: the bot finds it by itself (nobody asks it to).
    server = await startPostgres({ maxConnections: 40, port });
    await waitUntil(() => bot.services.postgres?.isConnected() ?? false, 40_000, 'the monitoring connection to come back by itself');
    expect(bot.services.postgres?.pid()).not.toBe(pidBefore);
    const again = await askForReport(bot, 'status', 'up2');
    expect(again.ack.status).toBe(200);
    const againText = messageText(again.update);
    expect(againText).toContain('max_connections 40');
    expect(againText).not.toMatch(/UNKNOWN/);
  });

  it('a restart of the server (same data, same port): the monitoring connection is re-opened and reports go on', async () => {
    const pidBefore = bot.services.postgres?.pid();
    await server!.restart!();
    await waitUntil(
      () => (bot.services.postgres?.isConnected() ?? false) && bot.services.postgres?.pid() !== pidBefore,
      40_000,
      'the monitoring connection after the restart',
    );
    const after = await askForReport(bot, 'status', 'restart1');
    expect(after.ack.status).toBe(200);
    expect(messageText(after.update)).toContain('max_connections 40');
  });
});

describe('PostgreSQL full', () => {
  const MAX = 12;
  const SUPERUSER_RESERVED = 3;
  let server: TestPostgres;
  let bot: TestBot;
  const app: pg.Client[] = [];
  let refusal: unknown;

  beforeAll(async () => {
    server = await startPostgres({ maxConnections: MAX, superuserReserved: SUPERUSER_RESERVED });
    const admin = await server.admin();
    try {
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
      await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool-pw' IN ROLE pg_monitor`);
    } finally {
      await admin.end();
    }
    // The bot connects before the incident, as in production, with a non-superuser role.
    bot = await startTestBot({ DATABASE_URL: server.url(server.database, 'dbpool', 'dbpool-pw'), APP_DB_USER: 'app' });
    await waitUntil(() => bot.services.postgres?.isConnected() ?? false, 15_000, 'the monitoring connection');
    // The app takes every slot an ordinary role may have (bounded: the server refuses well before 100).
    for (let i = 0; i < 100 && refusal === undefined; i++) {
      const c = new pg.Client({ connectionString: server.url(server.database, 'app', 'app-pw'), application_name: 'php_swoole_app' });
      c.on('error', () => undefined);
      try {
        await c.connect();
        app.push(c);
      } catch (err) {
        refusal = err;
      }
    }
  });
  afterAll(async () => {
    await Promise.all(app.map((c) => c.end().catch(() => undefined)));
    await bot?.stop();
    await server?.stop();
  });

  it('the server refuses the app, and the bot still answers through its own connection: CRITICAL with the real numbers', async () => {
    expect(String(refusal)).toMatch(/remaining connection slots are reserved|too many clients already/);
    expect(app.length).toBe(MAX - SUPERUSER_RESERVED - 1); // the 1 is dbpool's monitoring connection
    const { ack, update } = await askForReport(bot, 'status', 'full1');
    expect(ack.status).toBe(200);
    const text = messageText(update);
    expect(text).toMatch(/CRITICAL/);
    expect(text).toContain(`max_connections ${MAX}`);
    expect(text).not.toMatch(/UNKNOWN/);
    expect(bot.services.postgres?.isConnected()).toBe(true);
  });
});
