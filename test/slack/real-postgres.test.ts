import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { assertBlockKitLimits, messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';

/** The whole path on a real PostgreSQL: slash command -> command table -> probe -> report -> Block Kit. */
describe('Slack with a real PostgreSQL', () => {
  let pg: TestPostgres;
  let bot: TestBot;
  beforeAll(async () => {
    pg = await startPostgres({ maxConnections: 40 });
    bot = await startTestBot({ DATABASE_URL: pg.url() });
  });
  afterAll(async () => {
    await bot?.stop();
    await pg?.stop();
  });

  it('/dbpool status --lang fa: a Persian report with the real numbers, then Switch language updates it in English', async () => {
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status --lang fa', response_url: bot.api.responseUrl('p1') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'), 20_000);
    const update = bot.api.callsOf('chat.update')[0]?.body ?? {};
    const text = messageText(update).replace(/\u200F/g, ''); // right-to-left marks: test/render/every-view-both-languages.test.ts
    expect(text).not.toContain('نامشخص'); // not UNKNOWN: the database was read
    expect(text).toContain('`max_connections` = ۴۰');
    expect(text).toContain('`madras`');
    assertBlockKitLimits(update.blocks);

    const blocks = update.blocks as { type: string; elements?: { action_id: string; value: string }[] }[];
    const switchButton = blocks.find((b) => b.type === 'actions')?.elements?.find((e) => e.action_id === 'dbpool_switch_language');
    expect(switchButton).toBeDefined();
    bot.api.calls.length = 0;
    await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, {
      actionId: 'dbpool_switch_language',
      value: switchButton?.value ?? '',
      message_ts: String(update.ts),
      response_url: bot.api.responseUrl('p2'),
    });
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length >= 2, 20_000);
    const english = bot.api.callsOf('chat.update').at(-1)?.body ?? {};
    expect(english.ts).toBe(update.ts);
    expect(messageText(english)).toContain('max_connections 40');
    expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
  });
});
