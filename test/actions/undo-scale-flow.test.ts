/**
 * Issue #13 in the one remediation flow: a Swarm service in a stop_extra plan is scaled through its
 * scaler (never its task containers stopped), the scale-down stores its Undo as a plan of its own,
 * and the check after either waits for the orchestrator to converge. The flow, the plan store, the
 * audit and the executor are the real ones; the scaler is a stand-in engine with a desired count.
 */
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/actions/audit-log.js';
import { createPlanExecutor } from '../../src/actions/execute-plan.js';
import type { InstanceOutcome, InstanceStopper, ScaleTarget, ServiceScaler } from '../../src/actions/executors.js';
import { PlanStore } from '../../src/actions/plan-store.js';
import { RemediationFlow, type FlowDeps } from '../../src/actions/remediation-flow.js';
import type { AppInstance, InstanceObservation } from '../../src/core/facts.js';
import { buildReport } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { openStateDb } from '../../src/state/state-store.js';
import { settings } from '../fixtures/report-settings.js';
import { swarmService, task, withServices } from '../fixtures/swarm.js';

const alice = { kind: 'slack' as const, id: 'U_ALICE' };
const bob = { kind: 'slack' as const, id: 'U_BOB' };
const mallory = { kind: 'slack' as const, id: 'U_MALLORY' };

/** An engine's view: the desired count per service, and the tasks that run (they follow when told to). */
function engine() {
  const desired = new Map([
    ['svc-old', 1],
    ['svc-new', 1],
  ]);
  const tasks = new Map([
    ['svc-old', 1],
    ['svc-new', 1],
  ]);
  const scaled: string[] = [];
  const scaler: ServiceScaler = {
    kind: 'swarm',
    async scale(target: ScaleTarget, to: number, expectFrom: number): Promise<InstanceOutcome> {
      const base = { id: target.id, name: target.name };
      const now = desired.get(target.id);
      if (now === undefined) return { ...base, outcome: 'refused', reason: 'gone' };
      if (now !== expectFrom) return { ...base, outcome: 'refused', reason: 'replicas_changed' };
      desired.set(target.id, to);
      scaled.push(`${target.name} ${now}->${to}`);
      return { ...base, outcome: 'scaled', scaledFrom: now, scaledTo: to };
    },
  };
  const old = () => swarmService({ id: 'svc-old', name: 'php_swoole_app', desiredReplicas: desired.get('svc-old')! });
  const fresh = () => swarmService({ id: 'svc-new', name: 'php_swoole_app_new', desiredReplicas: desired.get('svc-new')!, createdAt: '2026-11-26T08:00:00.000Z' });
  const facts = () => {
    const instances: AppInstance[] = [
      ...Array.from({ length: tasks.get('svc-old')! }, (_, i) => task(old(), i + 1)),
      ...Array.from({ length: tasks.get('svc-new')! }, (_, i) => task(fresh(), i + 1)),
    ];
    // Each running task holds its 40 connections.
    return withServices(instances, [old(), fresh()], { appConnections: 40 * instances.length, clientConnections: 40 * instances.length + 1 });
  };
  return { desired, tasks, scaled, scaler, facts, observe: async (): Promise<InstanceObservation[]> => facts().instances };
}

function setup(overrides: Partial<FlowDeps> = {}) {
  const db = openStateDb(':memory:');
  const e = engine();
  const stopped: string[] = [];
  const stopper: InstanceStopper = {
    source: 'docker',
    async stop(c) {
      stopped.push(c.name);
      return { id: c.id, name: c.name, outcome: 'stopped' };
    },
  };
  let looks = 0;
  const flow = new RemediationFlow({
    store: new PlanStore(db),
    audit: new AuditLog(db, silentLogger()),
    stateProblem: () => db.problem(),
    policy: { readOnly: false, approvers: [alice.id, bob.id], twoPersonRule: false, maxActionsPerHour: 6 },
    executor: createPlanExecutor({ terminator: null, stoppers: [stopper], scalers: [e.scaler], observeInstances: e.observe, stopGraceSeconds: 1 }),
    diagnoseAfter: async () => {
      looks++;
      // The orchestrator gets there on the second look after the action.
      if (looks >= 2) for (const [id, n] of e.desired) e.tasks.set(id, n);
      return buildReport('status', e.facts(), settings());
    },
    now: () => new Date('2026-11-26T10:00:00Z'),
    logger: silentLogger(),
    planTtlMinutes: 15,
    verifyDelayMs: 0,
    convergePollMs: 1,
    ...overrides,
  });
  return { db, flow, e, stopped, audit: new AuditLog(db, silentLogger()), looks: () => looks };
}

function requestScaleDown(flow: RemediationFlow, e: ReturnType<typeof engine>, by = alice) {
  const planned = flow.request('stop_extra', buildReport('status', e.facts(), settings()), by);
  if (!planned.ok || planned.plan.action !== 'stop_extra') throw new Error(JSON.stringify(planned));
  return planned.plan;
}

