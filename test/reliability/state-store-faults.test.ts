/**
 * dbpool's SQLite state store unusable: a state directory that cannot exist (a path under a regular
 * file: chmod would not stop root), or the file locked by another connection's exclusive
 * transaction. Remediation is refused with a clear message, and nothing is terminated: the idle
 * sessions a plan would target stay alive.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { openSqlite } from '../../src/state/sqlite.js';
import { openStateDb } from '../../src/state/state-store.js';
import { openIdleSessions } from '../helpers/idle-sessions.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { startReliabilityBot, type ReliabilityBot } from '../helpers/reliability-bot.js';
import { TEST_LIMITS } from '../helpers/test-limits.js';
import { messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET } from '../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';

const APPROVER = 'U0APPROVER';
const STATE_UNAVAILABLE = /state store is unavailable, so the action cannot be recorded: nothing done/;

interface Button {
  action_id: string;
  value: string;
}

function buttons(body: Record<string, unknown>): Button[] {
  const blocks = (body.blocks ?? []) as { type: string; elements?: Button[] }[];
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}

let server: TestPostgres;
let admin: pg.Client;
let work: string;
let victims: pg.Client[] = [];
const bots: ReliabilityBot[] = [];

beforeAll(async () => {
  server = await startPostgres({ maxConnections: 40 });
  // The test's own session stays out of madras, so only the app's sessions are idle there.
  admin = new pg.Client({ connectionString: server.url('postgres') });
  admin.on('error', () => undefined);
  await admin.connect();
  await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
  await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool' IN ROLE pg_monitor, pg_signal_backend`);
  work = await mkdtemp(path.join(os.tmpdir(), 'dbpool-state-faults-'));
});
afterEach(async () => {
  // Every victim still answers on its own connection: none was terminated under it.
  const answers = await Promise.all(victims.map((c) => c.query('SELECT 1 AS one').then((r) => r.rows[0]?.one as number, () => 0)));
  expect(answers).toEqual(victims.map(() => 1));
  await Promise.all(victims.map((c) => c.end().catch(() => undefined)));
  victims = [];
});
afterAll(async () => {
  await Promise.all(bots.map((b) => b.stop()));
  await admin?.end().catch(() => undefined);
  await server?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Sessions of the app, idle long enough for `terminate-idle --minutes 0.01` (0.6 s). */
async function idleSessions(n: number): Promise<number[]> {
  const opened = await openIdleSessions(server, n, { idleMs: 1200 });
  victims = opened.clients;
  return opened.pids;
}

/** How many of these sessions the server still lists (read from another session: the victims stay idle). */
async function alive(pids: number[]): Promise<number> {
  return (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).rowCount ?? 0;
}

const dbEnv = () => ({
  DATABASE_URL: server.url(server.database, 'dbpool', 'dbpool'),
  DBPOOL_APPROVERS: APPROVER,
  DBPOOL_VERIFY_DELAY_SECONDS: '0',
});

/** A path whose parent is a regular file: no directory can be made there, whoever runs the test. */
async function impossibleStateDir(name: string): Promise<string> {
  const file = path.join(work, `${name}-a-regular-file`);
  await writeFile(file, 'not a directory\n');
  return path.join(file, 'state');
}

