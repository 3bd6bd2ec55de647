/**
 * Requests refused before anything runs, through Bolt's real HTTP receiver: stamped more than five
 * minutes ahead (a replay kept for later), a signed block_actions payload without a user, a user or
 * channel not allowed, a tampered button. Each is answered cleanly, and every refusal of a signed
 * request is in the audit trail, not only in the log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { blockActionPayload, postSigned, sendBlockAction, sendSlashCommand, slashCommandBody } from '../helpers/slack-requests.js';

describe('requests refused at the gate', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ DBPOOL_ALLOWED_CHANNELS: 'C0INCIDENT', DBPOOL_ALLOWED_USERS: 'U0ONCALL' });
  });
  afterAll(async () => bot?.stop());

  const refusals = () => bot.services.audit!.latest(50).filter((e) => e.event === 'refused');

  it('a request stamped ten years ahead is refused (401); one a minute ahead is served', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = slashCommandBody({ text: 'help', response_url: bot.api.responseUrl('f') });
    const future = await postSigned(bot.eventsUrl, SIGNING_SECRET, body, 'application/x-www-form-urlencoded', { timestamp: now + 10 * 365 * 86_400 });
    expect(future.status).toBe(401);
    const sixMinutes = await postSigned(bot.eventsUrl, SIGNING_SECRET, body, 'application/x-www-form-urlencoded', { timestamp: now + 6 * 60 });
    expect(sixMinutes.status).toBe(401);
    const aMinute = await postSigned(bot.eventsUrl, SIGNING_SECRET, body, 'application/x-www-form-urlencoded', { timestamp: now + 60 });
    expect(aMinute.status).toBe(200);
  });

  it('a signed block_actions payload without a user: answered 200, nothing runs, recorded as a refusal', async () => {
    const payload = blockActionPayload({ actionId: 'dbpool_refresh', value: '{"c":"status","l":"en"}', message_ts: '1.1', response_url: bot.api.responseUrl('n') });
    delete payload.user;
    const before = bot.api.calls.length;
    const res = await postSigned(bot.eventsUrl, SIGNING_SECRET, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(bot.api.calls.slice(before).filter((c) => c.responseId === 'n' || c.method.startsWith('chat.'))).toEqual([]);
    expect(refusals()[0]).toMatchObject({ actor: null, detail: { reason: 'no_user', what: 'dbpool_refresh' } });
  });

  it('an outsider, a wrong channel and a tampered button: each answered ephemerally and recorded in the audit', async () => {
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', user_id: 'U0STRANGER', response_url: bot.api.responseUrl('o') });
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', channel_id: 'C0RANDOM', response_url: bot.api.responseUrl('c') });
    await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, { actionId: 'dbpool_refresh', value: 'not a value dbpool wrote', message_ts: '1.2', response_url: bot.api.responseUrl('t') });
    await bot.api.waitFor((calls) => ['o', 'c', 't'].every((id) => calls.some((c) => c.responseId === id)), 20_000);
    for (const id of ['o', 'c', 't']) expect(bot.api.callsOf('response_url').find((c) => c.responseId === id)?.body.response_type).toBe('ephemeral');
    expect(refusals().slice(0, 3).map((e) => [e.actor, e.detail.reason, e.detail.channel ?? e.detail.action])).toEqual([
      ['slack:U0ONCALL', 'bad_action', 'dbpool_refresh'],
      ['slack:U0ONCALL', 'not_allowed', 'C0RANDOM'],
      ['slack:U0STRANGER', 'not_allowed', 'C0INCIDENT'],
    ]);
  });
});
