import type { Config } from '../config.js';
import type { Facts, InstanceObservation, ObserveOptions } from '../core/facts.js';
import { buildReport, type Report, type ReportSettings, type ReportView } from '../core/report.js';
import { limitConcurrency } from '../concurrency.js';
import { collectFacts, observeInstanceSources, type FactSources } from './collect-facts.js';

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

/** Told of every diagnosis and how long it took (the bot feeds /metrics from it). */
export type ReportObserver = (report: Report, seconds: number) => void;

/** utilization: the warn and crit lines of this report only (`dbpool check -w/-c`). */
export type DiagnoseOptions = { idleMinutes?: number; utilization?: { warn: number; crit: number } } & ObserveOptions;

/** The one diagnosis step behind every command, button, scheduled sample and action check. */
export interface Diagnoser {
  diagnose(view: ReportView, options?: DiagnoseOptions): Promise<Report>;
  /** A fresh look at the instance sources only (a stop plan is re-checked against it). */
  observeInstances(): Promise<InstanceObservation[]>;
  /** The facts of the latest finished look (the sampler's, a command's): /healthz answers from it. */
  latest(): Facts | null;
}

export interface DiagnoserOptions {
  onReport?: ReportObserver;
  /** Distinct fact collections at once; more wait their turn (default 4). */
  maxInFlight?: number;
}

/**
 * Diagnoses that share their work: during an incident many people ask at once, and every one of
 * them joins the collection already running for the same question (the same idle threshold),
 * instead of each probing PostgreSQL and every Docker engine again. Only the pure report is built
 * per view. A check after an action (logsSince) always looks afresh.
 */
export function createDiagnoser(sources: FactSources, config: Config, options: DiagnoserOptions = {}): Diagnoser {
  const running = new Map<number, Promise<Collected>>();
  const slots = limitConcurrency(options.maxInFlight ?? 4);
  const settings = reportSettings(config);
  let latest: Facts | null = null;

  interface Collected {
    facts: Awaited<ReturnType<typeof collectFacts>>;
    seconds: number;
    /** Told to onReport already: /metrics counts diagnoses, not the views built from them. */
    reported: boolean;
  }

  async function collect(idleMinutes: number, observe: ObserveOptions): Promise<Collected> {
    return slots(async () => {
      const started = performance.now();
      const facts = await collectFacts(sources, { idleMinutes, logsSince: observe.logsSince });
      if (!latest || facts.observedAt >= latest.observedAt) latest = facts;
      return { facts, seconds: (performance.now() - started) / 1000, reported: false };
    });
  }

  function shared(idleMinutes: number): Promise<Collected> {
    let collection = running.get(idleMinutes);
    if (!collection) {
      collection = collect(idleMinutes, {}).finally(() => running.delete(idleMinutes));
      running.set(idleMinutes, collection);
    }
    return collection;
  }

  return {
    async diagnose(view, o = {}) {
      const idleMinutes = o.idleMinutes ?? config.thresholds.idleMinutes;
      const collected = o.logsSince ? await collect(idleMinutes, { logsSince: o.logsSince }) : await shared(idleMinutes);
      const report = buildReport(view, collected.facts, withOverrides(settings, idleMinutes, o.utilization));
      if (!collected.reported) {
        collected.reported = true;
        options.onReport?.(report, collected.seconds);
      }
      return report;
    },
    observeInstances: () => observeInstanceSources(sources.instanceSources, sources.sourceTimeoutMs),
    latest: () => latest,
  };
}

function withOverrides(settings: ReportSettings, idleMinutes: number, utilization: DiagnoseOptions['utilization']): ReportSettings {
  const lines = utilization ? { warnUtilization: utilization.warn, critUtilization: utilization.crit } : {};
  return { ...settings, thresholds: { ...settings.thresholds, idleMinutes, ...lines } };
}
