import { logTotals, runningCount, usableSlots } from './derived-facts.js';
import type { Headline } from './headline.js';
import type { Report } from './report.js';
import type { Verdict } from './verdict.js';

/**
 * The runbook's "after the changes" figures of one report: connections, instances, clean worker
 * starts, "server full" errors. A plan keeps them from its own report (the "before"); the check
 * after the action takes them again. A figure that could not be read is null, never zero.
 */
export interface ActionFigures {
  at: string;
  connections: number | null;
  usable: number | null;
  runningInstances: number | null;
  /** In the logs read (after an action: only lines written since it). */
  workerStarts: number | null;
  serverFullErrors: number | null;
  verdict: Verdict;
  /** The report's first line (absent in figures stored before it was kept). */
  headline?: Headline;
}

export function actionFigures(report: Report): ActionFigures {
  const pg = report.facts.postgres;
  const logs = logTotals(report.facts);
  return {
    at: report.generatedAt,
    // The usage, as the report counts it: dbpool's own connections apart.
    connections: pg.ok ? (report.math.server?.used ?? pg.facts.clientConnections) : null,
    usable: pg.ok ? usableSlots(pg.facts) : null,
    runningInstances: runningCount(report.facts),
    workerStarts: logs?.workerStarts ?? null,
    serverFullErrors: logs?.serverFull ?? null,
    verdict: report.verdict,
    headline: report.headline,
  };
}
