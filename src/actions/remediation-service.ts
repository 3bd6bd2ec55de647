import type { AppInstance } from '../core/facts.js';
import type { Report } from '../core/report.js';
import type { Logger } from '../logger.js';
import { checkApproval, type Refusal, type RemediationPolicy } from './approval-guard.js';
import type { AuditLog } from './audit-log.js';
import type { InstanceOutcome, InstanceStopper, ServiceScaler, SessionOutcome, SessionTerminator } from './executors.js';
import type { PlanStore } from './plan-store.js';
import {
  planStopExtra,
  planTerminateIdle,
  planUndoScale,
  type Actor,
  type RemediationAction,
  type RemediationPlan,
  type StopExtraPlan,
  type UndoScalePlan,
} from './remediation-plan.js';
import { scaleDownCandidate, undoScale } from './scale-service.js';

export interface RemediationDeps {
  store: PlanStore;
  audit: AuditLog;
  policy: RemediationPolicy;
  terminator: SessionTerminator | null;
  stoppers: InstanceStopper[];
  /** Issue #13: orchestrated services are scaled, not stopped. Absent: none can be. */
  scalers?: ServiceScaler[];
  /** Fresh look at the running instances, to re-check a stop plan at execution. */
  observeInstances: () => Promise<AppInstance[]>;
  now: () => Date;
  logger: Logger;
  planTtlMinutes: number;
  stopGraceSeconds: number;
  /** Counters for /metrics. */
  onRun?: (action: RemediationAction, outcome: 'ok' | 'failed') => void;
  onRefused?: (action: RemediationAction | 'unknown', reason: string) => void;
}

export type RequestResult =
  | { ok: true; plan: RemediationPlan }
  | { ok: false; reason: 'read_only' | 'nothing_to_do' | 'state_unavailable' | 'unknown_plan' };

export type ExecutionOutcome =
  | { action: 'terminate_idle'; sessions: SessionOutcome[] }
  | { action: 'stop_extra'; instances: InstanceOutcome[] }
  | { action: 'undo_scale'; instances: InstanceOutcome[] };

/** `undo`: offered when the action scaled services down (issue #13), itself a plan to approve. */
export type ApprovalResult =
  | { ok: true; plan: RemediationPlan; outcome: ExecutionOutcome; approvedAt: string; undo?: UndoScalePlan }
  | { ok: false; reason: Refusal | 'state_unavailable' | 'execution_failed'; plan: RemediationPlan | null; message?: string };

const actorId = (a: Actor) => `${a.kind}:${a.id}`;

/** Plans, guards, executes exactly once, and audits the runbook's fixes 3 and 4. */
export class RemediationService {
  constructor(private readonly deps: RemediationDeps) {}

  get policy(): RemediationPolicy {
    return this.deps.policy;
  }

  /** Turns the report's finding into a stored plan; the caller shows it and asks for a confirm. */
  request(action: RemediationAction, report: Report, requester: Actor): RequestResult {
    const { store, audit, now, policy, planTtlMinutes } = this.deps;
    if (policy.readOnly) return { ok: false, reason: 'read_only' };
    const at = now();
    const plan =
      action === 'terminate_idle'
        ? planTerminateIdle(report, requester, at, planTtlMinutes)
        : planStopExtra(report, requester, at, planTtlMinutes);
    if (!plan) return { ok: false, reason: 'nothing_to_do' };
    try {
      store.save(plan);
      audit.record('requested', { at, planId: plan.id, action, actor: actorId(requester), detail: describe(plan) });
    } catch (err) {
      this.deps.logger.error({ err, action }, 'state store unavailable: remediation refused');
      return { ok: false, reason: 'state_unavailable' };
    }
    return { ok: true, plan };
  }

