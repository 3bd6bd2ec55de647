import type { StateDb } from '../state/state-store.js';
import type { PlanStatus } from './approval-guard.js';
import type { Actor, RemediationPlan } from './remediation-plan.js';

/** Where a front end shows a plan, so that it can be updated later (a plan reconciled at start-up). */
export interface PlanMessage {
  channel: string;
  ts: string;
  lang: 'en' | 'fa';
}

export interface StoredPlan {
  plan: RemediationPlan;
  status: PlanStatus;
  approvedBy: string | null;
  approvedAt: string | null;
  /** Last sign of life of the process running it; null unless running. */
  heartbeatAt: string | null;
  message: PlanMessage | null;
}

export type ClaimResult = 'claimed' | 'not_pending' | 'hourly_cap';

interface Row {
  body: string;
  status: PlanStatus;
  approved_by: string | null;
  approved_at: string | null;
  heartbeat_at: string | null;
  message: string | null;
}

/** The server keeps every plan; buttons carry only its id. */
export class PlanStore {
  constructor(private readonly db: StateDb) {}

  /** Several steps as one: all written, or none. */
  transaction<T>(steps: () => T): T {
    return this.db.transaction(steps);
  }

  save(plan: RemediationPlan): void {
    this.db
      .prepare(`INSERT INTO plans (id, action, body, status, created_at, expires_at) VALUES (?, ?, ?, 'pending', ?, ?)`)
      .run(plan.id, plan.action, JSON.stringify(plan), plan.createdAt, plan.expiresAt);
  }

  get(id: string): StoredPlan | null {
    const row = this.db.prepare(`SELECT body, status, approved_by, approved_at, heartbeat_at, message FROM plans WHERE id = ?`).get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Plans approved within the window: the hourly cap counts these. */
  claimedSince(since: Date): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM plans WHERE approved_at > ?`).get(since.toISOString()) as { n: number }).n;
  }

  /**
   * Moves a pending, unexpired plan to running, if fewer than `maxPerHour` plans were claimed in the
   * hour before. One UPDATE decides between double clicks, two approvers at once, Slack's retries and
   * two processes sharing the state file: exactly one caller gets 'claimed', and the cap cannot be
   * passed by two claims at once.
   */
  claim(id: string, approver: Actor, now: Date, maxPerHour: number): ClaimResult {
    const at = now.toISOString();
    const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
    const { changes } = this.db
      .prepare(
        `UPDATE plans SET status = 'running', approved_by = ?, approved_at = ?, heartbeat_at = ?
         WHERE id = ? AND status = 'pending' AND expires_at > ?
           AND (SELECT count(*) FROM plans WHERE approved_at > ?) < ?`,
      )
      .run(`${approver.kind}:${approver.id}`, at, at, id, at, hourAgo, maxPerHour);
    if (changes === 1) return 'claimed';
    const after = this.get(id);
    return after?.status === 'pending' && after.plan.expiresAt > at ? 'hourly_cap' : 'not_pending';
  }

  /** Withdraws a plan that nobody has approved yet; true for the one caller that did. */
  cancel(id: string): boolean {
    return this.db.prepare(`UPDATE plans SET status = 'cancelled' WHERE id = ? AND status = 'pending'`).run(id).changes === 1;
  }

  finish(id: string, status: Extract<PlanStatus, 'done' | 'failed'>): void {
    this.db.prepare(`UPDATE plans SET status = ?, heartbeat_at = NULL WHERE id = ?`).run(status, id);
  }

  attachMessage(id: string, message: PlanMessage): void {
    this.db.prepare(`UPDATE plans SET message = ? WHERE id = ?`).run(JSON.stringify(message), id);
  }

  /** A running plan's process is alive: reconciliation leaves the plan alone. */
  heartbeat(id: string, now: Date): void {
    this.db.prepare(`UPDATE plans SET heartbeat_at = ? WHERE id = ? AND status = 'running'`).run(now.toISOString(), id);
  }

  /** This process gives up on a running plan (shutdown): the next start reconciles it at once. */
  abandon(id: string): void {
    this.db.prepare(`UPDATE plans SET heartbeat_at = ? WHERE id = ? AND status = 'running'`).run(new Date(0).toISOString(), id);
  }

  /** Plans left running, oldest sign of life first. */
  running(): StoredPlan[] {
    const rows = this.db
      .prepare(`SELECT body, status, approved_by, approved_at, heartbeat_at, message FROM plans WHERE status = 'running' ORDER BY heartbeat_at`)
      .all() as Row[];
    return rows.map(fromRow);
  }
}

function fromRow(row: Row): StoredPlan {
  return {
    plan: JSON.parse(row.body) as RemediationPlan,
    status: row.status,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    heartbeatAt: row.heartbeat_at,
    message: row.message ? (JSON.parse(row.message) as PlanMessage) : null,
  };
}
