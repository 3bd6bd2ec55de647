import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/actions/audit-log.js';
import type { InstanceOutcome, InstanceStopper, SessionOutcome, SessionTerminator } from '../../src/actions/executors.js';
import { PlanStore } from '../../src/actions/plan-store.js';
import { RemediationService, type RemediationDeps } from '../../src/actions/remediation-service.js';
import type { AppInstance } from '../../src/core/facts.js';
import { buildReport } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { openStateDb } from '../../src/state/state-store.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const alice = { kind: 'slack' as const, id: 'U_ALICE' };
const bob = { kind: 'slack' as const, id: 'U_BOB' };
const mallory = { kind: 'slack' as const, id: 'U_MALLORY' };

const idle = [1, 2, 3].map((pid) => ({ pid, user: 'app', application: 'php', client: '10.0.0.5', idleSeconds: 1200, backendStart: '2026-11-26T09:00:00.123456+00' }));
const old = instance({ id: 'old', name: 'php_swoole_app', createdAt: '2026-11-20T08:00:00.000Z' });
const fresh = instance({ id: 'new', name: 'php_swoole_app_new' });
const report = () => buildReport('status', facts({ idleSessions: idle }, [fresh, old]), settings());

function setup(overrides: Partial<RemediationDeps> = {}, clock = { now: new Date('2026-11-26T10:00:00Z') }) {
  const db = openStateDb(':memory:');
  const executed: string[] = [];
  const terminator: SessionTerminator = {
    async terminateIdle(sessions): Promise<SessionOutcome[]> {
      executed.push('terminate');
      await new Promise((r) => setTimeout(r, 20));
      return sessions.map((s) => ({ pid: s.pid, outcome: 'terminated' }));
    },
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
  const service = new RemediationService({
    store: new PlanStore(db),
    audit,
    policy: { readOnly: false, approvers: [alice.id, bob.id], twoPersonRule: false, maxActionsPerHour: 6 },
    terminator,
    stoppers: [stopper],
    observeInstances: async () => running,
    now: () => clock.now,
    logger: silentLogger(),
    planTtlMinutes: 15,
    stopGraceSeconds: 1,
    ...overrides,
  });
  return { db, service, executed, audit, clock, setRunning: (r: AppInstance[]) => (running = r) };
}

function planId(service: RemediationService, action: 'terminate_idle' | 'stop_extra' = 'terminate_idle', by = alice): string {
  const r = service.request(action, report(), by);
  if (!r.ok) throw new Error(r.reason);
  return r.plan.id;
}

describe('remediation guards', () => {
  it('an approver runs the plan once; it is audited from request to outcome', async () => {
    const { service, executed, audit } = setup();
    const id = planId(service);
    const result = await service.approve(id, bob);
    expect(result.ok).toBe(true);
    expect(executed).toEqual(['terminate']);
    expect(audit.latest(10).map((e) => e.event).reverse()).toEqual(['requested', 'approved', 'executing', 'executed']);
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
    // the plan is still there for a real approver
    expect(await service.approve(id, bob)).toMatchObject({ ok: true });
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

  it('stop extra: only the old instance, never below the expected count', async () => {
    const { service, executed, setRunning } = setup();
    const first = planId(service, 'stop_extra');
    const second = planId(service, 'stop_extra');
    const result = await service.approve(first, alice);
    expect(result.ok && result.outcome).toEqual({ action: 'stop_extra', instances: [{ id: 'old', name: 'php_swoole_app', outcome: 'stopped' }] });
    // The old one is gone; a second, stale plan must not stop anything else.
    setRunning([fresh]);
    const again = await service.approve(second, alice);
    expect(again.ok && again.outcome).toMatchObject({ instances: [{ id: 'old', outcome: 'already_stopped' }] });
    expect(executed).toEqual(['stop php_swoole_app']);
  });

  it('stop extra refuses when only the expected count still runs under another id', async () => {
    const { service, executed, setRunning } = setup();
    const id = planId(service, 'stop_extra');
    setRunning([old]); // the new one died meanwhile: the old one is now the only instance
    const result = await service.approve(id, alice);
    expect(result.ok && result.outcome).toMatchObject({ instances: [{ id: 'old', outcome: 'refused' }] });
    expect(executed).toEqual([]);
  });

  it('an executor failing (Docker down) is a clear, audited failure', async () => {
    const { service, audit } = setup({
      stoppers: [{ source: 'docker', stop: async () => { throw new Error('connect ENOENT /var/run/docker.sock'); } }],
    });
    const id = planId(service, 'stop_extra');
    expect(await service.approve(id, alice)).toMatchObject({ ok: false, reason: 'execution_failed', message: expect.stringContaining('ENOENT') });
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
