import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import { SummaryRuns } from '../../src/state/summary-runs.js';
import { createSlackSummaryPoster, createSlackWarningPoster } from '../../src/slack/scheduled-posts.js';
import { openStateDb } from '../../src/state/state-store.js';
import { loadConfig } from '../../src/config.js';
import { facts, instance } from '../fixtures/facts.js';
import { okSample } from '../fixtures/samples.js';
import { settings } from '../fixtures/report-settings.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { assertBlockKitLimits, messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';

const PNG_SIGNATURE = '89504e470d0a1a0a';
const SPARK = /[▁▂▃▄▅▆▇█]/;

describe('the daily summary and early warnings in Slack', () => {
  let server: TestPostgres;
  let bot: TestBot;

  beforeAll(async () => {
    server = await startPostgres();
    // Composed as `dbpool serve` does: the "Mute 1h" button reaches the scheduler's early warnings.
    bot = await startTestBot({ DATABASE_URL: server.url(), DBPOOL_WARNING_CHANNEL: 'C0WARN' });
  });
  afterAll(async () => {
    await bot?.stop();
    await server?.stop();
  });

  it('/dbpool summary uploads the chart (files.uploadV2) and posts the summary in the channel', async () => {
    bot.api.calls.length = 0;
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'summary', response_url: bot.api.responseUrl('s') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 20_000);
    const upload = bot.api.callsOf('file_upload')[0];
    expect(upload?.bytes?.toString('hex')).toContain(PNG_SIGNATURE); // inside the multipart body
    expect(bot.api.callsOf('files.completeUploadExternal')[0]?.body.channel_id).toBe('C0INCIDENT');
    const posted = bot.api.callsOf('chat.postMessage')[0]!.body;
    expect(messageText(posted)).toContain('Daily connection summary');
    expect(messageText(posted)).not.toMatch(SPARK);
    assertBlockKitLimits(posted.blocks);
  });

  it('where upload is not allowed, the text sparkline stands in for the chart', async () => {
    bot.api.calls.length = 0;
    // Only for this test: the others (in any order) upload as usual.
    const allowUploads = bot.api.failWith('files.getUploadURLExternal', 'not_allowed_token_type');
    try {
      const now = Date.now();
      bot.services.history!.appendMany(Array.from({ length: 120 }, (_, i) => okSample(new Date(now - (120 - i) * 60_000), 20 + (i % 40))));
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'summary --lang fa', response_url: bot.api.responseUrl('s2') });
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 20_000);
      const posted = bot.api.callsOf('chat.postMessage')[0]!.body;
      expect(messageText(posted)).toMatch(SPARK);
      expect(bot.api.callsOf('file_upload')).toEqual([]);
    } finally {
      allowUploads();
    }
  });

  it('the scheduled summary goes through the same Slack poster, once a day', async () => {
    bot.api.calls.length = 0;
    const client = new WebClient('xoxb-test-token', { slackApiUrl: bot.api.apiUrl });
    const db = openStateDb(':memory:');
    let now = new Date('2026-11-26T05:30:10Z'); // 09:00 in Tehran
    const config = loadConfig({ DBPOOL_SUMMARY_CHANNEL: 'C0DAILY' });
    const scheduler = new Scheduler({
      config,
      takeReport: async () => buildReport('status', facts(), settings()),
      history: new HistoryStore(db),
      runs: new SummaryRuns(db),
      audit: null,
      lease: null,
      summaryPoster: createSlackSummaryPoster(client, silentLogger()),
      warningPoster: null,
      replicaId: 'test',
      now: () => now,
      logger: silentLogger(),
    });
    expect(await scheduler.tickSummary()).toBe('posted');
    now = new Date('2026-11-26T05:45:00Z');
    expect(await scheduler.tickSummary()).toBe('already-claimed');
    expect(bot.api.callsOf('chat.postMessage').map((c) => c.body.channel)).toEqual(['C0DAILY']);
  });

  it('an early warning posts the status report with remediation and "Mute 1h"; later updates go in its thread', async () => {
    bot.api.calls.length = 0;
    const client = new WebClient('xoxb-test-token', { slackApiUrl: bot.api.apiUrl });
    const poster = createSlackWarningPoster(client, { remediation: true });
    const old = instance({ id: 'old', name: 'php_swoole_app', createdAt: '2026-11-20T00:00:00Z' });
    const report = buildReport('status', facts({ clientConnections: 97, appConnections: 96 }, [instance(), old]), settings());
    const first = await poster.postWarning({ decision: { kind: 'post-new', severity: 'crit', reason: 'crossed', threadTs: null } as never, text: 'Utilization 100 %', report, channel: 'C0WARN', lang: 'en' });
    expect(first?.ts).toBeDefined();
    await poster.postWarning({ decision: { kind: 'post-in-thread', severity: 'crit', reason: 'update', threadTs: first!.ts } as never, text: 'Still 100 %', report, channel: 'C0WARN', lang: 'en' });
    const [a, b] = bot.api.callsOf('chat.postMessage').map((c) => c.body);
    const ids = ((a!.blocks as { type: string; elements?: { action_id: string }[] }[]).find((x) => x.type === 'actions')?.elements ?? []).map((e) => e.action_id);
    expect(ids).toContain('dbpool_mute_warnings');
    expect(ids).toContain('dbpool_propose_stop_extra');
    expect(a!.thread_ts).toBeUndefined();
    expect(b!.thread_ts).toBe(first!.ts);
    assertBlockKitLimits(a!.blocks);

    await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, { actionId: 'dbpool_mute_warnings', value: '1h', message_ts: first!.ts, response_url: bot.api.responseUrl('m') });
    await bot.api.waitFor((calls) => calls.some((c) => c.responseId === 'm'), 20_000);
    const warnings = bot.composed.scheduler?.scheduler.warnings;
    expect(warnings?.isMuted(new Date(Date.now() + 59 * 60_000))).toBe(true);
    expect(warnings?.isMuted(new Date(Date.now() + 61 * 60_000))).toBe(false);
    expect(messageText(bot.api.callsOf('response_url').find((c) => c.responseId === 'm')!.body)).toContain('muted until');
  });
});
