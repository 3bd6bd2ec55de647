import { runningInstances } from '../core/derived-facts.js';
import type { InstanceObservation } from '../core/facts.js';
import type { InstanceOutcome, InstanceStopper, SessionOutcome, SessionTerminator } from './executors.js';
import type { RemediationPlan, StopExtraPlan, TerminateIdlePlan } from './remediation-plan.js';

export type ExecutionOutcome =
  | { action: 'terminate_idle'; sessions: SessionOutcome[] }
  | { action: 'stop_extra'; instances: InstanceOutcome[] };

/** Carries out a plan, and finds out what became of the targets of a plan left running by a crash. */
export interface PlanExecutor {
  execute(plan: RemediationPlan): Promise<ExecutionOutcome>;
  recheck(plan: RemediationPlan): Promise<ExecutionOutcome>;
}

export interface ExecutorDeps {
  terminator: SessionTerminator | null;
  stoppers: InstanceStopper[];
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
    const running = runningInstances({ instances: await deps.observeInstances() });
    return plan.candidates.map((c) =>
      running.some((i) => i.id === c.id)
        ? { id: c.id, name: c.name, outcome: 'refused', reason: 'still_running' }
        : { id: c.id, name: c.name, outcome: 'already_stopped', reason: 'gone' },
    );
  }

  return {
    async execute(plan) {
      if (plan.action === 'terminate_idle') {
        return { action: 'terminate_idle', sessions: await terminator().terminateIdle(plan.sessions, plan.minutes) };
      }
      return { action: 'stop_extra', instances: await stopExtra(plan) };
    },
    async recheck(plan) {
      return plan.action === 'terminate_idle'
        ? { action: 'terminate_idle', sessions: await recheckSessions(plan) }
        : { action: 'stop_extra', instances: await recheckInstances(plan) };
    },
  };
}

/** How many targets the action reached (terminated, stopped or killed), of how many. */
export function outcomeCounts(outcome: ExecutionOutcome): { done: number; total: number } {
  return outcome.action === 'terminate_idle'
    ? { done: outcome.sessions.filter((s) => s.outcome === 'terminated').length, total: outcome.sessions.length }
    : { done: outcome.instances.filter((i) => i.outcome === 'stopped' || i.outcome === 'killed').length, total: outcome.instances.length };
}
