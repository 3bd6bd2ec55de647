/**
 * Slack's Web API answering 429 (with Retry-After) and 500 to chat.postMessage and chat.update:
 * the slash command is acked, the bot keeps serving, a transient fault is retried, and a lasting one
 * ends in an ephemeral message telling the user the report failed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { askForReport, startReliabilityBot, startSlackFaultProxy, type ReliabilityBot, type SlackFaultProxy } from '../helpers/reliability-bot.js';
import { messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendSlashCommand } from '../helpers/slack-requests.js';

const FAILED = /Something went wrong while preparing the report/;

describe('429 with Retry-After (Bolt\'s default retry policy)', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterEach(() => {
    bot.api.calls.length = 0;
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('chat.postMessage rate-limited once: waited out and retried, the report is posted', async () => {
    bot.api.rateLimitOnce('chat.postMessage', 1);
    const { ack, update } = await askForReport(bot, 'math --workers 4 --pool 30', 'rl1');
    expect(ack.status).toBe(200);
    expect(bot.api.callsOf('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(messageText(update)).toContain('What-if');
  });

  it('chat.update rate-limited once: the report still replaces the "checking" message', async () => {
    bot.api.rateLimitOnce('chat.update', 1);
    const before = bot.api.calls.length;
    const ack = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'math --workers 4 --pool 30', response_url: bot.api.responseUrl('rl2') });
    expect(ack.status).toBe(200);
    await bot.api.waitFor((calls) => calls.slice(before).filter((c) => c.method === 'chat.update' && c.status === 200).length === 1, 15_000);
    const updates = bot.api.callsOf('chat.update');
    expect(updates.map((c) => c.status)).toEqual([429, 200]);
    expect(bot.api.callsOf('chat.postMessage')).toHaveLength(1);
    expect(messageText(updates[1]?.body ?? {})).toContain('What-if');
    expect(bot.api.callsOf('response_url')).toEqual([]);
  });
});

describe('500 and lasting 429 (a short retry policy, through a fault proxy)', () => {
  let bot: ReliabilityBot;
  let proxy: SlackFaultProxy;
  beforeAll(async () => {
    bot = await startReliabilityBot({
      apiUrl: async (api) => (proxy = await startSlackFaultProxy(api)).apiUrl,
      retryConfig: { retries: 1, factor: 1, minTimeout: 50, maxTimeout: 50 },
    });
  });
  afterEach(() => {
    proxy.clear();
    proxy.seen.length = 0;
    bot.api.calls.length = 0;
  });
  afterAll(async () => {
    await bot?.stop();
    await proxy?.close();
  });

  const statusOf = (method: string) => proxy.seen.filter((s) => s.method === method).map((s) => s.status);
  const healthy = async () => (await fetch(`${bot.baseUrl}/healthz`)).status;

  /** The asker's ephemeral messages, as posted to the response_url. */
  const ephemerals = (id: string) => bot.api.callsOf('response_url').filter((c) => c.responseId === id);

  it('chat.postMessage answering 500 once: retried, the report is posted', async () => {
    proxy.fail('chat.postMessage', { status: 500, times: 1 });
    const { ack, update } = await askForReport(bot, 'math --workers 4 --pool 30', 'e1');
    expect(ack.status).toBe(200);
    expect(statusOf('chat.postMessage')).toEqual([500, 200]);
    expect(messageText(update)).toContain('What-if');
    expect(ephemerals('e1')).toEqual([]);
  });

  it('chat.postMessage answering 500 every time: acked, an ephemeral "failed" message, and the next command works', async () => {
    proxy.fail('chat.postMessage', { status: 500, times: Infinity });
    const ack = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'math --workers 4 --pool 30', response_url: bot.api.responseUrl('e2') });
    expect(ack.status).toBe(200);
    await bot.api.waitFor(() => ephemerals('e2').length === 1, 15_000);
    expect(messageText(ephemerals('e2')[0]?.body ?? {})).toMatch(FAILED);
    expect(ephemerals('e2')[0]?.body.response_type).toBe('ephemeral');
    expect(statusOf('chat.postMessage')).toEqual([500, 500]); // the retry policy's 1 retry, then it gave up
    expect(bot.api.callsOf('chat.update')).toEqual([]);
    expect(await healthy()).toBe(200);

    proxy.clear();
    const next = await askForReport(bot, 'math --workers 4 --pool 30', 'e3');
    expect(next.ack.status).toBe(200);
    expect(messageText(next.update)).toContain('What-if');
  });

  // Slack failing every update: the "checking…" message cannot be changed at all, so it stays; the
  // asker learns, ephemerally, that the report failed.
  it('chat.update answering 500 every time: acked, an ephemeral "failed" message, and the next command works', async () => {
    proxy.fail('chat.update', { status: 500, times: Infinity });
    const ack = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'math --workers 4 --pool 30', response_url: bot.api.responseUrl('e4') });
    expect(ack.status).toBe(200);
    await bot.api.waitFor(() => ephemerals('e4').length === 1, 15_000);
    expect(messageText(ephemerals('e4')[0]?.body ?? {})).toMatch(FAILED);
    expect(statusOf('chat.postMessage')).toEqual([200]);
    expect(statusOf('chat.update')).toEqual([500, 500, 500, 500]); // the report, then the plain line, each retried once
    expect(await healthy()).toBe(200);

    proxy.clear();
    const next = await askForReport(bot, 'math --workers 4 --pool 30', 'e5');
    expect(messageText(next.update)).toContain('What-if');
  });

  it('Slack refuses the report itself (invalid_blocks): a plain line replaces "checking…" in the channel', async () => {
    proxy.fail('chat.update', { status: 200, error: 'invalid_blocks', times: 1 });
    const ack = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'math --workers 4 --pool 30', response_url: bot.api.responseUrl('e8') });
    expect(ack.status).toBe(200);
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'), 15_000);
    await vi.waitFor(() => expect(statusOf('chat.update')).toEqual([200, 200])); // refused (ok: false, not retried), then the plain line
    expect(statusOf('chat.postMessage')).toEqual([200]); // the "checking…" message, replaced in place
    const [update] = bot.api.callsOf('chat.update');
    expect(messageText(update?.body ?? {})).toMatch(/The report could not be shown here: Slack refused it \(`invalid_blocks`\)/);
    expect(ephemerals('e8')).toEqual([]);
    expect(await healthy()).toBe(200);
  });

  it('chat.postMessage rate-limited longer than the retry policy waits: an ephemeral "failed" message, no crash', async () => {
    proxy.fail('chat.postMessage', { status: 429, times: Infinity, retryAfterSeconds: 1 });
    const ack = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'math --workers 4 --pool 30', response_url: bot.api.responseUrl('e6') });
    expect(ack.status).toBe(200);
    await bot.api.waitFor(() => ephemerals('e6').length === 1, 15_000);
    expect(messageText(ephemerals('e6')[0]?.body ?? {})).toMatch(FAILED);
    expect(statusOf('chat.postMessage')).toEqual([429, 429]);
    expect(await healthy()).toBe(200);

    proxy.clear();
    const next = await askForReport(bot, 'math --workers 4 --pool 30', 'e7');
    expect(messageText(next.update)).toContain('What-if');
  });

  it('a burst of commands while chat.postMessage fails: every one acked and answered, the bot keeps serving', async () => {
    proxy.fail('chat.postMessage', { status: 500, times: Infinity });
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'math --workers 4 --pool 30', response_url: bot.api.responseUrl(`b${i}`) }),
      ),
    );
    expect(acks.map((a) => a.status)).toEqual(Array(20).fill(200));
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'response_url').length === 20, 20_000);
    expect(new Set(bot.api.callsOf('response_url').map((c) => c.responseId)).size).toBe(20);
    proxy.clear();
    const next = await askForReport(bot, 'math --workers 4 --pool 30', 'b-after');
    expect(messageText(next.update)).toContain('What-if');
  });
});
