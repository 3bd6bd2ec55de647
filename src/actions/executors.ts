import type { AppInstance } from '../core/facts.js';
import type { StopCandidate } from '../core/stop-candidates.js';
import type { TerminateIdlePlan } from './remediation-plan.js';

export type SessionOutcomeKind = 'terminated' | 'no_longer_idle' | 'gone' | 'not_permitted' | 'error';

export interface SessionOutcome {
  pid: number;
  outcome: SessionOutcomeKind;
  message?: string;
}

/** Terminates exactly the planned sessions that are still idle and still the same backend. */
export interface SessionTerminator {
  terminateIdle(sessions: TerminateIdlePlan['sessions'], minutes: number): Promise<SessionOutcome[]>;
}

export type InstanceOutcomeKind = 'stopped' | 'killed' | 'already_stopped' | 'scaled' | 'refused' | 'error';

export interface InstanceOutcome {
  id: string;
  name: string;
  outcome: InstanceOutcomeKind;
  message?: string;
  /** A scaled service: the desired replicas before and after (the audit keeps them, Undo restores them). */
  scaledFrom?: number;
  scaledTo?: number;
}

/** Stops one instance: a grace period for a clean shutdown, then a kill. */
export interface InstanceStopper {
  readonly source: AppInstance['source'];
  stop(candidate: StopCandidate, graceSeconds: number): Promise<InstanceOutcome>;
}

/** A service to scale, as a plan names it: found again by id, and refused if it is not the same one. */
export interface ScaleTarget {
  id: string;
  name: string;
  location: string;
  createdAt: string | undefined;
}

/**
 * Sets an orchestrated service's desired replicas (Swarm: a service update at the current version
 * index). `expectFrom`: refuse unless the service still wants that many, so a plan never removes
 * more than it showed, and an Undo never overrides a later change.
 */
export interface ServiceScaler {
  readonly kind: 'swarm' | 'kubernetes';
  scale(target: ScaleTarget, to: number, expectFrom: number): Promise<InstanceOutcome>;
}
