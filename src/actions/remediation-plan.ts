import { randomBytes } from 'node:crypto';
import type { IdleSession } from '../core/facts.js';
import { terminableIdleSessions } from '../core/pgbouncer-math.js';
import type { Report } from '../core/report.js';
import type { StopCandidate } from '../core/stop-candidates.js';

/** undo_scale (issue #13): scaling a service back after stop_extra scaled it down. */
export type RemediationAction = 'terminate_idle' | 'stop_extra' | 'undo_scale';

/** Who asked or approved: a Slack user ID, or the local user of the CLI. */
export interface Actor {
  kind: 'slack' | 'cli';
  id: string;
  /** A member of the configured approver user group (looked up by the Slack front end). */
  inApproverGroup?: boolean;
}

interface PlanBase {
  /** Random and unguessable: the button carries only this. */
  id: string;
  createdAt: string;
  expiresAt: string;
  requestedBy: Actor;
  target: { host: string; database: string };
}

export interface TerminateIdlePlan extends PlanBase {
  action: 'terminate_idle';
  minutes: number;
  /** Exactly these sessions; at execution each must still be idle with the same backend_start. */
  sessions: Pick<IdleSession, 'pid' | 'backendStart' | 'user' | 'application' | 'client' | 'idleSeconds'>[];
}

export interface StopExtraPlan extends PlanBase {
  action: 'stop_extra';
  expectedInstances: number;
  /** Running instances seen when the plan was made, so execution never goes below the expected count. */
  runningIds: string[];
  candidates: StopCandidate[];
}

/** Undo of a stop_extra that scaled services: each back to its previous replica count. */
export interface UndoScalePlan extends PlanBase {
  action: 'undo_scale';
  /** The stop_extra plan it undoes. */
  undoes: string;
  /** `from`: the count the scale-down left (refused at execution if it changed since); `to`: the count before it. */
  services: { id: string; name: string; kind: 'swarm' | 'kubernetes'; location: string; createdAt: string | undefined; from: number; to: number }[];
}

export type RemediationPlan = TerminateIdlePlan | StopExtraPlan | UndoScalePlan;

export function newPlanId(): string {
  return randomBytes(16).toString('base64url');
}

function base(report: Report, requestedBy: Actor, now: Date, ttlMinutes: number): PlanBase {
  return {
    id: newPlanId(),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMinutes * 60_000).toISOString(),
    requestedBy,
    target: report.target ?? { host: '?', database: '?' },
  };
}

/** The runbook's fix 4 for exactly the sessions the report showed; null when there are none. */
export function planTerminateIdle(report: Report, requestedBy: Actor, now: Date, ttlMinutes: number): TerminateIdlePlan | null {
  const pg = report.facts.postgres;
  // Never PgBouncer's own server connections: it would open them again, the problem only moves.
  const sessions = pg.ok ? terminableIdleSessions(pg.facts.idleSessions, report.pgbouncer) : [];
  if (!pg.ok || sessions.length === 0) return null;
  return {
    ...base(report, requestedBy, now, ttlMinutes),
    action: 'terminate_idle',
    minutes: pg.facts.idleMinutes,
    sessions: sessions.map(({ pid, backendStart, user, application, client, idleSeconds }) => ({
      pid,
      backendStart,
      user,
      application,
      client,
      idleSeconds,
    })),
  };
}

/** The runbook's fix 3 for the report's stop candidates; null when nothing extra runs. */
export function planStopExtra(report: Report, requestedBy: Actor, now: Date, ttlMinutes: number): StopExtraPlan | null {
  if (report.stopCandidates.length === 0) return null;
  const running = report.facts.instances.flatMap((s) => s.instances).filter((i) => i.state === 'running');
  return {
    ...base(report, requestedBy, now, ttlMinutes),
    action: 'stop_extra',
    expectedInstances: report.settings.expectedInstances,
    runningIds: running.map((i) => i.id),
    candidates: report.stopCandidates,
  };
}

/** How long an Undo stays offered: longer than a plan, since a mistake may show only later. */
export const UNDO_TTL_MINUTES = 24 * 60;

/**
 * The Undo offered after a stop_extra scaled services down; null when nothing was scaled. It is a
 * plan like any other (stored, approved, run once, audited), asked for by whoever approved the action.
 */
export function planUndoScale(
  plan: StopExtraPlan,
  outcomes: { id: string; outcome: string; scaledFrom?: number; scaledTo?: number }[],
  approver: Actor,
  now: Date,
): UndoScalePlan | null {
  const services = plan.candidates.flatMap((c) => {
    const o = outcomes.find((x) => x.id === c.id);
    if (!c.scale || o?.outcome !== 'scaled' || o.scaledFrom === undefined || o.scaledTo === undefined || o.scaledFrom === o.scaledTo) return [];
    return [{ id: c.id, name: c.name, kind: c.scale.kind, location: c.location, createdAt: c.createdAt, from: o.scaledTo, to: o.scaledFrom }];
  });
  if (services.length === 0) return null;
  // Typed after `dbpool undo`: an id starting with "-" would read as an option.
  let id = newPlanId();
  while (id.startsWith('-')) id = newPlanId();
  return {
    id,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + UNDO_TTL_MINUTES * 60_000).toISOString(),
    requestedBy: approver,
    target: plan.target,
    action: 'undo_scale',
    undoes: plan.id,
    services,
  };
}
