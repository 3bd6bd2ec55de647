import { mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/actions/audit-log.js';
import { createPlanExecutor, type ExecutorDeps } from '../../src/actions/execute-plan.js';
import type { InstanceOutcome, InstanceStopper, SessionOutcome, SessionTerminator } from '../../src/actions/executors.js';
import { PlanStore } from '../../src/actions/plan-store.js';
import { RemediationFlow, type FlowDeps } from '../../src/actions/remediation-flow.js';
import type { Actor } from '../../src/actions/remediation-plan.js';
import type { AppInstance } from '../../src/core/facts.js';
import { buildReport, type Report } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { openStateDb } from '../../src/state/state-store.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const alice = { kind: 'slack' as const, id: 'U_ALICE' };
const bob = { kind: 'slack' as const, id: 'U_BOB' };
const mallory = { kind: 'slack' as const, id: 'U_MALLORY' };

const idle = [1, 2, 3].map((pid) => ({ pid, user: 'app', application: 'php', client: '10.0.0.5', idleSeconds: 1200, backendStart: '2026-11-26T09:00:00.123456+00', app: true }));
const old = instance({ id: 'old', name: 'php_swoole_app', createdAt: '2026-11-20T08:00:00.000Z' });
const fresh = instance({ id: 'new', name: 'php_swoole_app_new' });
const report = () => buildReport('status', facts({ idleSessions: idle }, [fresh, old]), settings());

type SetupOptions = Partial<FlowDeps> & Partial<Pick<ExecutorDeps, 'stoppers'>> & { file?: string };

function setup(overrides: SetupOptions = {}, clock = { now: new Date('2026-11-26T10:00:00Z') }) {
  const db = openStateDb(overrides.file ?? ':memory:');
  const executed: string[] = [];
  const terminated = new Set<number>();
  const terminator: SessionTerminator = {
    async terminateIdle(sessions): Promise<SessionOutcome[]> {
      executed.push('terminate');
      await new Promise((r) => setTimeout(r, 20));
      sessions.forEach((s) => terminated.add(s.pid));
      return sessions.map((s) => ({ pid: s.pid, outcome: 'terminated' }));
    },
    stillPresent: async (sessions) => sessions.map((s) => s.pid).filter((pid) => !terminated.has(pid)),
  };
  const stopper: InstanceStopper = {
    source: 'docker',
    async stop(c): Promise<InstanceOutcome> {
      executed.push(`stop ${c.name}`);
      return { id: c.id, name: c.name, outcome: 'stopped' };
    },
  };
  let running: AppInstance[] = [fresh, old];
  const audit = new AuditLog(db, silentLogger());
  const afterReports: Report[] = [];
  const { stoppers, file: _file, ...flowOverrides } = overrides;
  const service = new RemediationFlow({
    store: new PlanStore(db),
    audit,
    stateProblem: () => db.problem(),
    policy: { readOnly: false, approvers: [alice.id, bob.id], twoPersonRule: false, maxActionsPerHour: 6 },
    executor: createPlanExecutor({
      terminator,
      stoppers: stoppers ?? [stopper],
      observeInstances: async () => [{ source: 'docker', ok: true, instances: running }],
      stopGraceSeconds: 1,
    }),
    diagnoseAfter: async () => {
      const after = buildReport('status', facts({ clientConnections: 12 }, running), settings());
      afterReports.push(after);
      return after;
    },
    now: () => clock.now,
    logger: silentLogger(),
    planTtlMinutes: 15,
    verifyDelayMs: 0,
    ...flowOverrides,
  });
  return { db, service, executed, audit, clock, afterReports, setRunning: (r: AppInstance[]) => (running = r) };
}

function planId(service: RemediationFlow, action: 'terminate_idle' | 'stop_extra' = 'terminate_idle', by: Actor = alice): string {
  const r = service.request(action, report(), by);
  if (!r.ok) throw new Error(r.reason);
  return r.plan.id;
}

describe('remediation flow', () => {
  it('an approver runs the plan once; it is audited from request to the check after it, with before and after', async () => {
    const { service, executed, audit } = setup();
    const id = planId(service);
    const result = await service.approve(id, bob);
    if (!result.ok) throw new Error(result.reason);
    expect(executed).toEqual(['terminate']);
    const verification = await result.verification;
    // dbpool's own connection is not usage: 20 of the 21 client connections before, 11 of 12 after.
    expect(verification).toMatchObject({ kind: 'verified', before: { connections: 20, usable: 97 }, after: { connections: 11 } });
    expect(audit.latest(10).map((e) => e.event).reverse()).toEqual(['requested', 'approved', 'executing', 'executed', 'verified']);
    expect(audit.latest(1)[0]?.detail).toMatchObject({ before: { connections: 20 }, after: { connections: 11, runningInstances: 2 } });
  });

  it('two approvals at once (double click, two people, Slack retry): exactly one execution', async () => {
    const { service, executed } = setup();
    const id = planId(service);
    const results = await Promise.all([service.approve(id, alice), service.approve(id, bob), service.approve(id, alice)]);
    expect(executed).toEqual(['terminate']);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(['already_ran', 'already_ran']);
  });

  it('an expired plan is refused and nothing runs', async () => {
    const { service, executed, clock } = setup();
    const id = planId(service);
    clock.now = new Date(clock.now.getTime() + 16 * 60_000);
    expect(await service.approve(id, alice)).toMatchObject({ ok: false, reason: 'expired' });
    expect(executed).toEqual([]);
  });

  it('a tampered or unknown id is refused', async () => {
    const { service, executed } = setup();
    const id = planId(service);
    expect(await service.approve(id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A'), alice)).toMatchObject({ ok: false, reason: 'unknown_plan' });
    expect(await service.approve("x' OR 1=1 --", alice)).toMatchObject({ ok: false, reason: 'unknown_plan' });
    expect(executed).toEqual([]);
  });

  it('someone not among the approvers is refused, and it is audited', async () => {
    const { service, executed, audit } = setup();
    const id = planId(service);
    expect(await service.approve(id, mallory)).toMatchObject({ ok: false, reason: 'not_approver' });
    expect(executed).toEqual([]);
    expect(audit.latest(1)[0]).toMatchObject({ event: 'refused', actor: 'slack:U_MALLORY', detail: { reason: 'not_approver' } });
    // A member of the approver group (looked up by the Slack front end) may.
    expect(await service.approve(id, { ...mallory, inApproverGroup: true })).toMatchObject({ ok: true });
  });

  it('two-person rule: whoever asked cannot approve', async () => {
    const { service, executed } = setup({ policy: { readOnly: false, approvers: [alice.id, bob.id], twoPersonRule: true, maxActionsPerHour: 6 } });
    const id = planId(service, 'terminate_idle', alice);
    expect(await service.approve(id, alice)).toMatchObject({ ok: false, reason: 'requester_cannot_approve' });
    expect(await service.approve(id, bob)).toMatchObject({ ok: true });
    expect(executed).toEqual(['terminate']);
  });

  it('read-only mode refuses requests and approvals', async () => {
    const { service } = setup({ policy: { readOnly: true, approvers: [alice.id], twoPersonRule: false, maxActionsPerHour: 6 } });
    expect(service.request('terminate_idle', report(), alice)).toEqual({ ok: false, reason: 'read_only' });
    expect(await service.approve('whatever', alice)).toMatchObject({ ok: false, reason: 'read_only' });
  });

  it('the hourly cap stops the next action', async () => {
    const { service, executed } = setup({ policy: { readOnly: false, approvers: [alice.id], twoPersonRule: false, maxActionsPerHour: 2 } });
    for (let i = 0; i < 2; i++) expect(await service.approve(planId(service), alice)).toMatchObject({ ok: true });
    expect(await service.approve(planId(service), alice)).toMatchObject({ ok: false, reason: 'hourly_cap' });
    expect(executed).toHaveLength(2);
  });

  it('nothing to do gives no plan', () => {
    const { service } = setup();
    expect(service.request('stop_extra', buildReport('status', facts(), settings()), alice)).toEqual({ ok: false, reason: 'nothing_to_do' });
  });

  it('blind is not "nothing to do": what could not be read is the answer, and no plan is stored', () => {
    const { service, audit } = setup();
    const down = { ...facts(), postgres: { ok: false as const, error: { kind: 'unreachable' as const, source: 'postgres db:5432/madras', message: 'connect ECONNREFUSED' }, database: 'madras', host: 'db' } };
    expect(service.request('terminate_idle', buildReport('idle', down, settings()), alice)).toEqual({
      ok: false,
      reason: 'blind',
      unread: [{ kind: 'unreachable', source: 'postgres db:5432/madras', message: 'connect ECONNREFUSED' }],
    });
    const dockerDown = { ...facts(), instances: [{ source: 'docker unix:///var/run/docker.sock', ok: false, instances: [], error: { kind: 'unreachable' as const, source: 'docker unix:///var/run/docker.sock', message: 'connect ENOENT' } }] };
    expect(service.request('stop_extra', buildReport('instances', dockerDown, settings()), alice)).toMatchObject({ ok: false, reason: 'blind', unread: [{ message: 'connect ENOENT' }] });
    expect(audit.latest(10)).toEqual([]);
  });

  it('cancel: the requester or an approver (group members too), atomic, audited as cancelled', () => {
    const { service, audit } = setup();
    const first = planId(service, 'terminate_idle', mallory);
    expect(service.cancel(first, { kind: 'slack', id: 'U_EVE' })).toMatchObject({ ok: false, reason: 'cannot_cancel' });
    expect(service.cancel(first, { kind: 'slack', id: 'U_EVE', inApproverGroup: true })).toMatchObject({ ok: true });
    expect(service.cancel(first, mallory)).toMatchObject({ ok: false, reason: 'cancelled' });
    const second = planId(service, 'terminate_idle', mallory);
    expect(service.cancel(second, mallory)).toMatchObject({ ok: true });
    expect(audit.latest(10).map((e) => [e.event, e.actor, e.detail.reason])).toEqual([
      ['cancelled', 'slack:U_MALLORY', undefined],
      ['requested', 'slack:U_MALLORY', undefined],
      ['refused', 'slack:U_MALLORY', 'cancelled'],
      ['cancelled', 'slack:U_EVE', undefined],
      ['refused', 'slack:U_EVE', 'cannot_cancel'],
      ['requested', 'slack:U_MALLORY', undefined],
    ]);
  });

  it("the CLI's --dry-run is not a refusal", () => {
    const { service, audit } = setup();
    const id = planId(service, 'terminate_idle', { kind: 'cli', id: 'oncall' });
    service.dryRun(id, { kind: 'cli', id: 'oncall' });
    expect(audit.latest(2).map((e) => e.event)).toEqual(['dry_run', 'requested']);
    expect(service.planFor(id)?.status).toBe('cancelled');
  });

  it('a shutdown lets the running action finish and records the waiting check as skipped', async () => {
    const { service, audit, executed } = setup({ verifyDelayMs: 60_000 });
    const id = planId(service);
    const approval = service.approve(id, bob);
    const draining = service.drain(5_000);
    const result = await approval;
    await draining;
    expect(executed).toEqual(['terminate']);
    if (!result.ok) throw new Error(result.reason);
    expect(await result.verification).toEqual({ kind: 'skipped', reason: 'shutdown' });
    expect(audit.latest(2).map((e) => [e.event, e.detail.reason])).toEqual([['verify_skipped', 'shutdown'], ['executed', undefined]]);
    // Nothing new starts while stopping.
    expect(await service.approve(planId(service), bob)).toMatchObject({ ok: false, reason: 'shutting_down' });
  });

  it('a plan left running by a process that died is reconciled: targets re-checked, outcome recorded', async () => {
    const { service, db, audit, clock } = setup();
    const id = planId(service);
    // A claim whose process never came back: running, heartbeat a minute old.
    db.prepare(`UPDATE plans SET status = 'running', approved_at = ?, heartbeat_at = ? WHERE id = ?`).run(clock.now.toISOString(), new Date(clock.now.getTime() - 60_000).toISOString(), id);
    audit.record('executing', { at: clock.now, planId: id, action: 'terminate_idle', actor: 'slack:U_BOB' });
    expect(audit.latest(1)[0]?.event).toBe('outcome_unknown');
    const reconciled = await service.reconcile();
    expect(reconciled.map((r) => [r.plan.id, r.outcome?.action])).toEqual([[id, 'terminate_idle']]);
    expect(reconciled[0]?.outcome).toMatchObject({ sessions: [{ pid: 1, outcome: 'not_terminated' }, { pid: 2, outcome: 'not_terminated' }, { pid: 3, outcome: 'not_terminated' }] });
    expect(audit.latest(2).map((e) => e.event)).toEqual(['executed', 'executing']);
    expect(service.planFor(id)?.status).toBe('done');
    expect(await service.reconcile()).toEqual([]);
  });

  it('the hourly cap holds across two processes sharing the state file: it is part of the claim', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-cap-'));
    try {
      const file = path.join(dir, 'state.sqlite');
      const policy = { readOnly: false, approvers: [alice.id], twoPersonRule: false, maxActionsPerHour: 1 };
      const one = setup({ file, policy });
      const two = setup({ file, policy });
      const a = planId(one.service);
      const b = planId(two.service);
      // Both pass the guard's own count (none ran yet); the claim decides.
      const results = await Promise.all([one.service.approve(a, alice), two.service.approve(b, alice)]);
      expect(results.map((r) => (r.ok ? 'ok' : r.reason)).sort()).toEqual(['hourly_cap', 'ok']);
      one.db.close();
      two.db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the state file deleted under a running flow: actions refused, nothing touched', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-deleted-'));
    try {
      const file = path.join(dir, 'state.sqlite');
      const { service, executed, db } = setup({ file });
      const id = planId(service);
      await unlink(file);
      expect(db.problem()).toBe('deleted');
      expect(await service.approve(id, bob)).toMatchObject({ ok: false, reason: 'state_unavailable' });
      expect(service.request('terminate_idle', report(), alice)).toEqual({ ok: false, reason: 'state_unavailable' });
      expect(executed).toEqual([]);
      db.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stop extra: only the old instance, never below the expected count', async () => {
    const { service, executed, setRunning } = setup();
    const first = planId(service, 'stop_extra');
    const second = planId(service, 'stop_extra');
    const result = await service.approve(first, alice);
    expect(result.ok && result.outcome).toEqual({ action: 'stop_extra', instances: [{ id: 'old', name: 'php_swoole_app', outcome: 'stopped' }] });
    // The old one is gone; a second, stale plan must not stop anything else.
    setRunning([fresh]);
    const again = await service.approve(second, alice);
    expect(again.ok && again.outcome).toMatchObject({ instances: [{ id: 'old', outcome: 'already_stopped', reason: 'gone' }] });
    expect(executed).toEqual(['stop php_swoole_app']);
  });

  it('stop extra refuses when only the expected count still runs under another id', async () => {
    const { service, executed, setRunning } = setup();
    const id = planId(service, 'stop_extra');
    setRunning([old]); // the new one died meanwhile: the old one is now the only instance
    const result = await service.approve(id, alice);
    expect(result.ok && result.outcome).toMatchObject({ instances: [{ id: 'old', outcome: 'refused', reason: 'below_expected' }] });
    expect(executed).toEqual([]);
  });

  it('an executor failing (Docker down) is a clear, audited failure', async () => {
    const { service, audit } = setup({
      stoppers: [{ source: 'docker', stop: async () => { throw new Error('connect ENOENT /var/run/docker.sock'); } }],
    });
    const id = planId(service, 'stop_extra');
    expect(await service.approve(id, alice)).toMatchObject({ ok: false, reason: 'execution_failed', detail: expect.stringContaining('ENOENT') });
    expect(audit.latest(1)[0]).toMatchObject({ event: 'executed', detail: { error: expect.stringContaining('ENOENT') } });
  });

  it('an intent without an outcome (a crash in between) lists as outcome unknown', () => {
    const { audit, clock } = setup();
    audit.record('executing', { at: clock.now, planId: 'p1', action: 'terminate_idle', actor: 'slack:U_ALICE' });
    expect(audit.latest(1)[0]?.event).toBe('outcome_unknown');
  });

  it('a broken state store refuses the action and touches nothing', async () => {
    const { service, db, executed } = setup();
    const id = planId(service);
    db.close();
    expect(service.request('terminate_idle', report(), alice)).toEqual({ ok: false, reason: 'state_unavailable' });
    expect(await service.approve(id, alice)).toMatchObject({ ok: false, reason: 'state_unavailable' });
    expect(executed).toEqual([]);
  });

  it('a full disk (SQLite cannot grow) refuses the action before anything runs', async () => {
    const { service, db, executed } = setup();
    const id = planId(service);
    // max_page_count at the current size: every write that needs a new page fails with SQLITE_FULL.
    const { page_count: pages } = db.prepare('PRAGMA page_count').get() as { page_count: number };
    db.exec(`PRAGMA max_page_count = ${pages}`);
    // Fill every table's last page too: rows of shrinking size until not even a small one fits.
    const auditRow = db.prepare(`INSERT INTO audit (at, event, detail) VALUES ('x', 'requested', ?)`);
    const planRow = db.prepare(`INSERT INTO plans (id, action, body, status, created_at, expires_at) VALUES (?, 'x', ?, 'done', 'x', 'x')`);
    let n = 0;
    const fillers = [(text: string) => auditRow.run(text), (text: string) => planRow.run(`f${n++}`, text)];
    for (const size of [1000, 100, 10, 1]) {
      for (const fill of fillers) {
        expect(() => {
          for (;;) fill('x'.repeat(size));
        }).toThrow(/full/i);
      }
    }
    expect(service.request('terminate_idle', report(), alice)).toEqual({ ok: false, reason: 'state_unavailable' });
    expect(await service.approve(id, bob)).toMatchObject({ ok: false, reason: 'state_unavailable' });
    expect(executed).toEqual([]);
  });
});
