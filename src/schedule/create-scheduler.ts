import os from 'node:os';
import { requirePostgres, type Config } from '../config.js';
import { diagnose } from '../diagnosis/diagnose.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services.js';
import { createLeaseConnection, LeaderLease } from '../probes/postgres/leader-lease.js';
import { Scheduler, type SummaryPoster } from './scheduler.js';
import { SummaryRuns } from '../state/summary-runs.js';
import type { WarningPoster } from './warning-job.js';
import { WarningStateStore } from '../state/warning-state-store.js';

export interface RunningScheduler {
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/**
 * The bot's scheduled work, from the shared services: samples into the history, early warnings and
 * the daily summary. With a summary channel, replicas elect a leader through a PostgreSQL advisory
 * lock so that only one of them posts. Null without a database or a state store.
 */
export function createScheduler(
  config: Config,
  services: Services,
  posters: { summary: SummaryPoster | null; warning: WarningPoster | null },
  logger: Logger,
): RunningScheduler | null {
  const sources = services.context.sources;
  if (!sources || !services.history || !services.stateDb) return null;
  const log = logger.child({ component: 'schedule' });
  const leaseConnection = config.schedule.summaryChannel ? createLeaseConnection(requirePostgres(config), log) : null;
  const lease = leaseConnection
    ? new LeaderLease({ connection: leaseConnection, retryMs: 15_000, logger: log, onChange: (leader) => log.info({ leader }, 'leader lease') })
    : null;
  const scheduler = new Scheduler({
    config,
    takeReport: () => diagnose(sources, config, 'status'),
    history: services.history,
    runs: new SummaryRuns(services.stateDb),
    audit: services.audit,
    lease,
    summaryPoster: posters.summary,
    warningPoster: posters.warning,
    warningStore: new WarningStateStore(services.stateDb, log),
    replicaId: `${os.hostname()}:${process.pid}`,
    now: services.context.now,
    logger: log,
  });
  lease?.start();
  scheduler.start();
  // `summary` reuses the sampler's fresh report instead of diagnosing again.
  services.context.summary = scheduler.summaryDeps();
  return {
    scheduler,
    async stop() {
      await scheduler.stop();
      lease?.stop();
      await leaseConnection?.close();
    },
  };
}
