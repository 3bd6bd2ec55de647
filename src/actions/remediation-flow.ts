import { actionFigures, type ActionFigures } from '../core/action-figures.js';
import type { Report } from '../core/report.js';
import type { Logger } from '../logger.js';
import { checkApproval, checkCancel, type Refusal, type RemediationPolicy } from './approval-guard.js';
import type { AuditLog } from './audit-log.js';
import { convergenceTargets, diagnoseAfterAction, type Convergence } from './await-convergence.js';
import { DelayedChecks } from './delayed-checks.js';
import type { ExecutionOutcome, PlanExecutor } from './execute-plan.js';
import type { PlanMessage, PlanStore, StoredPlan } from './plan-store.js';
import {
  makePlan,
  planUndoScale,
  type Actor,
  type BlindSpot,
  type ProposedAction,
  type RemediationAction,
  type RemediationPlan,
  type UndoScalePlan,
} from './remediation-plan.js';

/**
 * Remediation from the request to the check after the action: the one flow behind the Slack
 * buttons and the CLI's confirm, read top to bottom.
 *
 *   request  -> a stored plan for exactly what the report showed; nothing runs
 *   approve  -> guard and claim (one UPDATE, hourly cap included) -> execute at once -> record the
 *               outcome -> after the delay, diagnose again (after a scale, until the orchestrator
 *               converged, within a bound) and record the before/after
 *   undo     -> a scale-down stores its Undo at once: a plan like any other, approved the same way
 *   cancel   -> atomic, by whoever asked or an approver
 *
 * Nothing here waits on a front end: an approved action runs whatever Slack is doing, and the front
 * ends only render what these methods return.
 */
export interface FlowDeps {
  store: PlanStore;
  audit: AuditLog;
  /** Why the state file cannot be trusted now (deleted, replaced); null when sound. */
  stateProblem: () => string | null;
  policy: RemediationPolicy;
  executor: PlanExecutor;
  /** The check after the action: a status diagnosis counting only log lines since then. */
  diagnoseAfter: (plan: RemediationPlan, since: Date) => Promise<Report>;
  now: () => Date;
  logger: Logger;
  planTtlMinutes: number;
  verifyDelayMs: number;
  /** How long the check after a scale waits for the orchestrator to converge; default 120 s. */
  convergeTimeoutMs?: number;
  /** How often it looks meanwhile; default 2 s. */
  convergePollMs?: number;
  /** How often a running plan shows it is alive; default 5 s. */
  heartbeatMs?: number;
  /** Counters for /metrics. */
  onRun?: (action: RemediationAction, outcome: 'ok' | 'failed') => void;
  onRefused?: (action: RemediationAction | 'unknown', reason: string) => void;
}

export type RequestResult =
  | { ok: true; plan: RemediationPlan }
  | { ok: false; reason: 'read_only' | 'nothing_to_do' | 'state_unavailable' }
  | { ok: false; reason: 'blind'; unread: BlindSpot[] }
  /** `undo <id>`: no such Undo, or it is no longer pending. */
  | { ok: false; reason: Extract<Refusal, 'unknown_plan' | 'already_ran' | 'cancelled' | 'expired'> };

/**
 * `convergence`: after a scale, whether the orchestrator got there within the bound; null otherwise.
 * `undoes`: the check after an Undo compares with the figures before the scale-down it reverses.
 */
export type Verification =
  | { kind: 'verified'; before: ActionFigures; after: ActionFigures; convergence: Convergence | null; undoes?: boolean }
  | { kind: 'skipped'; reason: 'shutdown' | 'failed' };

/** `undo`: offered when the action scaled services down (issue #13), itself a plan to approve. */
export type ApprovalResult =
  | { ok: true; plan: RemediationPlan; outcome: ExecutionOutcome; approvedAt: string; verification: Promise<Verification>; undo?: UndoScalePlan }
  | { ok: false; reason: Refusal; plan: RemediationPlan | null }
  | { ok: false; reason: 'execution_failed'; plan: RemediationPlan; detail: string };

export type CancelResult = { ok: true; plan: RemediationPlan } | { ok: false; reason: Refusal };

/** A plan found running at start-up whose process is gone: what became of its targets. */
export interface ReconciledPlan {
  plan: RemediationPlan;
  message: PlanMessage | null;
  outcome: ExecutionOutcome | null;
}

const actorId = (a: Actor) => `${a.kind}:${a.id}`;

