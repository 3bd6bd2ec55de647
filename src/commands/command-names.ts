import { REPORT_VIEWS, type ReportView } from '../core/report.js';

/**
 * Every command, in the order of the help text: the report views (one command each), then the
 * actions and the rest. The command table, the catalogs' help and the Slack buttons read this list.
 */
export const COMMAND_NAMES = [...REPORT_VIEWS, 'check', 'terminate-idle', 'stop-extra', 'undo', 'audit', 'summary', 'lang', 'help'] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

/** Commands whose result is a report posted in the channel, and that report buttons may re-run. */
export function isReportCommand(name: string): name is ReportView {
  return (REPORT_VIEWS as readonly string[]).includes(name);
}