describe('a Swarm service in the remediation flow', () => {
  it('is scaled, never stopped; the scale-down stores its Undo (audited, asked by the approver) and its check waits until Swarm converged', async () => {
    const { flow, e, stopped, audit } = setup();
    const plan = requestScaleDown(flow, e);
    expect(plan.candidates.map((c) => [c.name, c.scale?.from, c.scale?.to])).toEqual([['php_swoole_app', 1, 0]]);
    const result = await flow.approve(plan.id, bob);
    if (!result.ok) throw new Error(result.reason);
    expect(stopped).toEqual([]);
    expect(e.scaled).toEqual(['php_swoole_app 1->0']);
    expect(result.outcome).toEqual({ action: 'stop_extra', instances: [{ id: 'svc-old', name: 'php_swoole_app', outcome: 'scaled', scaledFrom: 1, scaledTo: 0 }] });
    expect(result.undo).toMatchObject({ action: 'undo_scale', undoes: plan.id, requestedBy: bob, before: plan.before, services: [{ id: 'svc-old', from: 0, to: 1 }] });
    expect(Date.parse(result.undo!.expiresAt) - Date.parse(result.undo!.createdAt)).toBe(24 * 3_600_000);
    expect(result.undo!.id.startsWith('-')).toBe(false);

    const check = await result.verification;
    expect(check).toMatchObject({
      kind: 'verified',
      after: { runningInstances: 1, connections: 40 }, // the app's 40; dbpool's own apart
      convergence: { converged: true, services: [{ name: 'php_swoole_app', running: 0, wanted: 0 }], connections: 40 },
    });
    const events = audit.latest(20).reverse();
    expect(events.map((x) => `${x.event} ${x.action}`)).toEqual([
      'requested stop_extra',
      'approved stop_extra',
      'executing stop_extra',
      'executed stop_extra',
      'requested undo_scale',
      'verified stop_extra',
    ]);
    expect(events[0]?.detail).toMatchObject({ scale: [{ service: 'php_swoole_app', from: 1, to: 0 }] });
    expect(events[4]).toMatchObject({ actor: 'slack:U_BOB', detail: { undoes: plan.id, scale: [{ service: 'php_swoole_app', from: 0, to: 1 }] } });
  });

  it('the Undo is a plan like any other: the same guard, claimed once, its check compared with the figures before the scale-down', async () => {
    const { flow, e } = setup();
    const plan = requestScaleDown(flow, e);
    const result = await flow.approve(plan.id, bob);
    if (!result.ok || !result.undo) throw new Error('expected an undo');
    await result.verification;
    const undo = result.undo;
    expect(flow.pendingUndo(undo.id)).toEqual({ ok: true, plan: undo });
    expect(flow.pendingUndo(plan.id)).toEqual({ ok: false, reason: 'unknown_plan' });
    expect(flow.pendingUndo('A'.repeat(22))).toEqual({ ok: false, reason: 'unknown_plan' });

    expect(await flow.approve(undo.id, mallory)).toMatchObject({ ok: false, reason: 'not_approver' });
    const both = await Promise.all([flow.approve(undo.id, alice), flow.approve(undo.id, bob)]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(e.scaled).toEqual(['php_swoole_app 1->0', 'php_swoole_app 0->1']);
    const done = both.find((r) => r.ok);
    if (!done?.ok) throw new Error('expected one approval');
    expect(done.outcome).toEqual({ action: 'undo_scale', instances: [{ id: 'svc-old', name: 'php_swoole_app', outcome: 'scaled', scaledFrom: 0, scaledTo: 1 }] });
    expect(done.undo).toBeUndefined();
    expect(await done.verification).toMatchObject({
      kind: 'verified',
      undoes: true,
      before: plan.before,
      convergence: { converged: true, services: [{ name: 'php_swoole_app', running: 1, wanted: 1 }] },
    });
    expect(flow.pendingUndo(undo.id)).toEqual({ ok: false, reason: 'already_ran' });
  });

  it('an Undo is refused when the service was changed since the scale-down, and under the two-person rule by whoever scaled it down', async () => {
    const { flow, e } = setup({ policy: { readOnly: false, approvers: [alice.id, bob.id], twoPersonRule: true, maxActionsPerHour: 6 } });
    const plan = requestScaleDown(flow, e);
    const result = await flow.approve(plan.id, bob);
    if (!result.ok || !result.undo) throw new Error('expected an undo');
    await result.verification;
    expect(await flow.approve(result.undo.id, bob)).toMatchObject({ ok: false, reason: 'requester_cannot_approve' });
    e.desired.set('svc-old', 3); // someone scaled it by hand since
    const undone = await flow.approve(result.undo.id, alice);
    expect(undone.ok && undone.outcome.action === 'undo_scale' && undone.outcome.instances).toEqual([{ id: 'svc-old', name: 'php_swoole_app', outcome: 'refused', reason: 'replicas_changed' }]);
    expect(e.desired.get('svc-old')).toBe(3);
  });

  it('a shutdown ends the wait for an orchestrator that does not converge: the check says so at once', async () => {
    let looked: () => void = () => {};
    const firstLook = new Promise<void>((resolve) => (looked = resolve));
    const { flow, e } = setup({
      diagnoseAfter: async () => {
        looked();
        return buildReport('status', e.facts(), settings());
      },
      convergeTimeoutMs: 600_000,
      convergePollMs: 60_000,
    });
    const plan = requestScaleDown(flow, e);
    const result = await flow.approve(plan.id, bob);
    if (!result.ok) throw new Error(result.reason);
    // The check is running (it looked once and waits for the next look) when dbpool is told to stop.
    await firstLook;
    await flow.drain(30_000);
    expect(await result.verification).toMatchObject({ kind: 'verified', convergence: { converged: false, services: [{ running: 1, wanted: 0 }] } });
  });

  it('a scale left running by a process that died is reconciled from the desired count the engine has now', async () => {
    const { flow, e, db } = setup();
    const plan = requestScaleDown(flow, e);
    // Claimed and scaled, then the process died before recording the outcome.
    new PlanStore(db).claim(plan.id, bob, new Date('2026-11-26T09:00:00Z'), 6);
    e.desired.set('svc-old', 0);
    const [reconciled] = await flow.reconcile();
    expect(reconciled?.outcome).toEqual({ action: 'stop_extra', instances: [{ id: 'svc-old', name: 'php_swoole_app', outcome: 'scaled', scaledFrom: 1, scaledTo: 0 }] });
  });
});
