import type { PostgresConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { createMonitorConnection, type MonitorConnection } from './monitor-connection.js';
import { DBPOOL_APPLICATION_NAME } from './postgres-probe.js';
import { realTimer, type Timer } from '../../timer.js';

/** What the lease needs of a PostgreSQL connection (pg.Client, the monitoring connection, ...). */
export interface LeaseConnection {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface LeaderLeaseOptions {
  connection: LeaseConnection;
  /** Two int4 keys: the lock is (namespace, id); every replica of one deployment uses the same pair. */
  key?: [number, number];
  retryMs: number;
  timer?: Timer;
  logger?: Logger;
  /** Told when leadership is gained or lost. */
  onChange?: (leader: boolean) => void;
}

/** 'dbpl' and 1: the daily summary and warnings' lock. */
export const DEFAULT_LEASE_KEY: [number, number] = [0x6462706c, 1];

/**
 * Leader election between replicas with a session-level advisory lock. The leader holds
 * pg_try_advisory_lock(k1, k2) on its connection; when that session ends (crash, network loss),
 * PostgreSQL releases the lock and a follower gets it on its next try. The leader re-checks on every
 * tick that its session still holds the lock (a reconnected session does not), so it never believes
 * itself leader on a new session without the lock.
 */
export class LeaderLease {
  private leader = false;
  private handle: unknown = null;
  private stopped = true;
  private ticking: Promise<boolean> | null = null;
  private readonly key: [number, number];
  private readonly timer: Timer;

  constructor(private readonly options: LeaderLeaseOptions) {
    this.key = options.key ?? DEFAULT_LEASE_KEY;
    this.timer = options.timer ?? realTimer;
  }

  isLeader(): boolean {
    return this.leader;
  }

  /** Tries at once, then every retryMs. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = () => {
      void this.tick().finally(() => {
        if (!this.stopped) this.handle = this.timer.setTimeout(loop, this.options.retryMs);
      });
    };
    loop();
  }

  /** One check or acquisition attempt; returns whether this replica leads now. */
  tick(): Promise<boolean> {
    this.ticking ??= this.check().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  /** Stops retrying and releases the lock if held (the connection stays open: it is not ours). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle !== null) this.timer.clearTimeout(this.handle);
    this.handle = null;
    await this.ticking;
    if (this.leader) {
      try {
        await this.options.connection.query('SELECT pg_advisory_unlock($1::int4, $2::int4)', this.key);
      } catch {
        // The session is gone: PostgreSQL released the lock with it.
      }
    }
    this.set(false);
  }

  private async check(): Promise<boolean> {
    try {
      const sql = this.leader
        ? `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                            AND classid = ($1::int4)::oid AND objid = ($2::int4)::oid AND objsubid = 2) AS held`
        : 'SELECT pg_try_advisory_lock($1::int4, $2::int4) AS held';
      const { rows } = await this.options.connection.query(sql, this.key);
      this.set(rows[0]?.held === true);
    } catch (err) {
      this.options.logger?.warn({ err }, 'leader lease: check failed');
      this.set(false);
    }
    return this.leader;
  }

  private set(leader: boolean): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.options.logger?.info({ leader }, leader ? 'leader lease acquired' : 'leader lease lost');
    this.options.onChange?.(leader);
  }
}

/**
 * A dedicated, self-reconnecting connection for the lease (the monitoring connection's machinery, with
 * dbpool's application_name so the diagnosis counts it as dbpool's own). After a drop it reconnects
 * with backoff and the lease re-competes on its next tick. One more slot on the server, while the
 * probe's monitoring connection stays private to the probe.
 */
export function createLeaseConnection(config: PostgresConfig, logger: Logger): MonitorConnection {
  const connection = createMonitorConnection({ config, logger, applicationName: DBPOOL_APPLICATION_NAME });
  connection.start();
  return connection;
}
