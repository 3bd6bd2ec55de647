import type { StateDb } from './state-store.js';

/**
 * The claims of the daily summary: one row per local date. The primary key makes the claim
 * (INSERT OR IGNORE) succeed once per date, across restarts and across replicas sharing the state file.
 */
export class SummaryRuns {
  constructor(private readonly db: StateDb) {}

  /** True for the one caller that gets to post the run of `localDate`. */
  claim(localDate: string, at: Date, by: string): boolean {
    return (
      this.db
        .prepare(`INSERT OR IGNORE INTO summary_runs (local_date, claimed_at, claimed_by, status) VALUES (?, ?, ?, 'claimed')`)
        .run(localDate, at.toISOString(), by).changes === 1
    );
  }

  finish(localDate: string, status: 'posted' | 'failed', detail?: string): void {
    this.db.prepare(`UPDATE summary_runs SET status = ?, detail = ? WHERE local_date = ?`).run(status, detail ?? null, localDate);
  }
}