  /** The confirm click. Runs the plan at most once, for an allowed approver, before it expires. */
  async approve(
    planId: string,
    approver: Actor,
    hooks: { onClaimed?: (plan: RemediationPlan, approvedAt: Date) => Promise<void> } = {},
  ): Promise<ApprovalResult> {
    const { store, audit, now, policy } = this.deps;
    const at = now();
    let stored;
    let verdict;
    try {
      stored = store.get(planId);
      verdict = checkApproval({
        plan: stored?.plan ?? null,
        status: stored?.status ?? null,
        approver,
        now: at,
        policy,
        actionsInLastHour: audit.executionsSince(new Date(at.getTime() - 3_600_000)),
      });
      if (!verdict.ok) {
        this.deps.onRefused?.(stored?.plan.action ?? 'unknown', verdict.reason);
        audit.record('refused', { at, planId: stored ? planId : undefined, action: stored?.plan.action, actor: actorId(approver), detail: { reason: verdict.reason } });
        return { ok: false, reason: verdict.reason, plan: stored?.plan ?? null };
      }
      if (!stored || !store.claim(planId, approver, at)) {
        this.deps.onRefused?.(stored?.plan.action ?? 'unknown', 'already_ran');
        audit.record('refused', { at, planId, action: stored?.plan.action, actor: actorId(approver), detail: { reason: 'already_ran' } });
        return { ok: false, reason: 'already_ran', plan: stored?.plan ?? null };
      }
      audit.record('approved', { at, planId, action: stored.plan.action, actor: actorId(approver) });
      // The intent goes down before anything is touched.
      audit.record('executing', { at, planId, action: stored.plan.action, actor: actorId(approver), detail: describe(stored.plan) });
    } catch (err) {
      this.deps.logger.error({ err, planId }, 'state store unavailable: remediation refused');
      return { ok: false, reason: 'state_unavailable', plan: stored?.plan ?? null };
    }

    const plan = stored.plan;
    let outcome: ExecutionOutcome;
    try {
      // The front end shows at once that the plan is taken (Slack: the buttons go away).
      await hooks.onClaimed?.(plan, at).catch((err: unknown) => this.deps.logger.warn({ err, planId }, 'could not show the approval'));
      outcome = await this.execute(plan);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.deps.onRun?.(plan.action, 'failed');
      this.safely(() => {
        audit.record('executed', { at: now(), planId, action: plan.action, actor: actorId(approver), detail: { error: message } });
        store.finish(planId, 'failed');
      });
      return { ok: false, reason: 'execution_failed', plan, message };
    }
    this.deps.onRun?.(plan.action, 'ok');
    this.safely(() => {
      audit.record('executed', { at: now(), planId, action: plan.action, actor: actorId(approver), detail: { outcome } });
      store.finish(planId, 'done');
    });
    const undo = this.offerUndo(plan, outcome, approver);
    return { ok: true, plan, outcome, approvedAt: at.toISOString(), ...(undo ? { undo } : {}) };
  }

  /**
   * Issue #13: a scale-down is stored with its Undo (the previous replica counts), audited as
   * requested by the approver; it runs only through approve(), with every guard of any plan.
   */
  private offerUndo(plan: RemediationPlan, outcome: ExecutionOutcome, approver: Actor): UndoScalePlan | null {
    if (plan.action !== 'stop_extra' || outcome.action !== 'stop_extra') return null;
    const at = this.deps.now();
    const undo = planUndoScale(plan, outcome.instances, approver, at);
    if (!undo) return null;
    try {
      this.deps.store.save(undo);
      this.deps.audit.record('requested', { at, planId: undo.id, action: undo.action, actor: actorId(approver), detail: describe(undo) });
      return undo;
    } catch (err) {
      this.deps.logger.error({ err, planId: plan.id }, 'could not store the undo: scale back by hand');
      return null;
    }
  }

  /** `dbpool undo <id>`: the stored Undo, if it is one and still pending. */
  pendingUndo(planId: string): RequestResult {
    if (this.deps.policy.readOnly) return { ok: false, reason: 'read_only' };
    let stored;
    try {
      stored = this.deps.store.get(planId);
    } catch (err) {
      this.deps.logger.error({ err, planId }, 'state store unavailable');
      return { ok: false, reason: 'state_unavailable' };
    }
    if (!stored || stored.plan.action !== 'undo_scale') return { ok: false, reason: 'unknown_plan' };
    if (stored.status !== 'pending') return { ok: false, reason: 'nothing_to_do' };
    return { ok: true, plan: stored.plan };
  }

