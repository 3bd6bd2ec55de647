import type { DailySummary } from '../core/daily-summary.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import { createFormatter, type FormatterOptions } from '../i18n/format.js';
import { renderChart } from './summary-chart.js';
import { buildSummaryDocument, chartLabels, type SummaryDocument } from './summary-document.js';

export interface RenderedSummary {
  summary: DailySummary;
  doc: SummaryDocument;
  png: Buffer | null;
}

export const CHART_SIZE = { width: 960, height: 400 } as const;

/**
 * The daily summary's document in one language, and the chart PNG when asked for. The CLI prints
 * summaryDocumentToText(doc); Slack posts doc (+ png).
 */
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
