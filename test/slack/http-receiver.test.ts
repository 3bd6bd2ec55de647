import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeButtonValue } from '../../src/slack/button-value.js';
import { ACTION_IDS } from '../../src/slack/slack-constants.js';
import { assertBlockKitLimits, messageText } from '../helpers/slack-block-limits.js';
import { hangingServer, SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';

const PERSIAN_DIGIT = /[۰-۹]/;

describe('Slack over the HTTP receiver, database down', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ DBPOOL_ALLOWED_CHANNELS: 'C0INCIDENT', DBPOOL_ALLOWED_USERS: 'U0ONCALL,U0LEAD' });
  });
  afterAll(async () => bot?.stop());
  afterEach(() => {
    bot.api.calls.length = 0;
  });

  const slash = (text: string, extra: { user_id?: string; channel_id?: string } = {}, id = 'r1') =>
    sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text, response_url: bot.api.responseUrl(id), ...extra });
  /** A positive signal, not a wait: every handler the bot started has finished (the gate answers before any). */
  const settle = () => bot.slack.drain(10_000);
  /** Slack's own limit for an ack: a liveness bound; the ack figures are in the bench. */
  const SLACK_ACK_LIMIT_MS = 3000;

  it('rejects a wrong signature with 401 and runs nothing', async () => {
    const res = await sendSlashCommand(
      bot.eventsUrl,
      SIGNING_SECRET,
      { text: 'status', response_url: bot.api.responseUrl() },
      { secret: 'not-the-secret' },
    );
    // Refused by the receiver before any handler: the 401 is the whole answer.
    expect(res.status).toBe(401);
    await settle();
    expect(bot.api.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('rejects a request signed more than 5 minutes ago', async () => {
    const res = await sendSlashCommand(
      bot.eventsUrl,
      SIGNING_SECRET,
      { text: 'status', response_url: bot.api.responseUrl() },
      { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    // Refused by the receiver before any handler: the 401 is the whole answer.
    expect(res.status).toBe(401);
    await settle();
    expect(bot.api.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
  });

  it('acks /dbpool status at once, posts "checking…" in the channel, then replaces it with the report', async () => {
    const res = await slash('status');
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(SLACK_ACK_LIMIT_MS);
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'));
    const [posted] = bot.api.callsOf('chat.postMessage');
    expect(posted?.body.channel).toBe('C0INCIDENT');
    expect(posted?.body.text).toContain('Checking');
    const [update] = bot.api.callsOf('chat.update');
    expect(update?.body.channel).toBe('C0INCIDENT');
    expect(update?.body.ts).toMatch(/^\d+\.\d+$/);
    const text = messageText(update?.body ?? {});
    expect(text).toContain('UNKNOWN');
    expect(text).toContain('PostgreSQL');
    expect(text).toContain('dbpool_refresh');
    assertBlockKitLimits(update?.body.blocks);
    // In the channel, never through response_url.
    expect(bot.api.callsOf('response_url')).toEqual([]);
    expect(bot.api.callsOf('chat.postEphemeral')).toEqual([]);
  });

  it('refuses a user who is not allowed, ephemerally, and runs nothing', async () => {
    const res = await slash('status', { user_id: 'U0STRANGER' });
    expect(res.status).toBe(200);
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url'));
    await settle();
    const [reply] = bot.api.callsOf('response_url');
    expect(reply?.body.response_type).toBe('ephemeral');
    expect(messageText(reply?.body ?? {})).toContain('not allowed');
    expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
    expect(bot.api.callsOf('chat.update')).toEqual([]);
  });

  it('refuses an allowed user in a channel that is not allowed', async () => {
    await slash('status', { channel_id: 'C0RANDOM' });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url'));
    await settle();
    expect(bot.api.callsOf('response_url')[0]?.body.response_type).toBe('ephemeral');
    expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
  });

  it('answers a bad argument with the help text, ephemerally', async () => {
    await slash('idle abc');
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url'));
    await settle();
    const reply = bot.api.callsOf('response_url')[0]?.body ?? {};
    expect(reply.response_type).toBe('ephemeral');
    const text = messageText(reply);
    expect(text).toContain('idle`: the argument must be a number from');
    expect(text).toContain('/dbpool status');
    assertBlockKitLimits(reply.blocks);
    expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
  });

  it('a button click re-runs the command and updates the same message in place', async () => {
    const res = await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, {
      actionId: ACTION_IDS.showInstances,
      value: encodeButtonValue({ command: 'instances', lang: 'en' }),
      message_ts: '1700000000.000777',
      response_url: bot.api.responseUrl('b1'),
    });
    expect(res.status).toBe(200);
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length >= 2);
    const updates = bot.api.callsOf('chat.update');
    for (const u of updates) {
      expect(u.body.ts).toBe('1700000000.000777');
      expect(u.body.channel).toBe('C0INCIDENT');
      assertBlockKitLimits(u.body.blocks);
    }
    expect(messageText(updates.at(-1)?.body ?? {})).toContain('App instances');
    expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
  });

  it('a tampered or unknown button gets a clear ephemeral message and runs nothing', async () => {
    const values: [string, string][] = [
      [ACTION_IDS.refresh, encodeButtonValue({ command: 'terminate-idle --yes', lang: 'en' })],
      [ACTION_IDS.refresh, '{"c":"status","l":"en","x":1}'],
      [ACTION_IDS.showIdle, encodeButtonValue({ command: 'status', lang: 'en' })],
      [ACTION_IDS.refresh, 'not json'],
      ['dbpool_drop_database', encodeButtonValue({ command: 'status', lang: 'en' })],
      // Names every object has: the handler table must not find Object.prototype's members.
      ['toString', ' '],
      ['constructor', ' '],
      ['__proto__', ' '],
    ];
    for (const [i, [actionId, value]] of values.entries()) {
      const res = await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, {
        actionId,
        value,
        message_ts: '1700000000.000888',
        response_url: bot.api.responseUrl(`t${i}`),
      });
      expect(res.status).toBe(200);
    }
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'response_url').length >= values.length);
    await settle();
    for (const reply of bot.api.callsOf('response_url')) {
      expect(reply.body.response_type).toBe('ephemeral');
      expect(reply.body.replace_original).toBe(false);
      expect(messageText(reply.body)).toContain('tampered');
    }
    expect(bot.api.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('a button clicked by someone not allowed is refused and the message is left alone', async () => {
    await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, {
      actionId: ACTION_IDS.refresh,
      value: encodeButtonValue({ command: 'status', lang: 'en' }),
      user_id: 'U0STRANGER',
      message_ts: '1700000000.000999',
      response_url: bot.api.responseUrl('s1'),
    });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url'));
    await settle();
    expect(messageText(bot.api.callsOf('response_url')[0]?.body ?? {})).toContain('not allowed');
    expect(bot.api.calls.filter((c) => c.method.startsWith('chat.'))).toEqual([]);
  });

  it('retries a Web API call answered 429 after its Retry-After', async () => {
    bot.api.rateLimitOnce('chat.postMessage', 1);
    await slash('math --workers 4 --pool 30');
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'), 20_000);
    const posts = bot.api.callsOf('chat.postMessage');
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(messageText(bot.api.callsOf('chat.update')[0]?.body ?? {})).toContain('120');
  });

  it('/healthz says PostgreSQL is not reachable, as JSON', async () => {
    const res = await fetch(`${bot.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'degraded',
      postgres: { configured: true, reachable: false },
      instanceSources: [],
      // Calls of earlier tests may still be on their way: how many is no matter here.
      slack: { ok: true, pending: expect.any(Number) },
      socketMode: null,
      state: { ok: true },
    });
  });
});

describe('Slack language per user', () => {
  it('`/dbpool lang fa` is remembered across a restart; reports come in Persian digits', async () => {
    const bot = await startTestBot();
    try {
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'lang fa', response_url: bot.api.responseUrl('l1') });
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url'));
      const reply = bot.api.callsOf('response_url')[0]?.body ?? {};
      expect(reply.response_type).toBe('ephemeral');
      expect(messageText(reply)).toContain('فارسی');

      await bot.restart();
      bot.api.calls.length = 0;
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'math --workers 4 --pool 30 --instances 2 --max-connections 200', response_url: bot.api.responseUrl('l2') });
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'));
      const update = bot.api.callsOf('chat.update')[0]?.body ?? {};
      const text = messageText(update);
      expect(text).toContain('۲۴۰');
      expect(text).toMatch(PERSIAN_DIGIT);
      expect(text).toContain('`DB_POOL_SIZE`');
      expect(text).not.toContain('WARNING');
      assertBlockKitLimits(update.blocks);

      // Another user still gets the default language, and --lang overrides for one reply.
      bot.api.calls.length = 0;
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'math --workers 4 --pool 30 --lang en', user_id: 'U0OTHER', response_url: bot.api.responseUrl('l3') });
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'));
      expect(messageText(bot.api.callsOf('chat.update')[0]?.body ?? {})).not.toMatch(/[۰-۹]{2}/);
    } finally {
      await bot.stop();
    }
  });
});

describe('Slack in a conversation the bot is not in', () => {
  it('says how to invite it, ephemerally', async () => {
    const bot = await startTestBot();
    try {
      bot.api.failWith('chat.postMessage', 'not_in_channel', 'C0PRIVATE');
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', channel_id: 'C0PRIVATE', response_url: bot.api.responseUrl('n1') });
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url'));
      const reply = bot.api.callsOf('response_url')[0]?.body ?? {};
      expect(reply.response_type).toBe('ephemeral');
      expect(messageText(reply)).toContain('/invite @dbpool');
      expect(bot.api.callsOf('chat.update')).toEqual([]);
    } finally {
      await bot.stop();
    }
  });
});

describe('ack whatever PostgreSQL does', () => {
  it('acks 10 commands well within 3 s while PostgreSQL accepts connections and never answers', async () => {
    const pg = await hangingServer();
    const bot = await startTestBot({ DATABASE_URL: `postgresql://dbpool:secret@127.0.0.1:${pg.port}/madras`, DBPOOL_CONNECT_TIMEOUT_MS: '2000' });
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', response_url: bot.api.responseUrl(`h${i}`) }),
        ),
      );
      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.ms).toBeLessThan(3000); // Slack's limit: a liveness bound, the figures are in the bench
      }
      await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length >= 10, 20_000);
      for (const u of bot.api.callsOf('chat.update')) assertBlockKitLimits(u.body.blocks);
    } finally {
      await bot.stop();
      await pg.close();
    }
  });
});
