/**
 * Property-based: block_actions payloads dbpool did not write (random action_ids, values of the
 * wrong shape, near Slack's 2,000-character limit, well-formed plan ids of no plan, odd users and
 * channels), correctly signed and sent through the real Bolt receiver. Each is acked with 200 and
 * answered with an ephemeral message; nothing is posted or updated, no action runs, the bot lives.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/slack-constants.js';
import { messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';

/** True for a value dbpool itself could have written on a report button: those are excluded. */
function isGenuineButtonValue(value: string): boolean {
  try {
    const v = JSON.parse(value) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const keys = Object.keys(v).sort();
    const { c, l } = v as { c?: unknown; l?: unknown };
    return keys.join(',') === 'c,l' && typeof c === 'string' && (l === 'en' || l === 'fa');
  } catch {
    return false;
  }
}

const text = (maxLength: number) => fc.oneof(fc.string({ maxLength }), fc.string({ maxLength, unit: 'grapheme' }), fc.string({ maxLength, unit: 'binary' }));

const actionId = fc.oneof(fc.constantFrom(...Object.values(ACTION_IDS)), text(60), fc.string({ minLength: 200, maxLength: 255 }));

const value = fc
  .oneof(
    text(200),
    fc.string({ minLength: 1_990, maxLength: 2_000 }),
    fc.string({ minLength: 2_001, maxLength: 2_100 }),
    fc.json(),
    fc.record({ c: text(40), l: text(4) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.record({ c: fc.constantFrom('status', 'terminate-idle --yes', 'stop-extra', 'idle 0.01'), l: fc.constantFrom('en', 'fa'), x: fc.string() }).map((o) => JSON.stringify(o)),
    fc.constantFrom('{"c":"terminate-idle"}', '{"c":"status","l":"de"}', '["status","en"]', 'null', '{"c":1,"l":"en"}'),
    fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
  )
  .filter((v) => !isGenuineButtonValue(v));

const user = fc.oneof(fc.constantFrom('U0ONCALL', 'U0APPROVER'), fc.string({ minLength: 1, maxLength: 40 }));
const channel = fc.oneof(fc.constant('C0INCIDENT'), fc.string({ minLength: 1, maxLength: 40 }));

/** The clear refusals a forged click may get (en catalog). */
const REFUSAL = /unknown or was tampered with|not allowed to approve|nothing done/;

describe('fuzzed button payloads through the real receiver', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ DBPOOL_APPROVERS: 'U0APPROVER' });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('every payload: HTTP 200, an ephemeral answer, nothing posted, updated or run', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(actionId, value, user, channel, async (action, v, userId, channelId) => {
        const id = `fz${n++}`;
        const sent = await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, {
          actionId: action,
          value: v,
          user_id: userId,
          channel_id: channelId,
          message_ts: '1700000001.000100',
          response_url: bot.api.responseUrl(id),
        });
        expect(sent.status).toBe(200);
        await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url' && c.responseId === id), 10_000);
        const answers = bot.api.callsOf('response_url').filter((c) => c.responseId === id);
        expect(answers).toHaveLength(1);
        expect(answers[0]?.body.response_type).toBe('ephemeral');
        expect(answers[0]?.body.replace_original).toBe(false);
        expect(messageText(answers[0]?.body ?? {})).toMatch(REFUSAL);
        expect(bot.api.callsOf('chat.update')).toEqual([]);
        expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
      }),
      { numRuns: 100 },
    );

    expect(bot.services.remediation?.auditEntries(500).filter((e) => e.event !== 'refused')).toEqual([]);
    // Still alive and serving.
    expect((await fetch(`${bot.baseUrl}/healthz`)).status).toBe(200);
    const help = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'help', response_url: bot.api.responseUrl('after') });
    expect(help.status).toBe(200);
    await bot.api.waitFor((calls) => calls.some((c) => c.responseId === 'after'), 10_000);
  });

  it('Approve and Cancel carrying well-formed plan ids of no plan, from an approver or anyone: refused, nothing runs', async () => {
    let n = 0;
    const planId = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(ACTION_IDS.approvePlan, ACTION_IDS.cancelPlan), planId, user, async (action, id, userId) => {
        const rid = `pl${n++}`;
        const sent = await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, {
          actionId: action,
          value: id,
          user_id: userId,
          message_ts: '1700000002.000100',
          response_url: bot.api.responseUrl(rid),
        });
        expect(sent.status).toBe(200);
        await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url' && c.responseId === rid), 10_000);
        const answer = bot.api.callsOf('response_url').find((c) => c.responseId === rid)?.body ?? {};
        expect(answer.response_type).toBe('ephemeral');
        expect(messageText(answer)).toMatch(REFUSAL);
      }),
      { numRuns: 50 },
    );
    expect(bot.api.callsOf('chat.update')).toEqual([]);
    expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
    const audit = bot.services.remediation?.auditEntries(500) ?? [];
    expect(audit.length).toBeGreaterThan(0); // the approvals were refused and audited
    expect(audit.filter((e) => e.event !== 'refused')).toEqual([]);
  });
});
