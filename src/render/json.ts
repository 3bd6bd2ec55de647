import type { Report } from '../core/report.js';
import { VERDICT_EXIT_CODE } from '../core/verdict.js';

/** The report for machines: the model itself, language-free, with a format version. */
export function renderJson(report: Report): string {
  return JSON.stringify({ format: 'dbpool.report/1', exitCode: VERDICT_EXIT_CODE[report.verdict], ...report }, null, 2) + '\n';
}