describe('a state directory that cannot be created', () => {
  it('Slack: no remediation buttons under a report, /dbpool terminate-idle refused ephemerally, nothing terminated', async () => {
    const stateDir = await impossibleStateDir('slack');
    const bot = await startReliabilityBot({
      env: { ...dbEnv(), DBPOOL_STATE_DIR: stateDir },
      stateFile: path.join(stateDir, 'dbpool.sqlite'),
    });
    bots.push(bot);
    expect(bot.services.stateDb).toBeNull();
    expect(bot.services.remediation).toBeNull();
    const pids = await idleSessions(3);

    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', response_url: bot.api.responseUrl('s1') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'), 20_000);
    const report = bot.api.callsOf('chat.update')[0]?.body ?? {};
    expect(buttons(report).map((b) => b.action_id)).not.toContain('dbpool_propose_terminate_idle');

    const ack = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl('t1') });
    expect(ack.status).toBe(200);
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url' && c.responseId === 't1'), 20_000);
    const refusal = bot.api.callsOf('response_url').find((c) => c.responseId === 't1')?.body ?? {};
    expect(refusal.response_type).toBe('ephemeral');
    // Says why, naming the variable to fix (not the catalog's "state store unavailable" sentence: reported).
    expect(messageText(refusal)).toMatch(/state store is unavailable/);
    expect(bot.api.callsOf('chat.postMessage').filter((c) => c.body.thread_ts !== undefined || buttons(c.body).length > 0)).toEqual([]);
    expect(await alive(pids)).toBe(3);
  });

  it('CLI: terminate-idle --yes is refused before anything runs (exit 1, "state store is unavailable")', async () => {
    const stateDir = await impossibleStateDir('cli');
    const pids = await idleSessions(3);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ['terminate-idle', '--minutes', '0.01', '--yes'],
      { stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTerminal: false },
      { ...dbEnv(), DBPOOL_STATE_DIR: stateDir, DBPOOL_INSTANCE_SOURCE: 'none', DBPOOL_LOG_LEVEL: 'silent' },
      { limits: TEST_LIMITS },
    );
    // README: "exit 1 when declined, refused or failed".
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/state store is unavailable/);
    expect(out.join('')).not.toMatch(/terminated/i);
    expect(await alive(pids)).toBe(3);
  });
});

describe('the documented contract when the store cannot be opened', () => {
  it('CLI: terminate-idle --yes exits 1 with "state store is unavailable" (README: exit 1 when refused)', async () => {
    const stateDir = await impossibleStateDir('cli-contract');
    const pids = await idleSessions(2);
    const err: string[] = [];
    const code = await runCli(
      ['terminate-idle', '--minutes', '0.01', '--yes'],
      { stdout: () => undefined, stderr: (s) => err.push(s), isTerminal: false },
      { ...dbEnv(), DBPOOL_STATE_DIR: stateDir, DBPOOL_INSTANCE_SOURCE: 'none', DBPOOL_LOG_LEVEL: 'silent' },
      { limits: TEST_LIMITS },
    );
    expect(await alive(pids)).toBe(2);
    expect(err.join('')).toMatch(STATE_UNAVAILABLE);
    expect(code).toBe(1);
  });

  it('Slack: /dbpool terminate-idle answers with the "state store is unavailable" refusal', async () => {
    const stateDir = await impossibleStateDir('slack-contract');
    const bot = await startReliabilityBot({ env: { ...dbEnv(), DBPOOL_STATE_DIR: stateDir }, stateFile: path.join(stateDir, 'dbpool.sqlite') });
    bots.push(bot);
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl('k1') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url' && c.responseId === 'k1'), 20_000);
    const refusal = bot.api.callsOf('response_url').find((c) => c.responseId === 'k1')?.body ?? {};
    expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
    expect(messageText(refusal)).toMatch(STATE_UNAVAILABLE);
    expect(messageText(refusal)).not.toMatch(/Wrong argument/);
  });
});

