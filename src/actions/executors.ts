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

export type InstanceOutcomeKind = 'stopped' | 'killed' | 'already_stopped' | 'refused' | 'error';

export interface InstanceOutcome {
  id: string;
  name: string;
  outcome: InstanceOutcomeKind;
  message?: string;
}

/** Stops one instance: a grace period for a clean shutdown, then a kill. */
export interface InstanceStopper {
  readonly source: AppInstance['source'];
  stop(candidate: StopCandidate, graceSeconds: number): Promise<InstanceOutcome>;
}