export class RemediationFlow {
  private closing = false;
  private readonly executing = new Map<string, Promise<unknown>>();
  private readonly checks = new DelayedChecks<Verification>();
  /** Ends the waits for an orchestrator to converge when dbpool stops. */
  private readonly stopping = new AbortController();

  constructor(private readonly d: FlowDeps) {}

  /** Turns the report into a stored plan; the front end shows it and asks for a confirm. */
  request(action: ProposedAction, report: Report, requester: Actor): RequestResult {
    const { store, audit, now, policy } = this.d;
    if (policy.readOnly) return { ok: false, reason: 'read_only' };
    const planned = makePlan(action, report, requester, now(), this.d.planTtlMinutes);
    if (!planned.ok) return planned;
    const { plan } = planned;
    return this.writing(() => {
      store.save(plan);
      audit.record('requested', { at: now(), planId: plan.id, action, actor: actorId(requester), detail: describe(plan) });
      return { ok: true, plan };
    }) ?? { ok: false, reason: 'state_unavailable' };
  }

  /** The confirm: runs the plan at most once, for an allowed approver, before it expires, at once. */
  async approve(planId: string, approver: Actor, onClaimed?: (plan: RemediationPlan) => void): Promise<ApprovalResult> {
    const at = this.d.now();
    const claimed = this.claim(planId, approver, at);
    if (!claimed.ok) return claimed;
    const { plan } = claimed;
    // The front end may show at once that the plan is taken; it is not waited for.
    onClaimed?.(plan);
    const execution = this.execute(plan, approver);
    this.executing.set(plan.id, execution);
    try {
      const outcome = await execution;
      if ('failed' in outcome) return { ok: false, reason: 'execution_failed', plan, detail: outcome.failed };
      const undo = this.offerUndo(plan, outcome, approver);
      return { ok: true, plan, outcome, approvedAt: at.toISOString(), verification: this.verifyLater(plan, at, outcome), ...(undo ? { undo } : {}) };
    } finally {
      this.executing.delete(plan.id);
    }
  }

  /** `undo <id>`: the stored Undo, if it is one and still pending; approving it goes through approve(). */
  pendingUndo(planId: string): RequestResult {
    if (this.d.policy.readOnly) return { ok: false, reason: 'read_only' };
    const stored = this.read(planId);
    if (stored === 'unavailable') return { ok: false, reason: 'state_unavailable' };
    if (!stored || stored.plan.action !== 'undo_scale') return { ok: false, reason: 'unknown_plan' };
    if (stored.status === 'cancelled') return { ok: false, reason: 'cancelled' };
    if (stored.status !== 'pending') return { ok: false, reason: 'already_ran' };
    if (Date.parse(stored.plan.expiresAt) <= this.d.now().getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, plan: stored.plan };
  }

  /** Withdraws a pending plan: whoever asked, or anyone who may approve it. */
  cancel(planId: string, actor: Actor): CancelResult {
    const stored = this.read(planId);
    if (stored === 'unavailable') return { ok: false, reason: 'state_unavailable' };
    const verdict = checkCancel(stored?.plan ?? null, stored?.status ?? null, actor, this.d.policy);
    const done = verdict.ok && stored ? this.writing(() => this.d.store.cancel(planId)) : false;
    if (!stored || !done) return this.refused(stored?.plan ?? null, actor, verdict.ok ? 'already_ran' : verdict.reason);
    this.d.audit.record('cancelled', { at: this.d.now(), planId, action: stored.plan.action, actor: actorId(actor) });
    return { ok: true, plan: stored.plan };
  }

  /** The CLI's --dry-run: the plan was shown, nothing runs; not a refusal. */
  dryRun(planId: string, actor: Actor): void {
    this.writing(() => {
      const stored = this.d.store.get(planId);
      if (stored && this.d.store.cancel(planId)) {
        this.d.audit.record('dry_run', { at: this.d.now(), planId, action: stored.plan.action, actor: actorId(actor) });
      }
    });
  }

  /** Where the front end shows the plan, to update it after a restart. */
  attachMessage(planId: string, message: PlanMessage): void {
    this.writing(() => this.d.store.attachMessage(planId, message));
  }

  planFor(planId: string): StoredPlan | null {
    const stored = this.read(planId);
    return stored === 'unavailable' ? null : stored;
  }

  auditEntries(limit: number) {
    return this.d.audit.latest(limit);
  }

