import type { Logger } from '../logger.js';
import type { StateDb } from '../state/state-store.js';

export type AuditEvent =
  | 'requested'
  | 'refused'
  | 'approved'
  | 'executing'
  | 'executed'
  /** The check after the action: the before/after figures. */
  | 'verified'
  /** The check after the action did not happen (dbpool stopped before it): why. */
  | 'verify_skipped'
  /** Withdrawn by whoever asked, or by an approver, before anyone approved it. */
  | 'cancelled'
  /** The CLI's --dry-run: the plan was shown and nothing else. */
  | 'dry_run';

export interface AuditEntry {
  seq: number;
  at: string;
  event: AuditEvent | 'outcome_unknown';
  planId: string | null;
  action: string | null;
  actor: string | null;
  detail: Record<string, unknown>;
}

/**
 * Every request, refusal, approval, execution, outcome and check after it, stored and logged. The
 * intent ("executing") is written before the action runs and the outcome ("executed") after, so a
 * crash in between leaves an entry that lists as "outcome_unknown" (until the next start reconciles it).
 */
export class AuditLog {
  constructor(
    private readonly db: StateDb,
    private readonly logger: Logger,
  ) {}

  record(event: AuditEvent, entry: { at: Date; planId?: string; action?: string; actor?: string; detail?: Record<string, unknown> }): void {
    this.db
      .prepare(`INSERT INTO audit (at, event, plan_id, action, actor, detail) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(entry.at.toISOString(), event, entry.planId ?? null, entry.action ?? null, entry.actor ?? null, JSON.stringify(entry.detail ?? {}));
    this.logger.info({ audit: event, planId: entry.planId, action: entry.action, actor: entry.actor, detail: entry.detail }, `audit: ${event}`);
  }

  /** The actions that ran (event 'executed') since `since`, oldest first: the daily summary lists them. */
  executedSince(since: Date): AuditEntry[] {
    const rows = this.db
      .prepare(`SELECT seq, at, event, plan_id, action, actor, detail FROM audit WHERE event = 'executed' AND at >= ? ORDER BY seq`)
      .all(since.toISOString()) as { seq: number; at: string; event: AuditEvent; plan_id: string | null; action: string | null; actor: string | null; detail: string }[];
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      event: r.event,
      planId: r.plan_id,
      action: r.action,
      actor: r.actor,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  latest(limit: number): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT a.seq, a.at, a.event, a.plan_id, a.action, a.actor, a.detail,
                (a.event = 'executing' AND NOT EXISTS (
                   SELECT 1 FROM audit b WHERE b.plan_id = a.plan_id AND b.event = 'executed' AND b.seq > a.seq)) AS unknown
         FROM audit a ORDER BY a.seq DESC LIMIT ?`,
      )
      .all(limit) as { seq: number; at: string; event: AuditEvent; plan_id: string | null; action: string | null; actor: string | null; detail: string; unknown: number }[];
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      event: r.unknown ? 'outcome_unknown' : r.event,
      planId: r.plan_id,
      action: r.action,
      actor: r.actor,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }
}
