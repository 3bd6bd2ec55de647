/**
 * SIGTERM while an approved action runs (a stop of an instance that takes two seconds to shut down):
 * the bot's stop (what `dbpool serve` runs on the signal) lets the action finish, records and shows
 * its outcome and records the waiting check as skipped; a stop that cannot wait that long leaves the
 * plan to the next start, which re-checks its target, records the outcome and updates the message.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/actions/audit-log.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { openStateDb } from '../../src/state/state-store.js';
import { createProcessInstanceSource } from '../../src/probes/processes/process-instance-source.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { waitUntil } from '../helpers/reliability-bot.js';
import { messageText } from '../helpers/slack-block-limits.js';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';
import { spawnApp, type SpawnedApp } from '../helpers/spawn-app.js';

const APPROVER = 'U0APPROVER';

describe('a shutdown during an action', () => {
  let server: TestPostgres;
  let stateDir: string;
  const apps: SpawnedApp[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-shutdown-'));
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await server?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  /** The audit of a plan, read from the state file after the bot closed it. */
  const auditOf = (file: string, planId: string) => {
    const db = openStateDb(file);
    try {
      return new AuditLog(db, silentLogger()).latest(50).filter((e) => e.planId === planId);
    } finally {
      db.close();
    }
  };

  const alive = (pid: number | undefined) => {
    try {
      process.kill(pid ?? -1, 0);
      return true;
    } catch {
      return false;
    }
  };

  /** An old instance that takes 2 s to stop after SIGTERM, a new one, and a bot that sees both. */
  async function setUp(name: string, drainMs?: number): Promise<{ bot: TestBot; old: SpawnedApp; env: Record<string, string>; file: string }> {
    const tag = `${name}-${process.pid}`;
    const old = spawnApp({ DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '1', APP_SHUTDOWN_SECONDS: '2' }, tag);
    apps.push(old);
    await old.started;
    await new Promise((r) => setTimeout(r, 1100)); // distinct start times: the old one is the extra one
    const fresh = spawnApp({ DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '1' }, tag);
    apps.push(fresh);
    await fresh.started;
    const env = {
      DATABASE_URL: server.url(),
      DBPOOL_APPROVERS: APPROVER,
      DBPOOL_STOP_GRACE_SECONDS: '10',
      DBPOOL_VERIFY_DELAY_SECONDS: '60',
      APP_PROCESS_PATTERN: `swoole-like-app\\.mjs --tag ${tag}`,
    };
    const file = path.join(stateDir, `${name}.sqlite`);
    const source = createProcessInstanceSource(loadConfig(env).app, { onlyDescendantsOf: process.pid });
    const bot = await startTestBot(env, undefined, { bot: { services: { instanceSources: [source], stateFile: file }, ...(drainMs ? { drainMs } : {}) } });
    return { bot, old, env, file };
  }

  /** Proposes stop-extra, approves it and waits until the action has started. */
  async function approveStop(bot: TestBot): Promise<{ ts: string; planId: string }> {
    await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'stop-extra', response_url: bot.api.responseUrl('p') });
    await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage'), 20_000);
    const posted = bot.api.callsOf('chat.postMessage')[0]!.body;
    const blocks = posted.blocks as { type: string; elements?: { action_id: string; value: string }[] }[];
    const planId = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'dbpool_approve_plan')!.value;
    // The ts Slack gave the plan's message, as the bot keeps it with the plan.
    await waitUntil(() => bot.services.remediation!.planFor(planId)?.message !== null, 10_000, 'the plan message to be attached');
    const ts = bot.services.remediation!.planFor(planId)!.message!.ts;
    await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, { actionId: 'dbpool_approve_plan', value: planId, user_id: APPROVER, message_ts: ts, response_url: bot.api.responseUrl('a') });
    await waitUntil(() => bot.services.remediation!.auditEntries(10).some((e) => e.event === 'outcome_unknown'), 10_000, 'the action to start');
    return { ts, planId };
  }

  it('the stop lets the running action finish: outcome recorded and shown, the waiting check recorded as skipped', async () => {
    const { bot, old, file } = await setUp('drain');
    try {
      const { ts, planId } = await approveStop(bot);
      await bot.composed.stop(); // what `dbpool serve` does on SIGTERM
      expect(alive(old.child.pid)).toBe(false);
      const events = auditOf(file, planId);
      expect(events.map((e) => e.event)).toEqual(['verify_skipped', 'executed', 'executing', 'approved', 'requested']);
      expect(events[0]?.detail).toEqual({ reason: 'shutdown' });
      const updates = bot.api.callsOf('chat.update').filter((c) => c.body.ts === ts).map((c) => messageText(c.body));
      expect(updates.at(-1)).toContain('1 of 1 done.');
      const thread = bot.api.callsOf('chat.postMessage').find((c) => c.body.thread_ts === ts);
      expect(messageText(thread?.body ?? {})).toContain('dbpool stopped before the check after the action');
    } finally {
      await bot.api.close();
    }
  });

  it('a stop that cannot wait: the next start re-checks the target, records the outcome and updates the message', async () => {
    const { bot, old, env, file } = await setUp('reconcile', 200);
    const { ts, planId } = await approveStop(bot);
    await bot.composed.stop();
    expect(auditOf(file, planId).map((e) => e.event)).toContain('outcome_unknown');
    await waitUntil(() => !alive(old.child.pid), 15_000, 'the old instance to finish its shutdown');

    const source = createProcessInstanceSource(loadConfig(env).app, { onlyDescendantsOf: process.pid });
    const next = await startTestBot(env, { api: bot.api, stateDir: bot.stateDir }, { schedule: true, bot: { services: { instanceSources: [source], stateFile: file } } });
    try {
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update' && c.body.ts === ts && messageText(c.body).includes('dbpool stopped while this action ran')), 20_000);
      const update = bot.api.callsOf('chat.update').filter((c) => c.body.ts === ts).at(-1)!;
      expect(messageText(update.body)).toContain('already stopped');
      const executed = next.services.remediation!.auditEntries(10).find((e) => e.planId === planId && e.event === 'executed');
      expect(executed?.detail).toMatchObject({ reconciled: true, outcome: { action: 'stop_extra', instances: [{ outcome: 'already_stopped', reason: 'gone' }] } });
      expect(next.services.remediation!.planFor(planId)?.status).toBe('done');
    } finally {
      await next.stop();
      await bot.api.close();
      await rm(bot.stateDir, { recursive: true, force: true });
    }
  });
});
