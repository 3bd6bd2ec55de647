import { runningInstances } from '../core/derived-facts.js';
import type { InstanceObservation } from '../core/facts.js';
import type { InstanceOutcome, InstanceStopper, ServiceScaler, SessionOutcome, SessionTerminator } from './executors.js';
import type { RemediationPlan, StopExtraPlan, TerminateIdlePlan, UndoScalePlan } from './remediation-plan.js';
import { recheckScale, scaleDownCandidate, undoScale } from './scale-service.js';

/** undo_scale: the services scaled back (issue #13); a stop_extra's instances include the services it scaled. */
export type ExecutionOutcome =
  | { action: 'terminate_idle'; sessions: SessionOutcome[] }
  | { action: 'stop_extra'; instances: InstanceOutcome[] }
  | { action: 'undo_scale'; instances: InstanceOutcome[] };

/** Carries out a plan, and finds out what became of the targets of a plan left running by a crash. */
export interface PlanExecutor {
  execute(plan: RemediationPlan): Promise<ExecutionOutcome>;
  recheck(plan: RemediationPlan): Promise<ExecutionOutcome>;
}

export interface ExecutorDeps {
  terminator: SessionTerminator | null;
  stoppers: InstanceStopper[];
  /** Orchestrated services are scaled through these, never their task containers stopped (issue #13). */
  scalers?: ServiceScaler[];
  /** A fresh look at the instance sources, bounded like a diagnosis. */
  observeInstances: () => Promise<InstanceObservation[]>;
  stopGraceSeconds: number;
}

export class NoTerminatorError extends Error {
  constructor() {
    super('no PostgreSQL connection to terminate sessions with');
    this.name = 'NoTerminatorError';
  }
}

export function createPlanExecutor(deps: ExecutorDeps): PlanExecutor {
  function terminator(): SessionTerminator {
    if (!deps.terminator) throw new NoTerminatorError();
    return deps.terminator;
  }

  /** Re-checked against a fresh look: never below the expected count, never something that stopped matching. */
  async function stopExtra(plan: StopExtraPlan): Promise<InstanceOutcome[]> {
    const running = runningInstances({ instances: await deps.observeInstances() });
    let remaining = running.length;
    const outcomes: InstanceOutcome[] = [];
    for (const candidate of plan.candidates) {
      const base = { id: candidate.id, name: candidate.name };
      const scale = candidate.scale;
      if (scale) {
        const scaled = await scaleDownCandidate({ ...candidate, scale }, running, remaining, plan.expectedInstances, deps.scalers ?? []);
        remaining = scaled.remaining;
        outcomes.push(scaled.outcome);
        continue;
      }
      const current = running.find((i) => i.id === candidate.id);
      const stopper = deps.stoppers.find((s) => s.source === candidate.source);
      if (!current) outcomes.push({ ...base, outcome: 'already_stopped', reason: 'gone' });
      else if (current.createdAt !== candidate.createdAt) outcomes.push({ ...base, outcome: 'refused', reason: 'replaced' });
      else if (remaining <= plan.expectedInstances) outcomes.push({ ...base, outcome: 'refused', reason: 'below_expected' });
      else if (!stopper) outcomes.push({ ...base, outcome: 'refused', reason: 'no_stopper' });
      else {
        const result = await stopper.stop(candidate, deps.stopGraceSeconds);
        if (result.outcome === 'stopped' || result.outcome === 'killed') remaining--;
        outcomes.push(result);
      }
    }
    return outcomes;
  }

  async function recheckSessions(plan: TerminateIdlePlan): Promise<SessionOutcome[]> {
    const present = new Set(await terminator().stillPresent(plan.sessions));
    return plan.sessions.map((s) => ({ pid: s.pid, outcome: present.has(s.pid) ? 'not_terminated' : 'gone' }));
  }

  async function recheckInstances(plan: StopExtraPlan): Promise<InstanceOutcome[]> {
    const observations = await deps.observeInstances();
    const running = runningInstances({ instances: observations });
    return plan.candidates.map((c) =>
      c.scale
        ? recheckScale({ id: c.id, name: c.name, kind: c.scale.kind, from: c.scale.from, to: c.scale.to }, observations)
        : running.some((i) => i.id === c.id)
        ? { id: c.id, name: c.name, outcome: 'refused', reason: 'still_running' }
        : { id: c.id, name: c.name, outcome: 'already_stopped', reason: 'gone' },
    );
  }

  async function recheckUndo(plan: UndoScalePlan): Promise<InstanceOutcome[]> {
    const observations = await deps.observeInstances();
    return plan.services.map((s) => recheckScale(s, observations));
  }

  return {
    async execute(plan) {
      if (plan.action === 'terminate_idle') {
        return { action: 'terminate_idle', sessions: await terminator().terminateIdle(plan.sessions, plan.minutes) };
      }
      if (plan.action === 'undo_scale') return { action: 'undo_scale', instances: await undoScale(plan, deps.scalers ?? []) };
      return { action: 'stop_extra', instances: await stopExtra(plan) };
    },
    async recheck(plan) {
      if (plan.action === 'terminate_idle') return { action: 'terminate_idle', sessions: await recheckSessions(plan) };
      if (plan.action === 'undo_scale') return { action: 'undo_scale', instances: await recheckUndo(plan) };
      return { action: 'stop_extra', instances: await recheckInstances(plan) };
    },
  };
}

const REACHED = new Set<InstanceOutcome['outcome']>(['stopped', 'killed', 'scaled']);

/** How many targets the action reached (terminated, stopped, killed or scaled), of how many. */
export function outcomeCounts(outcome: ExecutionOutcome): { done: number; total: number } {
  return outcome.action === 'terminate_idle'
    ? { done: outcome.sessions.filter((s) => s.outcome === 'terminated').length, total: outcome.sessions.length }
    : { done: outcome.instances.filter((i) => REACHED.has(i.outcome)).length, total: outcome.instances.length };
}