  /**
   * Plans left running by a process that is gone (no heartbeat for three beats): re-checks their
   * targets, records the outcome, and returns them for the front ends to update their messages.
   */
  async reconcile(): Promise<ReconciledPlan[]> {
    const staleBefore = this.d.now().getTime() - 3 * (this.d.heartbeatMs ?? 5000);
    const stale = (this.read(null) ?? []).filter((p) => !this.executing.has(p.plan.id) && Date.parse(p.heartbeatAt ?? '') < staleBefore);
    const out: ReconciledPlan[] = [];
    for (const { plan, message } of stale) {
      const outcome = await this.d.executor.recheck(plan).catch((err: unknown) => {
        this.d.logger.warn({ err, planId: plan.id }, 'could not re-check a plan left running');
        return null;
      });
      this.writing(() => {
        this.d.audit.record('executed', { at: this.d.now(), planId: plan.id, action: plan.action, detail: { reconciled: true, outcome } });
        this.d.store.finish(plan.id, outcome ? 'done' : 'failed');
      });
      out.push({ plan, message, outcome });
    }
    return out;
  }

  /**
   * Shutdown: nothing new starts; running actions finish (up to the bound) and checks still waiting
   * for their delay are recorded as skipped. An action still running at the bound is abandoned to
   * the next start's reconciliation.
   */
  async drain(boundMs: number): Promise<void> {
    this.closing = true;
    this.stopping.abort();
    const bound = new Promise<void>((resolve) => setTimeout(resolve, boundMs).unref());
    const checking = this.checks.skipWaiting();
    await Promise.race([Promise.allSettled([...this.executing.values(), ...checking]), bound]);
    // Actions that finish while the checks run still schedule a check: skipped too.
    await Promise.race([Promise.allSettled(this.checks.skipWaiting()), bound]);
    for (const planId of this.executing.keys()) this.writing(() => this.d.store.abandon(planId));
    this.checks.skipAll();
  }

  /** Guard, then one atomic claim; the intent is recorded with it, before anything is touched. */
  private claim(planId: string, approver: Actor, at: Date): { ok: true; plan: RemediationPlan } | Extract<ApprovalResult, { ok: false; reason: Refusal }> {
    const { store, audit, policy } = this.d;
    if (this.closing) return this.refused(null, approver, 'shutting_down');
    const stored = this.read(planId);
    if (stored === 'unavailable') return { ok: false, reason: 'state_unavailable', plan: null };
    const actionsInLastHour = this.writing(() => store.claimedSince(new Date(at.getTime() - 3_600_000))) ?? 0;
    const verdict = checkApproval({ plan: stored?.plan ?? null, status: stored?.status ?? null, approver, now: at, policy, actionsInLastHour });
    if (!verdict.ok || !stored) return this.refused(stored?.plan ?? null, approver, verdict.ok ? 'unknown_plan' : verdict.reason);
    const plan = stored.plan;
    const claim = this.writing(() =>
      this.d.store.transaction(() => {
        const result = store.claim(planId, approver, at, policy.maxActionsPerHour);
        if (result !== 'claimed') return result;
        audit.record('approved', { at, planId, action: plan.action, actor: actorId(approver) });
        audit.record('executing', { at, planId, action: plan.action, actor: actorId(approver), detail: describe(plan) });
        return result;
      }),
    );
    if (claim === null) return { ok: false, reason: 'state_unavailable', plan };
    if (claim !== 'claimed') return this.refused(plan, approver, claim === 'hourly_cap' ? 'hourly_cap' : 'already_ran');
    return { ok: true, plan };
  }

