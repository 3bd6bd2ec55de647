import type { Config } from '../config.js';
import { buildReport, type Report, type ReportSettings, type ReportView } from '../core/report.js';
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

/** The one diagnosis step behind every command, button and scheduled post. */
export async function diagnose(
  sources: FactSources,
  config: Config,
  view: ReportView,
  options: { idleMinutes?: number } = {},
): Promise<Report> {
  const idleMinutes = options.idleMinutes ?? config.thresholds.idleMinutes;
  const facts = await collectFacts(sources, { idleMinutes });
  const settings = reportSettings(config);
  return buildReport(view, facts, { ...settings, thresholds: { ...settings.thresholds, idleMinutes } });
}
