import { reportExitCode, type Report } from '../core/report.js';

/** The report for machines: the model itself, language-free, with a format version. */
export function renderJson(report: Report): string {
  return JSON.stringify({ format: 'dbpool.report/1', exitCode: reportExitCode(report), ...report }, null, 2) + '\n';
}