  /** Runs the plan with a heartbeat, then records the outcome; never throws. */
  private async execute(plan: RemediationPlan, approver: Actor): Promise<ExecutionOutcome | { failed: string }> {
    const { store, audit, now } = this.d;
    const beat = setInterval(() => this.writing(() => store.heartbeat(plan.id, now())), this.d.heartbeatMs ?? 5000);
    try {
      const outcome = await this.d.executor.execute(plan);
      this.d.onRun?.(plan.action, 'ok');
      this.writing(() => {
        audit.record('executed', { at: now(), planId: plan.id, action: plan.action, actor: actorId(approver), detail: { outcome } });
        store.finish(plan.id, 'done');
      });
      return outcome;
    } catch (err) {
      const failed = err instanceof Error ? err.message : String(err);
      this.d.onRun?.(plan.action, 'failed');
      this.writing(() => {
        audit.record('executed', { at: now(), planId: plan.id, action: plan.action, actor: actorId(approver), detail: { error: failed } });
        store.finish(plan.id, 'failed');
      });
      return { failed };
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Issue #13: a scale-down is stored with its Undo (the previous replica counts), audited as
   * requested by the approver; it runs only through approve(), with every guard of any plan.
   */
  private offerUndo(plan: RemediationPlan, outcome: ExecutionOutcome, approver: Actor): UndoScalePlan | null {
    if (plan.action !== 'stop_extra' || outcome.action !== 'stop_extra') return null;
    const at = this.d.now();
    const undo = planUndoScale(plan, outcome.instances, approver, at);
    if (!undo) return null;
    const stored = this.writing(() => {
      this.d.store.save(undo);
      this.d.audit.record('requested', { at, planId: undo.id, action: undo.action, actor: actorId(approver), detail: describe(undo) });
      return true;
    });
    if (!stored) this.d.logger.error({ planId: plan.id }, 'could not store the undo: scale back by hand');
    return stored ? undo : null;
  }

  /**
   * Step 7 of the runbook after the delay, recorded as 'verified' with the before/after, or as
   * skipped. After a scale it looks again until the orchestrator converged, within the bound.
   */
  private verifyLater(plan: RemediationPlan, actedAt: Date, outcome: ExecutionOutcome): Promise<Verification> {
    const check = async (): Promise<Verification> => {
      try {
        const { after, convergence } = await diagnoseAfterAction(() => this.d.diagnoseAfter(plan, actedAt), convergenceTargets(plan, outcome), {
          timeoutMs: this.d.convergeTimeoutMs ?? 120_000,
          pollMs: this.d.convergePollMs,
          signal: this.stopping.signal,
        });
        return { kind: 'verified', before: plan.before, after: actionFigures(after), convergence, ...(plan.action === 'undo_scale' ? { undoes: true } : {}) };
      } catch (err) {
        this.d.logger.error({ err, planId: plan.id }, 'the check after the action failed');
        return { kind: 'skipped', reason: 'failed' };
      }
    };
    return this.checks.schedule(plan.id, this.d.verifyDelayMs, check, (result) => {
      const v = result ?? { kind: 'skipped', reason: 'shutdown' };
      const at = this.d.now();
      this.writing(() =>
        v.kind === 'verified'
          ? this.d.audit.record('verified', { at, planId: plan.id, action: plan.action, detail: { before: v.before, after: v.after, ...(v.convergence ? { convergence: v.convergence } : {}) } })
          : this.d.audit.record('verify_skipped', { at, planId: plan.id, action: plan.action, detail: { reason: v.reason } }),
      );
      return v;
    });
  }

  private refused<T extends RemediationPlan | null>(plan: T, actor: Actor, reason: Refusal): { ok: false; reason: Refusal; plan: T } {
    this.d.onRefused?.(plan?.action ?? 'unknown', reason);
    this.writing(() => this.d.audit.record('refused', { at: this.d.now(), planId: plan?.id, action: plan?.action, actor: actorId(actor), detail: { reason } }));
    return { ok: false, reason, plan };
  }

  /** A plan (or, with null, the plans left running), or 'unavailable' when the state file cannot be trusted. */
  private read(planId: string): StoredPlan | null | 'unavailable';
  private read(planId: null): StoredPlan[] | null;
  private read(planId: string | null): StoredPlan | StoredPlan[] | null | 'unavailable' {
    const result = this.writing(() => ({ value: planId === null ? this.d.store.running() : this.d.store.get(planId) }));
    if (result === null) return planId === null ? null : 'unavailable';
    return result.value;
  }

  /** A state-store step; null (logged) when the store is unavailable, deleted or replaced. */
  private writing<T>(step: () => T): T | null {
    const problem = this.d.stateProblem();
    if (problem) {
      this.d.logger.error({ problem }, 'state store unsound: remediation refused');
      return null;
    }
    try {
      return step();
    } catch (err) {
      this.d.logger.error({ err }, 'state store unavailable: remediation refused');
      return null;
    }
  }
}

function describe(plan: RemediationPlan): Record<string, unknown> {
  if (plan.action === 'terminate_idle') return { database: plan.target.database, minutes: plan.minutes, pids: plan.sessions.map((s) => s.pid) };
  // The replica counts before and after go into the trail: what an Undo restores.
  if (plan.action === 'undo_scale') return { undoes: plan.undoes, scale: plan.services.map((s) => ({ service: s.name, from: s.from, to: s.to })) };
  const scale = plan.candidates.flatMap((c) => (c.scale ? [{ service: c.name, from: c.scale.from, to: c.scale.to }] : []));
  return { candidates: plan.candidates.map((c) => c.name), expected: plan.expectedInstances, ...(scale.length > 0 ? { scale } : {}) };
}
