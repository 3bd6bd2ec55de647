import type { Report } from '../core/report.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import { createFormatter } from '../i18n/format.js';
import type { Severity } from '../core/findings.js';
import { buildDocument, type ReportDocument } from './report-document.js';
import { rtlLine } from './rtl-marks.js';

export interface TextOptions {
  lang: Lang;
  color?: boolean;
  maxItems?: number;
  timeZone?: string;
}

const ANSI = { red: '\x1b[31m', yellow: '\x1b[33m', green: '\x1b[32m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const VERDICT_COLOR = { OK: ANSI.green, WARN: ANSI.yellow, CRIT: ANSI.red, UNKNOWN: ANSI.yellow } as const;
const SEVERITY_MARK: Record<Severity, string> = { crit: '!!', warn: '!', info: '-' };

/** The report for a terminal: plain lines, commands indented, colour only when asked. */
export function renderText(report: Report, options: TextOptions): string {
  const t = catalogFor(options.lang);
  const f = createFormatter(options.lang, { timeZone: options.timeZone });
  return documentToText(buildDocument(report, t, f, { maxItems: options.maxItems ?? 20 }), options.color ?? false);
}

export function documentToText(doc: ReportDocument, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `${code}${s}${ANSI.reset}` : s);
  // A terminal that lays out bidi text gets Persian lines right to left, numbers after names in place.
  const dir = (s: string) => (doc.dir === 'rtl' ? rtlLine(s) : s);
  const lines: string[] = [paint(ANSI.bold + (doc.whatIf ? '' : VERDICT_COLOR[doc.verdict]), dir(`${doc.title} — ${doc.headline}`)), ''];
  for (const section of doc.sections) {
    lines.push(paint(ANSI.bold, dir(section.title)));
    section.entries.forEach((entry) => {
      const mark = entry.ordinal ?? (entry.severity ? SEVERITY_MARK[entry.severity] : '·');
      const [first = '', ...rest] = entry.text.split('\n');
      lines.push(`  ${dir(`${mark} ${first}`)}`, ...rest.map((l) => `    ${dir(l)}`));
      for (const block of entry.code ?? []) {
        lines.push(...block.split('\n').map((l) => paint(ANSI.dim, `      ${l}`)));
      }
    });
    lines.push('');
  }
  lines.push(paint(ANSI.dim, dir(doc.context.join(' · '))));
  return lines.join('\n') + '\n';
}
