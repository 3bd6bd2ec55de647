import type { CountByKey, IdleSession, PostgresFacts } from '../../core/facts.js';
import { ACTIVITY_SQL, activityParams, type ActivityRow } from './activity-query.js';

/** Runs one parameterised statement; the monitoring connection provides it. */
export type QueryFn = <R extends object>(text: string, values: unknown[]) => Promise<{ rows: R[] }>;

export interface ReadFactsOptions {
  idleMinutes: number;
  /** Where the facts come from, as the report shows it ("host:port"). */
  host: string;
  appDbUser?: string | undefined;
  appApplicationName?: string | undefined;
  /** dbpool's own application_name: its sessions are never the app's and never idle candidates. */
  ownApplicationName: string;
}

/** Builds PostgresFacts from one round trip on the monitoring connection. Throws what the query throws. */
export async function readPostgresFacts(query: QueryFn, options: ReadFactsOptions): Promise<PostgresFacts> {
  const { rows } = await query<ActivityRow>(ACTIVITY_SQL, activityParams(options));
  const row = rows[0];
  if (!row) throw new Error('the activity query returned no row');
  return toFacts(row, options);
}

export function toFacts(row: ActivityRow, options: Pick<ReadFactsOptions, 'idleMinutes' | 'host'>): PostgresFacts {
  return {
    serverVersion: row.server_version,
    serverVersionNum: row.server_version_num,
    database: row.database,
    host: options.host,
    maxConnections: row.max_connections,
    superuserReservedConnections: row.superuser_reserved_connections,
    reservedConnections: row.reserved_connections,
    clientConnections: row.client_connections,
    ownConnections: row.own_connections,
    databaseConnections: row.database_connections,
    backgroundProcesses: row.background_processes,
    appConnections: row.app_connections,
    states: {
      active: row.state_active,
      idle: row.state_idle,
      idleInTransaction: row.state_idle_in_transaction,
      idleInTransactionAborted: row.state_idle_in_transaction_aborted,
      other: row.state_other,
      hidden: row.state_hidden,
    },
    // Hidden rows mean the role lacks pg_read_all_stats: counts by state would be wrong, so say so.
    statesVisible: row.state_hidden === 0,
    byApplication: counts(row.by_application),
    byUser: counts(row.by_user),
    byClient: counts(row.by_client),
    oldestIdleSeconds: seconds(row.oldest_idle_seconds),
    oldestIdleInTransactionSeconds: seconds(row.oldest_idle_in_transaction_seconds),
    idleSessions: row.idle_sessions.map(idleSession),
    idleMinutes: options.idleMinutes,
    ownPid: row.own_pid,
    serverPort: row.server_port,
    sessions: row.sessions.map(([pid, clientAddr, clientPort, state, user, application, seconds]) => ({
      pid,
      clientAddr,
      clientPort,
      state,
      user,
      application,
      stateSeconds: seconds === null ? null : Math.max(0, Math.round(seconds * 10) / 10),
    })),
  };
}

function counts(pairs: [string, number][]): CountByKey[] {
  return pairs.map(([key, count]) => ({ key, count }));
}

function seconds(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

function idleSession(s: ActivityRow['idle_sessions'][number]): IdleSession {
  return {
    pid: s.pid,
    user: s.user,
    application: s.application,
    client: s.client,
    idleSeconds: Math.round(s.idleSeconds * 10) / 10,
    backendStart: new Date(s.backendStart).toISOString(),
    app: s.app,
  };
}
