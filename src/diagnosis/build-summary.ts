import type { Config } from '../config.js';
import { computeDailySummary, type AuditRecord, type DailySummary } from '../core/daily-summary.js';
import type { Report } from '../core/report.js';
import type { HistoryStore } from '../state/history-store.js';

export interface SummaryDeps {
  history: HistoryStore;
  /** AuditLog, or anything that lists the executed actions. */
  audit: { executedSince(since: Date): AuditRecord[] } | null;
  /** A current diagnosis for "the pool math now"; the scheduler passes the sampler's latest report. */
  currentReport: () => Promise<Report | null>;
  config: Pick<Config, 'thresholds' | 'schedule'>;
}

const DAY_MS = 86_400_000;

/** The summary of the 24 hours before `now` (and the day before, for the change): one read of each store. */
export async function buildSummary(deps: SummaryDeps, now: Date): Promise<DailySummary> {
  const samples = deps.history.between(new Date(now.getTime() - 2 * DAY_MS), now);
  const audit = deps.audit?.executedSince(new Date(now.getTime() - DAY_MS)) ?? [];
  const report = await deps.currentReport();
  return computeDailySummary({
    now,
    samples,
    audit,
    current: report && report.math.server ? { math: report.math, verdict: report.verdict, pgbouncer: report.pgbouncer } : null,
    thresholds: deps.config.thresholds,
    intervalSeconds: deps.config.schedule.sampleSeconds,
  });
}
