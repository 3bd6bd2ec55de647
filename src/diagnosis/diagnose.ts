import type { Config } from '../config.js';
import { buildReport, type Report, type ReportSettings, type ReportView } from '../core/report.js';
import type { ObserveOptions } from '../core/facts.js';
import { collectFacts, type FactSources } from './collect-facts.js';

export function reportSettings(config: Config): ReportSettings {
  return {
    thresholds: config.thresholds,
    expectedInstances: config.app.expectedInstances,
    poolSizeVar: config.app.poolSizeVar,
    workerNumVar: config.app.workerNumVar,
    taskWorkerNumVar: config.app.taskWorkerNumVar,
    monitorRole: config.postgres?.user ?? null,
  };
}

/** Told of every report and how long it took (the bot feeds /metrics from it). */
export type ReportObserver = (report: Report, seconds: number) => void;

/** The one diagnosis step behind every command, button and scheduled post. */
export async function diagnose(
  sources: FactSources & { onReport?: ReportObserver },
  config: Config,
  view: ReportView,
  options: { idleMinutes?: number } & ObserveOptions = {},
): Promise<Report> {
  const started = performance.now();
  const idleMinutes = options.idleMinutes ?? config.thresholds.idleMinutes;
  const facts = await collectFacts(sources, { idleMinutes, logsSince: options.logsSince });
  const settings = reportSettings(config);
  const report = buildReport(view, facts, { ...settings, thresholds: { ...settings.thresholds, idleMinutes } });
  sources.onReport?.(report, (performance.now() - started) / 1000);
  return report;
}
