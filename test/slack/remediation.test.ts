import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openIdleSessions } from '../helpers/idle-sessions.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { assertBlockKitLimits, messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';

interface Button {
  action_id: string;
  value: string;
  style?: string;
  confirm?: { text: { text: string } };
}

const APPROVER = 'U0APPROVER';
const ONCALL = 'U0ONCALL';

function buttons(body: Record<string, unknown>): Button[] {
  const blocks = body.blocks as { type: string; elements?: Button[] }[];
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}

/** Remediation through Slack, on a real PostgreSQL with real idle sessions. */
describe('Slack approve-button remediation', () => {
  let server: TestPostgres;
  let bot: TestBot;
  let victims: pg.Client[] = [];
  let admin: pg.Client;

  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 40 });
    // The test's own session stays out of madras, so only the app's sessions are idle there.
    admin = new pg.Client({ connectionString: server.url('postgres') });
    await admin.connect();
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool' IN ROLE pg_monitor, pg_signal_backend`);
    bot = await startTestBot({
      DATABASE_URL: server.url(server.database, 'dbpool', 'dbpool'),
      DBPOOL_APPROVERS: APPROVER,
      DBPOOL_VERIFY_DELAY_SECONDS: '0',
    });
  });
  afterEach(async () => {
    await Promise.all(victims.map((c) => c.end().catch(() => undefined)));
    victims = [];
    bot.api.calls.length = 0;
  });
  afterAll(async () => {
    await bot?.stop();
    await admin?.end().catch(() => undefined);
    await server?.stop();
  });

  async function idleSessions(n: number): Promise<number[]> {
    const opened = await openIdleSessions(server, n);
    victims = opened.clients;
    return opened.pids;
  }

  async function alive(pids: number[]): Promise<number> {
    return (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).rowCount ?? 0;
  }

  async function propose(user = ONCALL): Promise<{ ts: string; approve: Button; cancel: Button }> {
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.02', user_id: user, response_url: bot.api.responseUrl('r') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 20_000);
    const posted = bot.api.callsOf('chat.postMessage').at(-1)!.body;
    assertBlockKitLimits(posted.blocks);
    const [approve, cancel] = buttons(posted);
    return { ts: String(posted.ts), approve: approve!, cancel: cancel! };
  }

  const click = (actionId: string, value: string, ts: string, user: string, id = 'c') =>
    sendBlockAction(bot.eventsUrl, SIGNING_SECRET, { actionId, value, user_id: user, message_ts: ts, response_url: bot.api.responseUrl(id) });

  it('a plan is posted for approval with a danger button and a confirm that says exactly what will happen; nothing runs yet', async () => {
    const pids = await idleSessions(2);
    const { approve, cancel } = await propose();
    expect(approve).toMatchObject({ action_id: 'dbpool_approve_plan', style: 'danger' });
    expect(approve.value).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(approve.confirm?.text.text).toMatch(/Terminate 2 sessions idle for more than 0\.02 minutes in `?madras`?/);
    expect(cancel.action_id).toBe('dbpool_cancel_plan');
    expect(await alive(pids)).toBe(2);
  });

  it('--dry-run in Slack shows the plan to the asker alone, with no button to approve it; nothing runs', async () => {
    const pids = await idleSessions(2);
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.02 --dry-run', user_id: ONCALL, response_url: bot.api.responseUrl('dry') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url'), 20_000);
    const reply = bot.api.callsOf('response_url')[0]!.body;
    assertBlockKitLimits(reply.blocks);
    expect(messageText(reply)).toMatch(/Terminate 2 sessions idle for more than 0\.02 minutes/);
    expect(messageText(reply)).toContain('Dry run: nothing done.');
    expect(buttons(reply)).toEqual([]);
    expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
    // The confirm dialog of a real plan is plain text: no backticks.
    const { approve } = await propose();
    expect(approve.confirm?.text.text).not.toContain('`');
    expect(await alive(pids)).toBe(2);
  });

  it('someone not among the approvers, and a tampered id, are refused; nothing runs', async () => {
    const pids = await idleSessions(2);
    const { ts, approve } = await propose();
    await click('dbpool_approve_plan', approve.value, ts, ONCALL, 'not-approver');
    await click('dbpool_approve_plan', 'A'.repeat(22), ts, APPROVER, 'unknown');
    await click('dbpool_approve_plan', `${approve.value}' OR 1=1`, ts, APPROVER, 'tampered');
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'response_url').length >= 3, 20_000);
    const replies = Object.fromEntries(bot.api.callsOf('response_url').map((c) => [c.responseId, messageText(c.body)]));
    expect(replies['not-approver']).toContain('not allowed to approve');
    expect(replies.unknown).toContain('unknown or was tampered with');
    expect(replies.tampered).toBeDefined();
    expect(bot.api.callsOf('chat.update')).toEqual([]);
    expect(await alive(pids)).toBe(2);
  });

  it('an approver clicking twice at once: exactly one execution, buttons gone, outcome and before/after posted', async () => {
    const pids = await idleSessions(2);
    const { ts, approve } = await propose();
    await Promise.all([click('dbpool_approve_plan', approve.value, ts, APPROVER, 'a1'), click('dbpool_approve_plan', approve.value, ts, APPROVER, 'a2')]);
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts), 20_000);
    expect(await alive(pids)).toBe(0);
    const updates = bot.api.callsOf('chat.update').filter((c) => c.body.ts === ts);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    for (const u of updates) expect(buttons(u.body)).toEqual([]);
    const final = messageText(updates.at(-1)!.body);
    expect(final).toContain(`Approved by <@${APPROVER}>`);
    expect(final).toContain('2 of 2 done.');
    const replies = bot.api.callsOf('response_url').map((c) => messageText(c.body));
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('already run');
    const verification = bot.api.callsOf('chat.postMessage').find((c) => c.body.thread_ts === ts)!;
    expect(messageText(verification.body)).toContain('After the action');
    // This plan's rows only: other tests here run actions too, in any order.
    const audit = bot.services.remediation!.auditEntries(100).filter((e) => e.planId === approve.value).map((e) => e.event);
    expect(audit.filter((e) => e === 'executing')).toHaveLength(1);
  });

  it('the requester may cancel; a cancelled plan cannot be approved', async () => {
    const pids = await idleSessions(1);
    const { ts, approve, cancel } = await propose();
    await click('dbpool_cancel_plan', cancel.value, ts, ONCALL);
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'), 20_000);
    expect(messageText(bot.api.callsOf('chat.update')[0]!.body)).toContain(`Cancelled by <@${ONCALL}>`);
    await click('dbpool_approve_plan', approve.value, ts, APPROVER, 'late');
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url'), 20_000);
    expect(messageText(bot.api.callsOf('response_url')[0]!.body)).toContain('cancelled');
    expect(await alive(pids)).toBe(1);
  });

  it('a report with idle sessions offers the fix; the button proposes a plan in the thread', async () => {
    await idleSessions(2);
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'idle 0.02', user_id: ONCALL, response_url: bot.api.responseUrl('i') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'), 20_000);
    const report = bot.api.callsOf('chat.update')[0]!.body;
    const proposeButton = buttons(report).find((b) => b.action_id === 'dbpool_propose_terminate_idle');
    expect(proposeButton).toBeDefined();
    bot.api.calls.length = 0;
    await click('dbpool_propose_terminate_idle', proposeButton!.value, String(report.ts), ONCALL);
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 20_000);
    const plan = bot.api.callsOf('chat.postMessage')[0]!.body;
    expect(plan.thread_ts).toBe(report.ts);
    expect(buttons(plan).map((b) => b.action_id)).toEqual(['dbpool_approve_plan', 'dbpool_cancel_plan']);
  });

  it('GET /metrics shows the diagnoses and the actions run and refused (its own, whatever ran before)', async () => {
    await idleSessions(1);
    const { ts, approve } = await propose();
    await click('dbpool_approve_plan', approve.value, ts, ONCALL, 'm-refused');
    await bot.api.waitFor((calls) => calls.some((c) => c.responseId === 'm-refused'), 20_000);
    await click('dbpool_approve_plan', approve.value, ts, APPROVER, 'm-ok');
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts), 20_000);
    const text = await (await fetch(`${bot.baseUrl}/metrics`)).text();
    expect(text).toMatch(/dbpool_postgres_max_connections\{target="[^"]+"\} 40/);
    expect(text).toMatch(/dbpool_diagnosis_duration_seconds_count [1-9]/);
    expect(text).toMatch(/dbpool_actions_total\{action="terminate_idle",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/dbpool_actions_refused_total\{action="terminate_idle",reason="not_approver"\} [1-9]/);
  });
});
