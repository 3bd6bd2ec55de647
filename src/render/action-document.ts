import type { AuditEntry } from '../actions/audit-log.js';
import type { Convergence } from '../actions/await-convergence.js';
import type { RemediationPlan, StopExtraPlan } from '../actions/remediation-plan.js';
import type { ApprovalResult, ExecutionOutcome } from '../actions/remediation-service.js';
import type { Report } from '../core/report.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import { cutList } from './cut-list.js';

/** Sentences about remediation, medium-independent: the terminal and Block Kit lay them out. */

export function planTitle(plan: RemediationPlan, t: Catalog, f: Formatter): string {
  if (plan.action === 'terminate_idle') return t.action.planTerminate({ count: plan.sessions.length, database: plan.target.database, minutes: plan.minutes }, f);
  return candidateLines(plan, t, f).join('; ');
}

/** One line per service or container the plan touches: a service is scaled (issue #13), a container stopped. */
function candidateLines(plan: StopExtraPlan | Extract<RemediationPlan, { action: 'undo_scale' }>, t: Catalog, f: Formatter): string[] {
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
      ? outcome.sessions.map((s) => t.action.sessionLine({ pid: s.pid, outcome: t.action.session[s.outcome], message: s.message ?? null }, f))
      : outcome.instances.map((i) =>
          i.outcome === 'scaled' && i.scaledFrom !== undefined && i.scaledTo !== undefined
            ? t.action.scaledLine({ name: i.name, from: i.scaledFrom, to: i.scaledTo, message: i.message ?? null }, f)
            : t.action.instanceLine({ name: i.name, outcome: t.action.instance[i.outcome], message: i.message ?? null }, f),
        );
  const done =
    outcome.action === 'terminate_idle'
      ? outcome.sessions.filter((s) => s.outcome === 'terminated').length
      : outcome.instances.filter((i) => i.outcome === 'stopped' || i.outcome === 'killed' || i.outcome === 'scaled').length;
  const total = outcome.action === 'terminate_idle' ? outcome.sessions.length : outcome.instances.length;
  return [t.action.summary({ done, total }, f), ...cutList(lines, maxItems, t, f)];
}

export function refusalText(result: Extract<ApprovalResult, { ok: false }>, t: Catalog): string {
  const base = t.action.refused[result.reason];
  return result.message ? `${base} ${result.message}` : base;
}

/** The runbook's "after the changes": connections, instances, clean worker starts, no new "full" errors. */
export function verificationLines(before: Report, after: Report, t: Catalog, f: Formatter, convergence: Convergence | null = null): string[] {
  const lines: string[] = [];
  // Issue #13: whether the orchestrator got there, before the numbers that depend on it.
  if (convergence) lines.push(convergenceLine(convergence, t, f));
  const b = before.facts.postgres;
  const a = after.facts.postgres;
  if (b.ok && a.ok) {
    const usable = a.facts.maxConnections - a.facts.superuserReservedConnections - a.facts.reservedConnections;
    lines.push(t.action.beforeAfter({ before: b.facts.clientConnections, after: a.facts.clientConnections, usable }, f));
  } else if (!a.ok) {
    lines.push(t.label.postgresUnavailable({ message: a.error.message }, f));
  }
  const running = (r: Report) => r.facts.instances.flatMap((s) => s.instances).filter((i) => i.state === 'running');
  lines.push(t.action.instancesBeforeAfter({ before: running(before).length, after: running(after).length }, f));
  const logs = running(after).flatMap((i) => (i.logs ? [i.logs] : []));
  if (logs.length > 0) {
    const starts = logs.reduce((s, l) => s + l.workerStarts.count, 0);
    const fullErrors = logs.reduce((s, l) => s + l.serverFull.reduce((x, p) => x + p.count, 0), 0);
    lines.push(t.action.workersStarted({ starts, fullErrors }, f));
  }
  lines.push(`${t.verdict[after.verdict]} — ${t.verdictHeadline[after.verdict]}`);
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
