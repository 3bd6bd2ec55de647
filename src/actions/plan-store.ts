import type { StateDb } from '../state/state-store.js';
import type { PlanStatus } from './approval-guard.js';
import type { Actor, RemediationPlan } from './remediation-plan.js';

export interface StoredPlan {
  plan: RemediationPlan;
  status: PlanStatus;
  approvedBy: string | null;
}

/** The server keeps every plan; buttons carry only its id. */
export class PlanStore {
  constructor(private readonly db: StateDb) {}

  save(plan: RemediationPlan): void {
    this.db
      .prepare(
        `INSERT INTO plans (id, action, body, status, created_at, expires_at) VALUES (?, ?, ?, 'pending', ?, ?)`,
      )
      .run(plan.id, plan.action, JSON.stringify(plan), plan.createdAt, plan.expiresAt);
  }

  get(id: string): StoredPlan | null {
    const row = this.db.prepare(`SELECT body, status, approved_by FROM plans WHERE id = ?`).get(id) as
      | { body: string; status: PlanStatus; approved_by: string | null }
      | undefined;
    return row ? { plan: JSON.parse(row.body) as RemediationPlan, status: row.status, approvedBy: row.approved_by } : null;
  }

  /**
   * Moves a pending, unexpired plan to running. One UPDATE decides between double clicks, two
   * approvers at once and Slack's retries: exactly one caller gets true.
   */
  claim(id: string, approver: Actor, now: Date): boolean {
    const result = this.db
      .prepare(
        `UPDATE plans SET status = 'running', approved_by = ?, approved_at = ?
         WHERE id = ? AND status = 'pending' AND expires_at > ?`,
      )
      .run(`${approver.kind}:${approver.id}`, now.toISOString(), id, now.toISOString());
    return result.changes === 1;
  }

  finish(id: string, status: Extract<PlanStatus, 'done' | 'failed' | 'cancelled'>): void {
    this.db.prepare(`UPDATE plans SET status = ? WHERE id = ?`).run(status, id);
  }
}
