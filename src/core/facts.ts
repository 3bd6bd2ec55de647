/**
 * Facts: what the probes observed, in plain data. The probes (src/probes) produce these;
 * the pure core (pool math, findings, recommendations, report) consumes them.
 */

/** Why a probe could not observe something. Always reported, never thrown past a probe. */
export type ProbeErrorKind =
  | 'unreachable'
  | 'auth_failed'
  | 'timeout'
  | 'server_full'
  | 'permission_denied'
  | 'not_found'
  | 'other';

/**
 * What dbpool can tell about a failure beyond the words of the server or the library (a TLS setting
 * to change, a file it cannot read): a sentence per code in each catalog, never prose in the probe.
 */
export type ProbeHint =
  | 'pg_tls_untrusted'
  | 'pg_tls_wrong_name'
  | 'pg_tls_not_valid_now'
  | 'pg_tls_client_certificate'
  | 'pg_ssl_off'
  | 'pg_unreadable_file'
  | 'docker_tls_untrusted'
  | 'docker_tls_wrong_name'
  | 'docker_tls_not_valid_now'
  | 'docker_tls_client_certificate'
  | 'no_answer';

export interface ProbeHintRef {
  code: ProbeHint;
  /** The file the hint is about (pg_unreadable_file). */
  file?: string;
  /** The bound that passed (no_answer). */
  ms?: number;
}

export interface ProbeError {
  kind: ProbeErrorKind;
  /** Where it happened, e.g. "postgres 127.0.0.1:5432/madras" or "docker unix:///var/run/docker.sock php_swoole_app". */
  source: string;
  message: string;
  /** SQLSTATE or errno, when known. */
  code?: string;
  hint?: ProbeHintRef;
}

// ---------------------------------------------------------------- PostgreSQL

export interface CountByKey {
  key: string;
  count: number;
}

export interface ConnectionStates {
  active: number;
  idle: number;
  idleInTransaction: number;
  idleInTransactionAborted: number;
  /** fastpath function call, disabled, or anything newer. */
  other: number;
  /** state IS NULL for a client backend: hidden from a role without pg_read_all_stats. */
  hidden: number;
}

export interface IdleSession {
  pid: number;
  user: string | null;
  application: string | null;
  client: string | null;
  /** Seconds since state_change. */
  idleSeconds: number;
  backendStart: string;
  /**
   * One of the app's sessions (APP_DB_USER / APP_APPLICATION_NAME, never a superuser's): the only
   * ones terminate-idle may touch. Another role's or another tool's idle session is listed, not touched.
   */
  app: boolean;
}

export interface PostgresFacts {
  serverVersion: string;
  /** server_version_num, e.g. 160004. */
  serverVersionNum: number;
  database: string;
  host: string;
  maxConnections: number;
  superuserReservedConnections: number;
  /** reserved_connections (PostgreSQL 16+); 0 on older servers. */
  reservedConnections: number;
  /** Client backends on the whole server, dbpool's own included. */
  clientConnections: number;
  /** Client backends connected to the target database. */
  databaseConnections: number;
  /** Background processes in pg_stat_activity (autovacuum, walwriter, ...); they do not use max_connections. */
  backgroundProcesses: number;
  /** Client backends of the app (see Config.app.dbUser / applicationName); all of the target database but dbpool itself when unset. */
  appConnections: number;
  /** States of the client backends in the target database. */
  states: ConnectionStates;
  /** False when the monitoring role cannot see other roles' state (no pg_monitor): counts by state are incomplete. */
  statesVisible: boolean;
  byApplication: CountByKey[];
  byUser: CountByKey[];
  byClient: CountByKey[];
  oldestIdleSeconds: number | null;
  oldestIdleInTransactionSeconds: number | null;
  /** Idle client backends of the target database older than idleMinutes, oldest first, dbpool's own excluded. */
  idleSessions: IdleSession[];
  idleMinutes: number;
  /** Backend pid of dbpool's monitoring connection. */
  ownPid: number;
}

export type PostgresObservation =
  | { ok: true; facts: PostgresFacts }
  | { ok: false; error: ProbeError; database: string; host: string };

// ---------------------------------------------------------------- App instances

/** A pool setting read from an instance's environment, a configured fallback, or unknown. */
export type SettingValue =
  | { value: number; origin: 'env' }
  | { value: number; origin: 'fallback' }
  | { value: null; origin: 'unknown'; reason: string };

export type ProcessRole = 'master' | 'manager' | 'worker' | 'task_worker' | 'unknown';

export interface AppProcess {
  pid: number;
  ppid?: number;
  role: ProcessRole;
  command: string;
}

export interface LogPatternCount {
  pattern: string;
  count: number;
  /** ISO time of the latest matching line, when the source gives timestamps. */
  lastSeen: string | null;
}

export interface LogStats {
  linesRead: number;
  since: string | null;
  workerStarts: LogPatternCount;
  serverFull: LogPatternCount[];
  poolExhausted: LogPatternCount[];
}

export interface AppInstance {
  /** Stable id: container id, or "pid:<master pid>". */
  id: string;
  name: string;
  source: 'docker' | 'process';
  /** Docker engine address, or the host name for local processes. */
  location: string;
  image?: string;
  createdAt?: string;
  /** When it last started (a container restarted since its creation): what "up" counts from. */
  startedAt?: string;
  state: string;
  health?: string;
  poolSize: SettingValue;
  workerNum: SettingValue;
  taskWorkerNum: SettingValue;
  /** Processes seen inside the instance; null when they could not be listed. */
  processes: AppProcess[] | null;
  logs?: LogStats;
  errors: ProbeError[];
}

export interface InstanceObservation {
  /** "docker unix:///var/run/docker.sock", "process localhost", ... */
  source: string;
  ok: boolean;
  instances: AppInstance[];
  error?: ProbeError;
}

export interface ObserveOptions {
  /** Count only log lines written since then: the check after an action, not the incident before it. */
  logsSince?: Date;
}

/** One way of finding the app's instances (Docker engine, local /proc, ...). */
export interface InstanceSource {
  readonly name: string;
  observe(signal?: AbortSignal, options?: ObserveOptions): Promise<InstanceObservation>;
}

// ---------------------------------------------------------------- Everything together

export interface Facts {
  observedAt: string;
  postgres: PostgresObservation;
  instances: InstanceObservation[];
}