describe('the state file locked by another connection (BEGIN EXCLUSIVE)', () => {
  it('a new plan and the approval of an earlier one are refused with "state store unavailable"; nothing runs; it works again once unlocked', async () => {
    const stateDir = path.join(work, 'locked');
    const stateFile = path.join(stateDir, 'dbpool.sqlite');
    const bot = await startReliabilityBot({ env: { ...dbEnv(), DBPOOL_STATE_DIR: stateDir }, stateFile });
    bots.push(bot);
    const pids = await idleSessions(3);

    // A plan proposed while the store works.
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl('p1') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 20_000);
    const proposal = bot.api.callsOf('chat.postMessage')[0]?.body ?? {};
    const approve = buttons(proposal).find((b) => b.action_id === 'dbpool_approve_plan');
    expect(approve?.value).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const locker = openSqlite(stateFile, { busyTimeoutMs: 100 });
    try {
      locker.exec('BEGIN EXCLUSIVE');

      const ack = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl('p2') });
      expect(ack.status).toBe(200);
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url' && c.responseId === 'p2'), 20_000);
      const refused = bot.api.callsOf('response_url').find((c) => c.responseId === 'p2')?.body ?? {};
      expect(refused.response_type).toBe('ephemeral');
      expect(messageText(refused)).toMatch(STATE_UNAVAILABLE);
      expect(bot.api.callsOf('chat.postMessage')).toHaveLength(1); // no second plan

      const click = await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, {
        actionId: 'dbpool_approve_plan',
        value: approve?.value ?? '',
        user_id: APPROVER,
        message_ts: String(proposal.ts),
        response_url: bot.api.responseUrl('a1'),
      });
      expect(click.status).toBe(200);
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'response_url' && c.responseId === 'a1'), 20_000);
      expect(messageText(bot.api.callsOf('response_url').find((c) => c.responseId === 'a1')?.body ?? {})).toMatch(STATE_UNAVAILABLE);
      expect(bot.api.callsOf('chat.update')).toEqual([]); // the plan message was not touched
      expect(await alive(pids)).toBe(3);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }

    // Nothing half-done: the plan is still pending, no intent was written.
    expect(bot.services.remediation?.planFor(approve?.value ?? '')?.status).toBe('pending');
    expect(bot.services.remediation?.auditEntries(50).map((e) => e.event)).not.toContain('executing');

    // Unlocked: proposing works again (and still runs nothing by itself).
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl('p3') });
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.postMessage').length === 2, 20_000);
    expect(await alive(pids)).toBe(3);
  });

  it('CLI with the file locked: the store cannot be opened, terminate-idle --yes refused, nothing terminated', async () => {
    const stateDir = path.join(work, 'locked-cli');
    const stateFile = path.join(stateDir, 'dbpool.sqlite');
    openStateDb(stateFile).close(); // an existing, migrated store
    const pids = await idleSessions(3);
    const locker = openSqlite(stateFile, { busyTimeoutMs: 100 });
    const err: string[] = [];
    let code: number;
    try {
      locker.exec('BEGIN EXCLUSIVE');
      code = await runCli(
        ['terminate-idle', '--minutes', '0.01', '--yes'],
        { stdout: () => undefined, stderr: (s) => err.push(s), isTerminal: false },
        { ...dbEnv(), DBPOOL_STATE_DIR: stateDir, DBPOOL_INSTANCE_SOURCE: 'none', DBPOOL_LOG_LEVEL: 'silent' },
        { limits: TEST_LIMITS },
      );
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(code).toBe(1); // refused, as with the impossible directory
    expect(err.join('')).toMatch(/state store is unavailable/);
    expect(await alive(pids)).toBe(3);
  });
});

describe('the state file deleted under the running bot', () => {
  it('is detected: /healthz says so, approvals and new plans are refused, nothing runs', async () => {
    const stateDir = path.join(work, 'deleted');
    const stateFile = path.join(stateDir, 'dbpool.sqlite');
    const bot = await startReliabilityBot({ env: { ...dbEnv(), DBPOOL_STATE_DIR: stateDir }, stateFile });
    bots.push(bot);
    const pids = await idleSessions(2);
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl('d1') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 20_000);
    const proposal = bot.api.callsOf('chat.postMessage')[0]?.body ?? {};
    const approve = buttons(proposal).find((b) => b.action_id === 'dbpool_approve_plan');

    await rm(stateFile);
    const health = (await (await fetch(`${bot.baseUrl}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'degraded', state: { ok: false, problem: 'deleted' } });

    await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, { actionId: 'dbpool_approve_plan', value: approve?.value ?? '', user_id: APPROVER, message_ts: String(proposal.ts), response_url: bot.api.responseUrl('d2') });
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl('d3') });
    await bot.api.waitFor((calls) => ['d2', 'd3'].every((id) => calls.some((c) => c.responseId === id)), 20_000);
    for (const id of ['d2', 'd3']) expect(messageText(bot.api.callsOf('response_url').find((c) => c.responseId === id)?.body ?? {})).toMatch(STATE_UNAVAILABLE);
    expect(bot.api.callsOf('chat.postMessage')).toHaveLength(1);
    expect(await alive(pids)).toBe(2);
  });
});
