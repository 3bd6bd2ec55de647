import { logTotals, runningCount } from './derived-facts.js';
import type { ProbeErrorKind } from './facts.js';
import type { Report } from './report.js';

/**
 * One sample of the connection history. A failed sample is kept as a gap (ok = false, figures
 * null), never as zeros: a zero would read as "no connections" in the peak, the average and the chart.
 */
export interface Sample {
  at: Date;
  ok: boolean;
  clientConnections: number | null;
  /** max_connections minus the reserved slots. */
  usable: number | null;
  maxConnections: number | null;
  /** Sum of the known pools' demand (workers x DB_POOL_SIZE per instance). */
  appDemand: number | null;
  instances: number | null;
  extraInstances: number | null;
  /** The server refused dbpool itself ("too many clients already"): seen by the sample. */
  refused: boolean;
  /** New "server full" lines in the app logs since the previous sample (null when no log was read). */
  logRefusals: number | null;
  errorKind: ProbeErrorKind | null;
}

/**
 * Turns one status report into one history sample, so the sampler reuses the diagnosis (the same
 * query, the same pool math) instead of computing anything a second time.
 * `previousLogTotal` is the "server full" line count of the previous sample: the app logs are read
 * as a sliding tail, so only the growth since then counts as new refusals (a shrinking tail counts 0).
 */
export function sampleFromReport(report: Report, expectedInstances: number, previousLogTotal: number | null): { sample: Sample; logTotal: number | null } {
  const pg = report.facts.postgres;
  // A source that could not be read leaves the count unknown: a gap, never a zero.
  const instances = runningCount(report.facts);
  const logTotal = logTotals(report.facts)?.serverFull ?? null;
  const logRefusals = logTotal === null ? null : previousLogTotal === null ? 0 : Math.max(0, logTotal - previousLogTotal);
  const common = {
    at: new Date(report.generatedAt),
    instances,
    extraInstances: instances === null ? null : Math.max(0, instances - expectedInstances),
    logRefusals,
  };
  if (!pg.ok) {
    return {
      sample: {
        ...common,
        ok: false,
        clientConnections: null,
        usable: null,
        maxConnections: null,
        appDemand: null,
        refused: pg.error.kind === 'server_full',
        errorKind: pg.error.kind,
      },
      logTotal,
    };
  }
  return {
    sample: {
      ...common,
      ok: true,
      // The usage, as the report counts it: dbpool's own connections are not the app's load.
      clientConnections: report.math.server?.used ?? pg.facts.clientConnections,
      usable: report.math.usableSlots,
      maxConnections: pg.facts.maxConnections,
      appDemand: report.math.instances.length > 0 ? report.math.knownDemand : null,
      refused: false,
      errorKind: null,
    },
    logTotal,
  };
}
