import { randomBytes } from 'node:crypto';
import { actionFigures, type ActionFigures } from '../core/action-figures.js';
import { appIdleSessions, runningInstances, unreadSources } from '../core/derived-facts.js';
import type { IdleSession, ProbeError } from '../core/facts.js';
import { terminableIdleSessions } from '../core/pgbouncer-math.js';
import type { RemediationAction as ProposedAction } from '../core/recommendations.js';
import type { Report } from '../core/report.js';
import { leavingInstanceIds, type ScalableKind, type StopCandidate } from '../core/stop-candidates.js';
import type { InstanceOutcome } from './executors.js';

/** What a plan does: a fix a report proposes, or the Undo of a scale-down, offered after one (never proposed). */
export type RemediationAction = ProposedAction | 'undo_scale';
export type { ProposedAction };

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
  /** The figures of the report the plan was made from: the "before" of the check after the action. */
  before: ActionFigures;
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
  /** The running instances that stay, by name, for the plan to say so; absent in plans stored before it was kept. */
  keeping?: string[];
}

/**
 * Undo of a stop_extra that scaled services: each back to its previous replica count. Its `before`
 * is the scale-down's: the state the Undo returns to, which the check after it compares with.
 */
export interface UndoScalePlan extends PlanBase {
  action: 'undo_scale';
  /** The stop_extra plan it undoes. */
  undoes: string;
  /** `from`: the count the scale-down left (refused at execution if it changed since); `to`: the count before it. */
  services: { id: string; name: string; kind: ScalableKind; location: string; createdAt: string | undefined; from: number; to: number }[];
}

export type RemediationPlan = TerminateIdlePlan | StopExtraPlan | UndoScalePlan;

/** What could not be read, so that no plan can be made: never "nothing to do". */
export type BlindSpot = Pick<ProbeError, 'source' | 'kind' | 'message' | 'hint'>;

export type PlanningResult =
  | { ok: true; plan: RemediationPlan }
  | { ok: false; reason: 'nothing_to_do' }
  | { ok: false; reason: 'blind'; unread: BlindSpot[] };

export function newPlanId(): string {
  return randomBytes(16).toString('base64url');
}

/** The runbook's fix for exactly what the report shows; a plan needs everything it acts on to have been read. */
export function makePlan(action: ProposedAction, report: Report, requestedBy: Actor, now: Date, ttlMinutes: number): PlanningResult {
  const base: PlanBase = {
    id: newPlanId(),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMinutes * 60_000).toISOString(),
    requestedBy,
    target: report.target ?? { host: '?', database: '?' },
    before: actionFigures(report),
  };
  return action === 'terminate_idle' ? planTerminateIdle(report, base) : planStopExtra(report, base);
}

/** The runbook's fix 4 for exactly the app's idle sessions the report showed. */
function planTerminateIdle(report: Report, base: PlanBase): PlanningResult {
  const pg = report.facts.postgres;
  if (!pg.ok) return { ok: false, reason: 'blind', unread: [pg.error] };
  // Never PgBouncer's own server connections: it would open them again, the problem only moves.
  const sessions = terminableIdleSessions(appIdleSessions(pg.facts), report.pgbouncer);
  if (sessions.length === 0) return { ok: false, reason: 'nothing_to_do' };
  return {
    ok: true,
    plan: {
      ...base,
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
    },
  };
}

/** The runbook's fix 3 for the report's stop candidates, when every instance source was read. */
function planStopExtra(report: Report, base: PlanBase): PlanningResult {
  const unread = report.facts.instances.filter((s) => !s.ok);
  if (unreadSources(report.facts).length > 0) {
    return { ok: false, reason: 'blind', unread: unread.map((s) => s.error ?? { source: s.source, kind: 'other', message: '' }) };
  }
  if (report.stopCandidates.length === 0) return { ok: false, reason: 'nothing_to_do' };
  return {
    ok: true,
    plan: {
      ...base,
      action: 'stop_extra',
      expectedInstances: report.settings.expectedInstances,
      runningIds: runningInstances(report.facts).map((i) => i.id),
      candidates: report.stopCandidates,
      keeping: keptNames(report),
    },
  };
}

/** The running instances no candidate stops or scales away: a service scaled down but not to 0 stays, with its other replicas. */
function keptNames(report: Report): string[] {
  const leaving = new Set(report.stopCandidates.flatMap(leavingInstanceIds));
  return runningInstances(report.facts)
    .filter((i) => !leaving.has(i.id))
    .map((i) => i.service?.name ?? i.name)
    .filter((name, index, all) => all.indexOf(name) === index);
}

/** How long an Undo stays offered: longer than a plan, since a mistake may show only later. */
export const UNDO_TTL_MINUTES = 24 * 60;

/**
 * The Undo offered after a stop_extra scaled services down; null when nothing was scaled. It is a
 * plan like any other (stored, approved, run once, audited), asked for by whoever approved the action.
 */
export function planUndoScale(
  plan: StopExtraPlan,
  outcomes: Pick<InstanceOutcome, 'id' | 'outcome' | 'scaledFrom' | 'scaledTo'>[],
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
    before: plan.before,
    undoes: plan.id,
    services,
  };
}
