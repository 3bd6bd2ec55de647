import type { AuditEntry } from '../actions/audit-log.js';
import type { Convergence } from '../actions/await-convergence.js';
import { outcomeCounts, type ExecutionOutcome } from '../actions/execute-plan.js';
import type { InstanceOutcome } from '../actions/executors.js';
import type { RequestResult, Verification } from '../actions/remediation-flow.js';
import type { RemediationPlan, StopExtraPlan, UndoScalePlan } from '../actions/remediation-plan.js';
import type { Refusal } from '../actions/approval-guard.js';
import { sessionsByRole } from '../core/derived-facts.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import { cutList } from './cut-list.js';
import { headlineText } from './headline-text.js';

/** Sentences about remediation, medium-independent: the terminal and Block Kit lay them out. */

export function planTitle(plan: RemediationPlan, t: Catalog, f: Formatter): string {
  if (plan.action === 'terminate_idle') {
    return t.action.planTerminate({ count: plan.sessions.length, database: plan.target.database, minutes: plan.minutes, roles: sessionsByRole(plan.sessions) }, f);
  }
  if (plan.action === 'undo_scale') return candidateLines(plan, t, f).join('; ');
  // The lines below list each candidate; the title counts them and says what stays.
  const scale = plan.candidates.filter((c) => c.scale).length;
  return t.action.planStopTitle({ stop: plan.candidates.length - scale, scale, keeping: plan.keeping ?? [] }, f);
}

/** One line per service or container the plan touches: a service is scaled (issue #13), a container stopped. */
function candidateLines(plan: StopExtraPlan | UndoScalePlan, t: Catalog, f: Formatter): string[] {
  if (plan.action === 'undo_scale') return plan.services.map((s) => t.action.planUndo({ kind: s.kind, name: s.name, from: s.from, to: s.to }, f));
  return plan.candidates.map((c) =>
    c.scale
      ? t.action.planScale({ kind: c.scale.kind, name: c.name, from: c.scale.from, to: c.scale.to, ageSeconds: ageSeconds(c.createdAt, plan.createdAt) }, f)
      : t.action.planStop({ name: c.name, ageSeconds: ageSeconds(c.createdAt, plan.createdAt) }, f),
  );
}

/** What exactly will be touched, one line each. */
export function planLines(plan: RemediationPlan, t: Catalog, f: Formatter, maxItems: number): string[] {
  const lines =
    plan.action === 'terminate_idle'
      ? plan.sessions.map((s) =>
          t.label.idleSession({ pid: s.pid, user: s.user, application: s.application, client: s.client, seconds: s.idleSeconds }, f),
        )
      : candidateLines(plan, t, f);
  return cutList(lines, maxItems, t, f);
}

export function outcomeLines(outcome: ExecutionOutcome, t: Catalog, f: Formatter, maxItems: number): string[] {
  const lines =
    outcome.action === 'terminate_idle'
      ? outcome.sessions.map((s) => t.action.sessionLine({ pid: s.pid, outcome: t.action.session[s.outcome], detail: s.detail ?? null }, f))
      : outcome.instances.map((i) => instanceOutcomeLine(i, t, f));
  return [t.action.summary(outcomeCounts(outcome), f), ...cutList(lines, maxItems, t, f)];
}

function instanceOutcomeLine(i: InstanceOutcome, t: Catalog, f: Formatter): string {
  const reason = i.reason ? t.action.instanceReason[i.reason] : null;
  if (i.outcome === 'scaled' && i.scaledFrom !== undefined && i.scaledTo !== undefined) {
    return t.action.scaledLine({ name: i.name, from: i.scaledFrom, to: i.scaledTo, reason }, f);
  }
  return t.action.instanceLine({ name: i.name, outcome: t.action.instance[i.outcome], reason, detail: i.detail ?? null }, f);
}

/** After a scale-down, how to undo it from a command line (`dbpool undo <id>`, `/dbpool undo <id>`). */
export function undoHint(undo: UndoScalePlan, command: string, t: Catalog, f: Formatter): string {
  return t.action.undoHint({ command: `${command} undo ${undo.id}`, at: f.dateTime(undo.expiresAt) }, f);
}

/** Why nothing ran: a refusal, or the action's own failure with its words. */
export function refusalLines(result: { reason: Refusal | 'execution_failed'; detail?: string }, t: Catalog, f: Formatter): string[] {
  return result.reason === 'execution_failed' ? [t.action.executionFailed({ detail: result.detail ?? '' }, f)] : [t.action.refused[result.reason]];
}

/** Why no plan was made: a refusal, or what could not be read. */
export function requestRefusalLines(result: Extract<RequestResult, { ok: false }>, t: Catalog, f: Formatter): string[] {
  if (result.reason !== 'blind') return [t.action.refused[result.reason]];
  return [t.action.blind, ...result.unread.map((u) => t.action.unread({ source: u.source, message: u.message, hint: u.hint ?? null }, f))];
}

/** The runbook's "after the changes": connections, instances, clean worker starts, no new "full" errors. */
export function verificationLines(v: Verification, t: Catalog, f: Formatter): string[] {
  if (v.kind === 'skipped') return [t.action.verifySkipped[v.reason]];
  const { before, after } = v;
  const lines: string[] = [];
  // Issue #13: whether the orchestrator got there, before the numbers that depend on it.
  if (v.convergence) lines.push(convergenceLine(v.convergence, t, f));
  if (v.undoes) lines.push(t.action.comparedWithUndone({ at: f.dateTime(before.at) }, f));
  lines.push(
    t.action.beforeAfter({ before: before.connections, after: after.connections, usable: after.usable }, f),
    t.action.instancesBeforeAfter({ before: before.runningInstances, after: after.runningInstances }, f),
  );
  if (after.workerStarts !== null && after.serverFullErrors !== null) {
    lines.push(t.action.workersStarted({ starts: after.workerStarts, fullErrors: after.serverFullErrors }, f));
  }
  const headline = after.headline ? headlineText({ headline: after.headline }, t, f, Number.MAX_SAFE_INTEGER) : t.verdictHeadline[after.verdict];
  lines.push(`${t.verdict[after.verdict]} — ${headline}`);
  return lines;
}

function convergenceLine(c: Convergence, t: Catalog, f: Formatter): string {
  const services = c.services.map((s) => ({ name: s.name, running: s.running, wanted: s.wanted }));
  return c.converged
    ? t.action.converged({ seconds: c.waitedSeconds, services, connections: c.connections }, f)
    : t.action.notConverged({ seconds: c.waitedSeconds, services, connections: c.connections }, f);
}

export function auditLines(entries: AuditEntry[], t: Catalog, f: Formatter): string[] {
  if (entries.length === 0) return [t.action.auditEmpty];
  return entries.map((e) =>
    t.action.auditLine({ at: f.dateTime(e.at), event: e.event, action: e.action, actor: e.actor, detail: JSON.stringify(e.detail) }, f),
  );
}

function ageSeconds(createdAt: string | undefined, now: string): number | null {
  if (!createdAt) return null;
  const s = (Date.parse(now) - Date.parse(createdAt)) / 1000;
  return Number.isFinite(s) ? Math.max(0, s) : null;
}
