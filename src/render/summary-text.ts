import type { SummaryDocument } from './summary-document.js';

const SEVERITY_MARK = { crit: '!!', warn: '!', info: '-' } as const;

/** The summary for a terminal (`dbpool summary`): plain lines, the sparkline in place of the chart. */
export function summaryDocumentToText(doc: SummaryDocument): string {
  const lines: string[] = [`${doc.title} — ${doc.headline}`, ''];
  for (const section of doc.sections) {
    lines.push(section.title);
    for (const entry of section.entries) lines.push(`  ${entry.severity ? SEVERITY_MARK[entry.severity] : '·'} ${entry.text}`);
    lines.push('');
  }
  lines.push(doc.sparkline, '', doc.context.join(' · '));
  return lines.join('\n') + '\n';
}
