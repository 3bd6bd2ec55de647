import type { AppInstance } from '../core/facts.js';
import type { ScalableKind, StopCandidate } from '../core/stop-candidates.js';
import type { TerminateIdlePlan } from './remediation-plan.js';

/**
 * What became of one planned session. Codes only: the catalogs say them in each language; `detail`
 * carries the server's own words, quoted as they came.
 */
export type SessionOutcomeKind = 'terminated' | 'no_longer_idle' | 'gone' | 'not_permitted' | 'not_terminated' | 'error';

export interface SessionOutcome {
  pid: number;
  outcome: SessionOutcomeKind;
  detail?: string;
}

/** Terminates exactly the planned sessions that are still idle and still the same backend. */
export interface SessionTerminator {
  terminateIdle(sessions: TerminateIdlePlan['sessions'], minutes: number): Promise<SessionOutcome[]>;
  /** The planned sessions that still exist as the same backend (pid and backend_start): a plan left running is reconciled with it. */
  stillPresent(sessions: TerminateIdlePlan['sessions']): Promise<number[]>;
}

export type InstanceOutcomeKind = 'stopped' | 'killed' | 'already_stopped' | 'scaled' | 'refused' | 'error';

/** Why an instance was left alone or could not be stopped. */
export type InstanceReason =
  /** Not running any more, or no longer matches the app. */
  | 'gone'
  /** Another instance has this id now (a reused pid, a recreated container). */
  | 'replaced'
  /** Stopping it would leave fewer instances than expected. */
  | 'below_expected'
  /** No stopper for this kind of instance. */
  | 'no_stopper'
  /** The container's name or labels no longer match the app. */
  | 'not_app'
  /** The engine the report saw it on is not configured. */
  | 'unknown_engine'
  | 'not_a_process'
  | 'not_permitted'
  | 'still_running'
  | 'no_such_container'
  | 'no_answer'
  /** A task container of a Swarm service (named in detail): Swarm would replace it, the service is scaled instead. */
  | 'swarm_task'
  /** No scaler for this kind of service. */
  | 'no_scaler'
  /** A global service runs one task per node: it has no replica count to scale. */
  | 'global_service'
  /** The service's desired replicas changed since the plan (or since the scale-down an Undo reverses). */
  | 'replicas_changed'
  /** With 'scaled': the service already wanted that many replicas. */
  | 'already_at'
  /** The engine or the system refused or failed: its words are in detail. */
  | 'failed';

export interface InstanceOutcome {
  id: string;
  name: string;
  outcome: InstanceOutcomeKind;
  reason?: InstanceReason;
  detail?: string;
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
  readonly kind: ScalableKind;
  scale(target: ScaleTarget, to: number, expectFrom: number): Promise<InstanceOutcome>;
}