  /** A stored plan and its status, for the front ends (who may cancel, what the message shows). */
  planFor(planId: string) {
    return this.deps.store.get(planId);
  }

  auditEntries(limit: number) {
    return this.deps.audit.latest(limit);
  }

  /** Whoever asked may withdraw a pending plan (the Cancel button). */
  cancel(planId: string, actor: Actor): boolean {
    const stored = this.deps.store.get(planId);
    if (!stored || stored.status !== 'pending') return false;
    this.deps.store.finish(planId, 'cancelled');
    this.deps.audit.record('refused', { at: this.deps.now(), planId, action: stored.plan.action, actor: actorId(actor), detail: { reason: 'cancelled' } });
    return true;
  }

  private async execute(plan: RemediationPlan): Promise<ExecutionOutcome> {
    if (plan.action === 'terminate_idle') {
      if (!this.deps.terminator) throw new Error('no PostgreSQL connection to terminate sessions with');
      return { action: 'terminate_idle', sessions: await this.deps.terminator.terminateIdle(plan.sessions, plan.minutes) };
    }
    if (plan.action === 'undo_scale') return { action: 'undo_scale', instances: await undoScale(plan, this.deps.scalers ?? []) };
    return { action: 'stop_extra', instances: await this.stopExtra(plan) };
  }

  /** Re-checks against a fresh look: never below the expected count, never something that stopped matching. */
  private async stopExtra(plan: StopExtraPlan): Promise<InstanceOutcome[]> {
    const running = (await this.deps.observeInstances()).filter((i) => i.state === 'running');
    let remaining = running.length;
    const outcomes: InstanceOutcome[] = [];
    for (const candidate of plan.candidates) {
      // Issue #13: a service is scaled through its orchestrator; its task containers are never stopped.
      const scale = candidate.scale;
      if (scale) {
        const scaled = await scaleDownCandidate({ ...candidate, scale }, running, remaining, plan.expectedInstances, this.deps.scalers ?? []);
        remaining = scaled.remaining;
        outcomes.push(scaled.outcome);
        continue;
      }
      const current = running.find((i) => i.id === candidate.id);
      if (!current) {
        outcomes.push({ id: candidate.id, name: candidate.name, outcome: 'already_stopped', message: 'no longer running, or no longer matches the app' });
        continue;
      }
      if (current.createdAt !== candidate.createdAt) {
        // A pid reused by another process since the report.
        outcomes.push({ id: candidate.id, name: candidate.name, outcome: 'refused', message: 'a different instance now has this id' });
        continue;
      }
      if (remaining <= plan.expectedInstances) {
        outcomes.push({ id: candidate.id, name: candidate.name, outcome: 'refused', message: 'would leave fewer instances than expected' });
        continue;
      }
      const stopper = this.deps.stoppers.find((s) => s.source === candidate.source);
      if (!stopper) {
        outcomes.push({ id: candidate.id, name: candidate.name, outcome: 'refused', message: `no way to stop a ${candidate.source} instance` });
        continue;
      }
      const result = await stopper.stop(candidate, this.deps.stopGraceSeconds);
      if (result.outcome === 'stopped' || result.outcome === 'killed') remaining--;
      outcomes.push(result);
    }
    return outcomes;
  }

  private safely(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.deps.logger.error({ err }, 'could not record the outcome: the audit shows it as unknown');
    }
  }
}

function describe(plan: RemediationPlan): Record<string, unknown> {
  if (plan.action === 'terminate_idle') return { database: plan.target.database, minutes: plan.minutes, pids: plan.sessions.map((s) => s.pid) };
  // The replica counts before and after go into the trail: what Undo restores.
  if (plan.action === 'undo_scale') return { undoes: plan.undoes, scale: plan.services.map((s) => ({ service: s.name, from: s.from, to: s.to })) };
  const scale = plan.candidates.flatMap((c) => (c.scale ? [{ service: c.name, from: c.scale.from, to: c.scale.to }] : []));
  return { candidates: plan.candidates.map((c) => c.name), expected: plan.expectedInstances, ...(scale.length > 0 ? { scale } : {}) };
}
