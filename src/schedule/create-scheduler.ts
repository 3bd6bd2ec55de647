import os from 'node:os';
import { requirePostgres } from '../config.js';
import type { SummaryDeps } from '../diagnosis/build-summary.js';
import type { Logger } from '../logger.js';
import { createLeaseConnection, LeaderLease } from '../probes/postgres/leader-lease.js';
import type { MonitorConnection } from '../probes/postgres/monitor-connection.js';
import type { Services } from '../services.js';
import { SummaryRuns } from '../state/summary-runs.js';
import { WarningStateStore } from '../state/warning-state-store.js';
import { Scheduler, type SummaryPoster } from './scheduler.js';
import type { WarningPoster } from './warning-job.js';

export interface BotScheduler {
  scheduler: Scheduler;
  /** What `summary` reads: the history, with the sampler's fresh report instead of a new diagnosis. */
  summary: SummaryDeps;
  /** The "Mute 1h" button's effect; null without early warnings. */
  muteWarnings: ((until: Date) => void) | null;
  /** Starts sampling, the daily summary check and (with a channel to post in) the leader lease. */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The bot's scheduled work, from the shared services: samples into the history, early warnings and
 * the daily summary. With a channel to post in, replicas elect a leader through a PostgreSQL advisory
 * lock so that only one of them posts. Null without a database or a state store. Nothing starts
 * until start(): the composition root builds everything first.
 */
export function createScheduler(
  services: Pick<Services, 'config' | 'diagnoser' | 'history' | 'stateDb' | 'audit' | 'now'>,
  posters: { summary: SummaryPoster | null; warning: WarningPoster | null },
  logger: Logger,
): BotScheduler | null {
  const { config, diagnoser, history, stateDb } = services;
  if (!diagnoser || !history || !stateDb) return null;
  const log = logger.child({ component: 'schedule' });
  let leaseConnection: MonitorConnection | null = null;
  // Only a replica that posts (a summary or warnings channel set) needs to lead.
  const lease = config.schedule.summaryChannel || config.schedule.warningChannel
    ? new LeaderLease({
        // The connection is opened by start(): a lazy getter keeps construction free of I/O.
        connection: { query: (sql, params) => (leaseConnection ??= createLeaseConnection(requirePostgres(config), log)).query(sql, params) },
        retryMs: 15_000,
        logger: log,
      })
    : null;
  const scheduler = new Scheduler({
    config,
    takeReport: () => diagnoser.diagnose('status'),
    history,
    runs: new SummaryRuns(stateDb),
    audit: services.audit,
    lease,
    summaryPoster: posters.summary,
    warningPoster: posters.warning,
    warningStore: new WarningStateStore(stateDb, log),
    replicaId: `${os.hostname()}:${process.pid}`,
    now: services.now,
    logger: log,
  });
  const warnings = scheduler.warnings;
  return {
    scheduler,
    summary: scheduler.summaryDeps(),
    muteWarnings: warnings ? (until) => warnings.mute(until) : null,
    start() {
      lease?.start();
      scheduler.start();
    },
    async stop() {
      await scheduler.stop();
      await lease?.stop();
      await leaseConnection?.close();
    },
  };
}
