import type { AuditEntry } from '../actions/audit-log.js';
import type { Config } from '../config.js';
import type { Report } from '../core/report.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import { createFormatter, type FormatterOptions } from '../i18n/format.js';
import { computeDailySummary, type DailySummary } from '../core/daily-summary.js';
import type { HistoryStore } from '../state/history-store.js';
import { renderChart } from '../render/summary-chart.js';
import { buildSummaryDocument, chartLabels, type SummaryDocument } from '../render/summary-document.js';

/** Posts a daily summary; the Slack implementation uses chat.postMessage and files.uploadV2. */
export interface SummaryPoster {
  /** png is null where upload is not allowed: the document's sparkline stands in for it. */
  postSummary(doc: SummaryDocument, png: Buffer | null, channel: string, lang: Lang): Promise<void>;
}

export interface SummaryDeps {
  history: HistoryStore;
  /** AuditLog, or anything that lists the executed actions. */
  audit: { executedSince(since: Date): AuditEntry[] } | null;
  /** A current diagnosis for "the pool math now"; the scheduler passes the sampler's latest report. */
  currentReport: () => Promise<Report | null>;
  config: Pick<Config, 'thresholds' | 'schedule'>;
}

export interface RenderedSummary {
  summary: DailySummary;
  doc: SummaryDocument;
  png: Buffer | null;
}

const DAY_MS = 86_400_000;
export const CHART_SIZE = { width: 960, height: 400 } as const;

/** The summary of the 24 hours before `now` (and the day before, for the change): one read of each store. */
export async function buildSummary(deps: SummaryDeps, now: Date): Promise<DailySummary> {
  const samples = deps.history.between(new Date(now.getTime() - 2 * DAY_MS), now);
  const audit = deps.audit?.executedSince(new Date(now.getTime() - DAY_MS)) ?? [];
  const report = await deps.currentReport();
  return computeDailySummary({
    now,
    samples,
    audit,
    current: report && report.math.server ? { math: report.math, verdict: report.verdict } : null,
    thresholds: deps.config.thresholds,
    intervalSeconds: deps.config.schedule.sampleSeconds,
  });
}

/** The document in one language, and the chart PNG when asked for. */
export async function renderSummary(
  summary: DailySummary,
  lang: Lang,
  options: { timeZone: string; chart: boolean; code?: FormatterOptions['code'] },
): Promise<RenderedSummary> {
  const t = catalogFor(lang);
  const f = createFormatter(lang, { timeZone: options.timeZone, code: options.code });
  const doc = buildSummaryDocument(summary, t, f);
  if (!options.chart) return { summary, doc, png: null };
  const time = new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR' : 'en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: options.timeZone });
  const png = await renderChart(summary.series, {
    ...CHART_SIZE,
    from: summary.day.from,
    to: summary.day.to,
    warnUtilization: summary.thresholds.warnUtilization,
    critUtilization: summary.thresholds.critUtilization,
    labels: chartLabels(summary, t, f),
    formatTime: (at) => time.format(at),
    formatNumber: (n) => f.num(n),
    rtl: t.dir === 'rtl',
  });
  return { summary, doc, png };
}

/**
 * `dbpool summary` and `/dbpool summary`: the summary now, in the asker's language. The CLI prints
 * summaryDocumentToText(doc); Slack posts doc (+ png when chart is true).
 */
export async function summaryNow(deps: SummaryDeps, now: Date, lang: Lang, options: { chart: boolean; code?: FormatterOptions['code'] }): Promise<RenderedSummary> {
  const summary = await buildSummary(deps, now);
  return renderSummary(summary, lang, { timeZone: deps.config.schedule.summaryTimeZone, chart: options.chart, code: options.code });
}
