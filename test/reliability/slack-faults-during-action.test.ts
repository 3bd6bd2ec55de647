/**
 * An approved action never waits for Slack. Slack's Web API hangs, answers slowly, rate-limits
 * (429 with Retry-After) or fails (500) right after the click: the sessions are terminated at once
 * (the audit's execution takes well under a second), /healthz shows Slack failing, and once Slack
 * answers again the message shows the outcome and the check after the action lands in its thread.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openIdleSessions } from '../helpers/idle-sessions.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { startReliabilityBot, startSlackFaultProxy, waitUntil, type ReliabilityBot, type SlackFaultProxy } from '../helpers/reliability-bot.js';
import { messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET } from '../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';

const APPROVER = 'U0APPROVER';
const SLACK_TIMEOUT_MS = 1000;

interface Button {
  action_id: string;
  value: string;
}

describe('Slack failing while an approved action runs', () => {
  let server: TestPostgres;
  let admin: pg.Client;
  let bot: ReliabilityBot;
  let proxy: SlackFaultProxy;
  let victims: pg.Client[] = [];

  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 40 });
    admin = await server.admin();
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool' IN ROLE pg_monitor, pg_signal_backend`);
    bot = await startReliabilityBot({
      env: { DATABASE_URL: server.url(server.database, 'dbpool', 'dbpool'), APP_DB_USER: 'app', DBPOOL_APPROVERS: APPROVER, DBPOOL_VERIFY_DELAY_SECONDS: '0' },
      apiUrl: async (api) => (proxy = await startSlackFaultProxy(api)).apiUrl,
      slackTimeoutMs: SLACK_TIMEOUT_MS,
      // Enough quick retries to outlast a few seconds of trouble: the messages catch up.
      retryConfig: { retries: 8, factor: 1, minTimeout: 300, maxTimeout: 300 },
    });
  });
  afterEach(async () => {
    proxy.clear();
    await Promise.all(victims.map((c) => c.end().catch(() => undefined)));
    victims = [];
  });
  afterAll(async () => {
    await bot?.stop();
    await proxy?.close();
    await admin?.end().catch(() => undefined);
    await server?.stop();
  });

  const alive = async (pids: number[]) => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).rowCount ?? 0;
  const health = async () => (await (await fetch(`${bot.baseUrl}/healthz`)).json()) as { status: string; slack: { ok: boolean; error?: string } };

  /** Two idle app sessions and a plan for them, posted while Slack works; returns the plan message and its Approve button. */
  async function proposed(tag: string): Promise<{ pids: number[]; ts: string; approve: Button }> {
    const opened = await openIdleSessions(server, 2, { idleMs: 1300 });
    victims = opened.clients;
    const before = bot.api.callsOf('chat.postMessage').length;
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl(`p-${tag}`) });
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.postMessage').length > before, 20_000);
    const posted = bot.api.callsOf('chat.postMessage').at(-1)!.body;
    const blocks = posted.blocks as { type: string; elements?: Button[] }[];
    const approve = blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : [])).find((b) => b.action_id === 'dbpool_approve_plan')!;
    return { pids: opened.pids, ts: String(posted.ts), approve };
  }

  const recorded = (planId: string) => bot.services.remediation!.auditEntries(50).some((e) => e.planId === planId && e.event === 'executed');

  /** The approval's execution, from the audit: how long from the claim to the recorded outcome. */
  function executionMs(planId: string): number {
    const entries = bot.services.remediation!.auditEntries(50).filter((e) => e.planId === planId);
    const approved = entries.find((e) => e.event === 'approved');
    const executed = entries.find((e) => e.event === 'executed');
    if (!approved || !executed) throw new Error(`not executed yet: ${entries.map((e) => e.event).join(', ')}`);
    return Date.parse(executed.at) - Date.parse(approved.at);
  }

  const FAULTS: [string, () => () => void][] = [
    ['hangs', () => bot.api.hang('*')],
    ['answers after 3 s', () => (bot.api.slow('*', 3000), () => bot.api.slow('*', 0))],
    ['answers 429 with Retry-After', () => (proxy.fail('chat.update', { status: 429, times: 2, retryAfterSeconds: 2 }), proxy.fail('chat.postMessage', { status: 429, times: 2, retryAfterSeconds: 2 }), () => proxy.clear())],
    ['answers 500', () => (proxy.fail('chat.update', { status: 500, times: 3 }), proxy.fail('chat.postMessage', { status: 500, times: 3 }), () => proxy.clear())],
  ];

  for (const [label, fault] of FAULTS) {
    it(`Slack ${label}: the action runs at once, and the message and the thread catch up when Slack does`, async () => {
      const { pids, ts, approve } = await proposed(label);
      const recover = fault();
      try {
        const ack = await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, { actionId: 'dbpool_approve_plan', value: approve.value, user_id: APPROVER, message_ts: ts, response_url: bot.api.responseUrl(`a-${label}`) });
        expect(ack.status).toBe(200);
        await waitUntil(async () => (await alive(pids)) === 0, 10_000, 'the sessions to be terminated');
        // The sessions end before the audit records the outcome: wait for the record, then read its times.
        await waitUntil(async () => recorded(approve.value), 10_000, 'the audit to record the outcome');
        expect(executionMs(approve.value)).toBeLessThan(1000);
        if (label === 'hangs') {
          await waitUntil(async () => !(await health()).slack.ok, 10_000, '/healthz to show Slack failing');
          expect(await health()).toMatchObject({ status: 'degraded', slack: { ok: false, error: `no answer within ${SLACK_TIMEOUT_MS} ms` } });
        }
      } finally {
        recover();
      }
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update' && c.body.ts === ts && messageText(c.body).includes('2 of 2 done')), 30_000);
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts && messageText(c.body).includes('After the action')), 30_000);
      await waitUntil(async () => (await health()).slack.ok, 10_000, '/healthz to show Slack answering again');
    });
  }
});
