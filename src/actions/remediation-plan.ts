import { randomBytes } from 'node:crypto';
import { actionFigures, type ActionFigures } from '../core/action-figures.js';
import { appIdleSessions, runningInstances, unreadSources } from '../core/derived-facts.js';
import type { IdleSession, ProbeError } from '../core/facts.js';
import { terminableIdleSessions } from '../core/pgbouncer-math.js';
import type { RemediationAction } from '../core/recommendations.js';
import type { Report } from '../core/report.js';
import type { StopCandidate } from '../core/stop-candidates.js';

export type { RemediationAction } from '../core/recommendations.js';

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
}

export type RemediationPlan = TerminateIdlePlan | StopExtraPlan;

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
export function makePlan(action: RemediationAction, report: Report, requestedBy: Actor, now: Date, ttlMinutes: number): PlanningResult {
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
    },
  };
}
