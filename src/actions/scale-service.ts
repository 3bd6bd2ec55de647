import type { AppInstance, InstanceObservation } from '../core/facts.js';
import type { StopCandidate } from '../core/stop-candidates.js';
import type { InstanceOutcome, ServiceScaler } from './executors.js';
import type { UndoScalePlan } from './remediation-plan.js';

type ScaleCandidate = StopCandidate & { scale: NonNullable<StopCandidate['scale']> };

/**
 * One service of a stop_extra plan, scaled down through its orchestrator (issue #13), after the
 * same re-check as a container: never below the expected replicas against a fresh look. The scaler
 * itself refuses a service that changed since the plan (another one by that id, another count).
 */
export async function scaleDownCandidate(
  candidate: ScaleCandidate,
  running: AppInstance[],
  remaining: number,
  expected: number,
  scalers: ServiceScaler[],
): Promise<{ outcome: InstanceOutcome; remaining: number }> {
  const base = { id: candidate.id, name: candidate.name };
  const replicasNow = running.filter((i) => i.service?.kind === candidate.scale.kind && i.service.id === candidate.id).length;
  const after = remaining - Math.max(0, replicasNow - candidate.scale.to);
  if (after < expected) return { outcome: { ...base, outcome: 'refused', reason: 'below_expected' }, remaining };
  const scaler = scalers.find((s) => s.kind === candidate.scale.kind);
  if (!scaler) return { outcome: { ...base, outcome: 'refused', reason: 'no_scaler' }, remaining };
  const outcome = await scaler.scale(candidate, candidate.scale.to, candidate.scale.from);
  return { outcome, remaining: outcome.outcome === 'scaled' ? after : remaining };
}

/** Undo: each service back to the count it had, unless someone changed it since the scale-down. */
export async function undoScale(plan: UndoScalePlan, scalers: ServiceScaler[]): Promise<InstanceOutcome[]> {
  const outcomes: InstanceOutcome[] = [];
  for (const s of plan.services) {
    const scaler = scalers.find((x) => x.kind === s.kind);
    outcomes.push(scaler ? await scaler.scale(s, s.to, s.from) : { id: s.id, name: s.name, outcome: 'refused', reason: 'no_scaler' });
  }
  return outcomes;
}

/**
 * A scale left running by a process that is gone: what the orchestrator wants now says whether it
 * happened (the desired count is what the update set; the tasks follow on their own).
 */
export function recheckScale(
  service: { id: string; name: string; kind: string; from: number; to: number },
  observations: InstanceObservation[],
): InstanceOutcome {
  const base = { id: service.id, name: service.name };
  const seen = observations.flatMap((o) => o.services ?? []).find((s) => s.kind === service.kind && s.id === service.id);
  if (!seen) return { ...base, outcome: 'refused', reason: 'gone' };
  if (seen.desiredReplicas === service.to) return { ...base, outcome: 'scaled', scaledFrom: service.from, scaledTo: service.to };
  return { ...base, outcome: 'refused', reason: seen.desiredReplicas === service.from ? 'still_running' : 'replicas_changed' };
}
