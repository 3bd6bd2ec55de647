import type { ServiceKind } from '../core/facts.js';
import type { Report } from '../core/report.js';
import type { ExecutionOutcome } from './execute-plan.js';
import type { RemediationPlan } from './remediation-plan.js';

/** A service the action scaled, and the replicas it should end with. */
export interface ConvergenceTarget {
  kind: ServiceKind;
  id: string;
  name: string;
  from: number;
  to: number;
}

/** Where the orchestrator got to, for the verification (runbook step 7). */
export interface Convergence {
  converged: boolean;
  /** Since the first look after the action. */
  waitedSeconds: number;
  services: { name: string; running: number; wanted: number }[];
  /** The app's connections at the last look; null when PostgreSQL could not be read. */
  connections: number | null;
}

export interface ConvergenceOptions {
  timeoutMs: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops the wait (dbpool is shutting down): the last look is the "after", not converged. */
  signal?: AbortSignal;
}

/** The services an action scaled (stop_extra's scale-downs, an Undo's scale-ups). */
export function convergenceTargets(plan: RemediationPlan, outcome: ExecutionOutcome): ConvergenceTarget[] {
  if (outcome.action === 'terminate_idle') return [];
  const kinds = new Map<string, ServiceKind>();
  if (plan.action === 'stop_extra') for (const c of plan.candidates) if (c.scale) kinds.set(c.id, c.scale.kind);
  if (plan.action === 'undo_scale') for (const s of plan.services) kinds.set(s.id, s.kind);
  return outcome.instances.flatMap((i) => {
    const kind = kinds.get(i.id);
    return kind && i.outcome === 'scaled' && i.scaledFrom !== undefined && i.scaledTo !== undefined
      ? [{ kind, id: i.id, name: i.name, from: i.scaledFrom, to: i.scaledTo }]
      : [];
  });
}

/**
 * After an orchestrator was told to scale, its tasks stop (or start) over seconds, and the
 * connections follow. Diagnoses until every scaled service runs exactly the replicas wanted and
 * the app's connections stopped moving in that direction (released, or taken), or until the bound;
 * the last diagnosis is the "after" of the verification, and says whether it converged.
 */
export async function diagnoseAfterAction(
  diagnoseNow: () => Promise<Report>,
  targets: ConvergenceTarget[],
  options: ConvergenceOptions,
): Promise<{ after: Report; convergence: Convergence | null }> {
  if (targets.length === 0) return { after: await diagnoseNow(), convergence: null };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, options.signal));
  const pollMs = options.pollMs ?? 2000;
  const down = targets.reduce((n, t) => n + t.to - t.from, 0) < 0;
  const started = now();
  let previous: number | null = null;
  for (;;) {
    const after = await diagnoseNow();
    const services = targets.map((t) => ({ name: t.name, running: runningReplicas(after, t), wanted: t.to }));
    const connections = after.facts.postgres.ok ? after.facts.postgres.facts.appConnections : null;
    const replicasDone = services.every((s) => s.running === s.wanted);
    // Released connections stop falling (taken ones stop rising) once the tasks are gone (started).
    const settled = connections === null || (previous !== null && (down ? connections >= previous : connections <= previous));
    const waitedSeconds = (now() - started) / 1000;
    if (replicasDone && settled) return { after, convergence: { converged: true, waitedSeconds, services, connections } };
    if (now() - started >= options.timeoutMs || options.signal?.aborted) return { after, convergence: { converged: false, waitedSeconds, services, connections } };
    previous = replicasDone ? connections : null;
    await sleep(pollMs);
  }
}

/** A pause that ends early when the wait is stopped, so that a shutdown is not held up by it. */
function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

function runningReplicas(report: Report, t: ConvergenceTarget): number {
  return report.services.find((g) => g.kind === t.kind && g.id === t.id)?.running ?? 0;
}
