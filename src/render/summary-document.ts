import type { Verdict } from '../core/verdict.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import type { DocEntry } from './report-document.js';
import type { DailySummary } from '../core/daily-summary.js';
import { pgbouncerSummaryEntries } from './pgbouncer-summary.js';
import { sparkline } from './sparkline.js';
import type { ChartLabels } from './summary-chart-config.js';

/**
 * The daily summary as sentences in one language, independent of the medium (the pattern of
 * src/render/report-document.ts): the terminal and Block Kit lay this out; none redoes the figures.
 */
export interface SummaryDocument {
  lang: Formatter['lang'];
  dir: Catalog['dir'];
  /** The day's worst state: CRIT when the crit line was crossed or the server refused connections. */
  verdict: Verdict;
  title: string;
  headline: string;
  sections: SummarySection[];
  /** The text chart, for where the PNG cannot be uploaded. */
  sparkline: string;
  context: string[];
}

export type SummarySectionId = 'usage' | 'refusals' | 'instances' | 'poolNow' | 'actions' | 'change';

export interface SummarySection {
  id: SummarySectionId;
  title: string;
  entries: DocEntry[];
}

export function summaryVerdict(s: DailySummary): Verdict {
  const d = s.day;
  if (d.minutesAboveCrit > 0 || d.refusedSamples > 0 || d.logRefusals > 0) return 'CRIT';
  if (d.okSamples === 0) return 'UNKNOWN';
  if (d.minutesAboveWarn > 0 || d.extraInstancesMax > 0) return 'WARN';
  return 'OK';
}

export function buildSummaryDocument(s: DailySummary, t: Catalog, f: Formatter): SummaryDocument {
  const m = t.summary;
  const d = s.day;
  const pct = (ratio: number) => Math.round(ratio * 100);

  const usage: DocEntry[] = [];
  if (d.peak) {
    usage.push({ text: m.peak({ connections: d.peak.connections, usable: d.peak.usable, at: f.dateTime(d.peak.at.toISOString()) }, f) });
  } else {
    usage.push({ text: m.noData, severity: 'warn' });
  }
  if (d.avgUtilization !== null && d.p95Utilization !== null) {
    usage.push({ text: m.utilization({ avg: pct(d.avgUtilization), p95: pct(d.p95Utilization) }, f) });
  }
  usage.push({
    text: m.aboveThresholds(
      { warnMinutes: d.minutesAboveWarn, critMinutes: d.minutesAboveCrit, warn: pct(s.thresholds.warnUtilization), crit: pct(s.thresholds.critUtilization) },
      f,
    ),
    severity: d.minutesAboveCrit > 0 ? 'crit' : d.minutesAboveWarn > 0 ? 'warn' : undefined,
  });
  if (d.minutesWithoutData > 0) usage.push({ text: m.withoutData({ minutes: d.minutesWithoutData }, f), severity: 'info' });

  const refused = d.refusedSamples + d.logRefusals > 0;
  const refusals: DocEntry[] = [
    refused ? { text: m.refusals({ samples: d.refusedSamples, logLines: d.logRefusals }, f), severity: 'crit' } : { text: m.noRefusals },
  ];

  const instances: DocEntry[] = [];
  if (d.instancesMin === null || d.instancesMax === null) instances.push({ text: m.instancesUnknown });
  else instances.push({ text: m.instances({ min: d.instancesMin, max: d.instancesMax }, f) });
  if (d.extraInstancesMax > 0) instances.push({ text: m.extraInstances({ extra: d.extraInstancesMax }, f), severity: 'warn' });

  const math = s.now?.math;
  const behindPgBouncer = s.now?.pgbouncer?.inPath && s.now.pgbouncer.bouncers.length > 0;
  const poolNow: DocEntry[] = behindPgBouncer && s.now?.pgbouncer ? pgbouncerSummaryEntries(s.now.pgbouncer, t, f) : [
    math && math.server
      ? {
          text: m.poolNow(
            { demand: math.knownDemand, unknown: math.unknownDemandInstances, capacity: math.appCapacity, usable: math.usableSlots, headroom: math.headroom },
            f,
          ),
          severity: math.headroom !== null && math.headroom < 0 ? 'crit' : undefined,
        }
      : { text: m.poolNowUnavailable, severity: 'warn' },
  ];

  const actions: DocEntry[] =
    s.actions.length > 0
      ? s.actions.map((a) => ({ text: m.action({ at: f.dateTime(a.at), action: a.action, actor: a.actor, ok: a.ok }, f), severity: a.ok ? undefined : 'warn' }))
      : [{ text: m.noActions }];

  const change: DocEntry[] = [];
  if (s.change.peak === null) change.push({ text: m.noPrevious });
  else {
    change.push({ text: m.changePeak({ delta: s.change.peak }, f) });
    if (s.change.avgUtilization !== null && s.change.p95Utilization !== null) {
      change.push({ text: m.changeUtilization({ avgPoints: pct(s.change.avgUtilization), p95Points: pct(s.change.p95Utilization) }, f) });
    }
    change.push({ text: m.changeWarnMinutes({ delta: s.change.minutesAboveWarn }, f) });
  }

  const sections: SummarySection[] = [
    { id: 'usage', title: m.section.usage, entries: usage },
    { id: 'refusals', title: m.section.refusals, entries: refusals },
    { id: 'instances', title: m.section.instances, entries: instances },
    { id: 'poolNow', title: m.section.poolNow, entries: poolNow },
    { id: 'actions', title: m.section.actions, entries: actions },
    { id: 'change', title: m.section.change, entries: change },
  ];
  const verdict = summaryVerdict(s);
  const values = s.series.map((p) => p.connections);
  // A loop, not Math.max(...): a day of one-second samples would overflow the call stack.
  const max = s.series.reduce((m, p) => Math.max(m, p.usable ?? 0, p.connections ?? 0), 0);
  return {
    lang: f.lang,
    dir: t.dir,
    verdict,
    title: m.title({ date: f.dateTime(s.generatedAt.toISOString()) }, f),
    headline: m.headline[verdict],
    sections,
    sparkline: m.sparkline({ line: sparkline(values, { width: 48, max }), max }, f),
    context: [t.label.generatedAt({ at: f.dateTime(s.generatedAt.toISOString()) }, f)],
  };
}

/** Labels of the PNG chart, from the same catalog. */
export function chartLabels(s: DailySummary, t: Catalog, f: Formatter): ChartLabels {
  return {
    title: t.summary.chartTitle({ date: f.dateTime(s.generatedAt.toISOString()) }, f),
    connections: t.summary.chartConnections,
    capacity: t.summary.chartCapacity,
    warn: t.summary.chartWarn({ percent: Math.round(s.thresholds.warnUtilization * 100) }, f),
    crit: t.summary.chartCrit({ percent: Math.round(s.thresholds.critUtilization * 100) }, f),
    refusals: t.summary.chartRefusals,
    extraInstances: t.summary.chartExtraInstances,
  };
}
