import type { PgBouncerMath } from './pgbouncer-math.js';
import type { PoolMath } from './pool-math.js';
import type { Thresholds } from './thresholds.js';
import type { Verdict } from './verdict.js';
import type { Sample } from './sample-from-report.js';

/** An audit entry as the summary reads it (the audit trail's rows have this shape). */
export interface AuditRecord {
  at: string;
  event: string;
  action: string | null;
  actor: string | null;
  detail: Record<string, unknown>;
}

/** Figures of one window of the history; gaps (failed samples, time without samples) are left out. */
export interface WindowStats {
  from: Date;
  to: Date;
  okSamples: number;
  peak: { connections: number; at: Date; usable: number | null } | null;
  /** 0..1+, over the samples that have data. */
  avgUtilization: number | null;
  p95Utilization: number | null;
  minutesAboveWarn: number;
  minutesAboveCrit: number;
  /** Samples in which the server refused dbpool itself. */
  refusedSamples: number;
  /** New "server full" lines in the app logs over the window. */
  logRefusals: number;
  minutesWithoutData: number;
  instancesMin: number | null;
  instancesMax: number | null;
  extraInstancesMax: number;
}

export interface ActionSummary {
  at: string;
  action: string;
  actor: string | null;
  ok: boolean;
}

export interface DailySummary {
  generatedAt: Date;
  day: WindowStats;
  previousDay: WindowStats;
  /** Today minus yesterday; null when either side has no data. */
  change: { peak: number | null; avgUtilization: number | null; p95Utilization: number | null; minutesAboveWarn: number };
  /** Pool math and verdict of the diagnosis taken for the summary; null when none could be taken. */
  now: { math: PoolMath; verdict: Verdict; pgbouncer?: PgBouncerMath } | null;
  actions: ActionSummary[];
  /** The day's samples for the chart and the sparkline (gaps as nulls). */
  /** Per sample: refusals (the server refused dbpool, plus new "server full" lines in the app logs) and instances above the expected count. */
  series: { at: Date; connections: number | null; usable: number | null; refusals: number; extraInstances: number | null }[];
  thresholds: Pick<Thresholds, 'warnUtilization' | 'critUtilization'>;
  intervalSeconds: number;
}

export interface SummaryInput {
  now: Date;
  /** Samples of the last 48 hours, oldest first. */
  samples: Sample[];
  audit: AuditRecord[];
  current: { math: PoolMath; verdict: Verdict; pgbouncer?: PgBouncerMath } | null;
  thresholds: Pick<Thresholds, 'warnUtilization' | 'critUtilization'>;
  /** DBPOOL_SAMPLE_SECONDS: the time one sample stands for. */
  intervalSeconds: number;
}

const DAY_MS = 86_400_000;

/** The daily summary from stored samples and audit entries. Pure: no I/O, no clock. */
export function computeDailySummary(input: SummaryInput): DailySummary {
  const to = input.now;
  const from = new Date(to.getTime() - DAY_MS);
  const before = new Date(from.getTime() - DAY_MS);
  const inDay = input.samples.filter((s) => s.at >= from && s.at < to);
  const inPrevious = input.samples.filter((s) => s.at >= before && s.at < from);
  const day = windowStats(inDay, from, to, input);
  const previousDay = windowStats(inPrevious, before, from, input);
  return {
    generatedAt: to,
    day,
    previousDay,
    change: {
      peak: day.peak && previousDay.peak ? day.peak.connections - previousDay.peak.connections : null,
      avgUtilization: diff(day.avgUtilization, previousDay.avgUtilization),
      p95Utilization: diff(day.p95Utilization, previousDay.p95Utilization),
      minutesAboveWarn: day.minutesAboveWarn - previousDay.minutesAboveWarn,
    },
    now: input.current,
    actions: input.audit
      .filter((e) => e.event === 'executed' && new Date(e.at) >= from && new Date(e.at) < to)
      .map((e) => ({ at: e.at, action: e.action ?? '?', actor: e.actor, ok: e.detail.error === undefined })),
    series: inDay.map((s) => ({
      at: s.at,
      connections: s.clientConnections,
      usable: s.usable,
      refusals: (s.refused ? 1 : 0) + (s.logRefusals ?? 0),
      extraInstances: s.extraInstances,
    })),
    thresholds: input.thresholds,
    intervalSeconds: input.intervalSeconds,
  };
}

export function windowStats(
  samples: Sample[],
  from: Date,
  to: Date,
  options: { thresholds: SummaryInput['thresholds']; intervalSeconds: number },
): WindowStats {
  const minutesPerSample = options.intervalSeconds / 60;
  const utilizations: number[] = [];
  let peak: WindowStats['peak'] = null;
  let okSamples = 0;
  let aboveWarn = 0;
  let aboveCrit = 0;
  let refusedSamples = 0;
  let logRefusals = 0;
  let instancesMin: number | null = null;
  let instancesMax: number | null = null;
  let extraInstancesMax = 0;
  for (const s of samples) {
    if (s.refused) refusedSamples++;
    logRefusals += s.logRefusals ?? 0;
    if (s.instances !== null) {
      instancesMin = instancesMin === null ? s.instances : Math.min(instancesMin, s.instances);
      instancesMax = instancesMax === null ? s.instances : Math.max(instancesMax, s.instances);
    }
    extraInstancesMax = Math.max(extraInstancesMax, s.extraInstances ?? 0);
    if (!s.ok || s.clientConnections === null) continue;
    okSamples++;
    if (!peak || s.clientConnections > peak.connections) peak = { connections: s.clientConnections, at: s.at, usable: s.usable };
    if (s.usable) {
      const u = s.clientConnections / s.usable;
      utilizations.push(u);
      if (u >= options.thresholds.warnUtilization) aboveWarn++;
      if (u >= options.thresholds.critUtilization) aboveCrit++;
    }
  }
  const windowMinutes = (to.getTime() - from.getTime()) / 60_000;
  return {
    from,
    to,
    okSamples,
    peak,
    avgUtilization: utilizations.length > 0 ? utilizations.reduce((a, b) => a + b, 0) / utilizations.length : null,
    p95Utilization: percentile(utilizations, 0.95),
    minutesAboveWarn: aboveWarn * minutesPerSample,
    minutesAboveCrit: aboveCrit * minutesPerSample,
    refusedSamples,
    logRefusals,
    minutesWithoutData: Math.max(0, Math.round(windowMinutes - okSamples * minutesPerSample)),
    instancesMin,
    instancesMax,
    extraInstancesMax,
  };
}

/** Nearest-rank percentile; null for no values. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? null;
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}
