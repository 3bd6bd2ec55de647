/**
 * The SQL of the PostgreSQL probe: one statement, one round trip, one snapshot of pg_stat_activity
 * (the backend status is read once per transaction, so every count below agrees with the others).
 * Values only ever arrive as parameters. Runs on PostgreSQL 10+ (backend_type); the CTEs are referenced
 * several times, so every version materialises them without being told (MATERIALIZED is 12+ syntax).
 *
 * Parameters:
 *   $1 text     the app's database user (APP_DB_USER), or NULL
 *   $2 text     the app's application_name (APP_APPLICATION_NAME), or NULL
 *   $3 float8   idle threshold in minutes (fractions allowed)
 *   $4 text     dbpool's own application_name, whose sessions are never the app's nor terminable
 *
 * Without pg_read_all_stats (pg_monitor), another role's row keeps only datid, pid, usesysid and
 * application_name: backend_type, state, client_addr, state_change are NULL and the query reads
 * "<insufficient privilege>". Such a row with a database and a user is taken for a client backend
 * (background processes have no user, or no database) and counted as "hidden".
 */
export const ACTIVITY_SQL = `
WITH a AS (
  SELECT
    s.pid,
    s.usename::text AS usename,
    s.application_name,
    s.client_addr,
    s.client_port,
    s.state,
    s.state_change,
    s.backend_start,
    s.backend_type IS NULL AS hidden,
    COALESCE(s.backend_type = 'client backend', s.usesysid IS NOT NULL AND s.datid IS NOT NULL) AS is_client,
    COALESCE(s.datname = current_database(), false) AS in_db,
    COALESCE((SELECT r.rolsuper FROM pg_roles r WHERE r.oid = s.usesysid), false) AS is_superuser,
    s.pid = pg_backend_pid() AS is_own,
    COALESCE(s.application_name = $4::text, false) AS is_dbpool
  FROM pg_stat_activity s
),
d AS (
  SELECT
    a.*,
    CASE
      WHEN a.hidden THEN 'hidden'
      WHEN a.client_port = -1 THEN 'local'
      ELSE COALESCE(host(a.client_addr), 'unknown')
    END AS client
  FROM a
  WHERE a.is_client AND a.in_db
)
SELECT
  current_setting('server_version') AS server_version,
  current_setting('server_version_num')::int AS server_version_num,
  current_database() AS database,
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS superuser_reserved_connections,
  -- PostgreSQL 16+ only: missing_ok makes it NULL on older servers. (pg_settings, which has no row
  -- there, builds every one of the server's ~350 settings first: ~1 ms of a fresh backend's query.)
  COALESCE(current_setting('reserved_connections', true)::int, 0) AS reserved_connections,
  pg_backend_pid() AS own_pid,
  current_setting('port')::int AS server_port,
  -- Every client backend but dbpool's, as compact rows, for attributing each to an app process.
  (SELECT COALESCE(json_agg(json_build_array(d.pid, host(d.client_addr), d.client_port, d.state, d.usename,
      d.application_name, extract(epoch FROM now() - d.state_change)::float8)), '[]'::json)
    FROM d WHERE NOT d.is_own AND NOT d.is_dbpool) AS sessions,
  (SELECT count(*) FROM a WHERE a.is_client)::int AS client_connections,
  -- dbpool's own (this connection, and its other sessions by application_name): shown apart, never as usage.
  (SELECT count(*) FROM a WHERE a.is_client AND (a.is_own OR a.is_dbpool))::int AS own_connections,
  (SELECT count(*) FROM d)::int AS database_connections,
  (SELECT count(*) FROM a WHERE NOT a.is_client)::int AS background_processes,
  (SELECT count(*) FROM d
    WHERE NOT d.is_own
      AND ($1::text IS NOT NULL OR $2::text IS NOT NULL OR NOT d.is_dbpool)
      AND ($1::text IS NULL OR d.usename = $1::text)
      AND ($2::text IS NULL OR d.application_name = $2::text))::int AS app_connections,
  (SELECT count(*) FROM d WHERE d.state = 'active')::int AS state_active,
  (SELECT count(*) FROM d WHERE d.state = 'idle')::int AS state_idle,
  (SELECT count(*) FROM d WHERE d.state = 'idle in transaction')::int AS state_idle_in_transaction,
  (SELECT count(*) FROM d WHERE d.state = 'idle in transaction (aborted)')::int AS state_idle_in_transaction_aborted,
  (SELECT count(*) FROM d WHERE d.hidden)::int AS state_hidden,
  (SELECT count(*) FROM d WHERE NOT d.hidden AND (d.state IS NULL OR d.state NOT IN
    ('active', 'idle', 'idle in transaction', 'idle in transaction (aborted)')))::int AS state_other,
  (SELECT COALESCE(json_agg(json_build_array(g.key, g.n) ORDER BY g.n DESC, g.key), '[]'::json)
    FROM (SELECT COALESCE(d.application_name, '') AS key, count(*)::int AS n FROM d GROUP BY 1) g) AS by_application,
  (SELECT COALESCE(json_agg(json_build_array(g.key, g.n) ORDER BY g.n DESC, g.key), '[]'::json)
    FROM (SELECT COALESCE(d.usename, '') AS key, count(*)::int AS n FROM d GROUP BY 1) g) AS by_user,
  (SELECT COALESCE(json_agg(json_build_array(g.key, g.n) ORDER BY g.n DESC, g.key), '[]'::json)
    FROM (SELECT d.client AS key, count(*)::int AS n FROM d GROUP BY 1) g) AS by_client,
  (SELECT max(GREATEST(0, extract(epoch FROM now() - d.state_change)))::float8
    FROM d WHERE d.state = 'idle' AND NOT d.is_own AND NOT d.is_dbpool) AS oldest_idle_seconds,
  (SELECT max(GREATEST(0, extract(epoch FROM now() - d.state_change)))::float8
    FROM d WHERE d.state IN ('idle in transaction', 'idle in transaction (aborted)') AND NOT d.is_own)
    AS oldest_idle_in_transaction_seconds,
  (SELECT COALESCE(json_agg(json_build_object(
      'pid', d.pid,
      'user', d.usename,
      'application', d.application_name,
      'client', CASE WHEN d.client = 'local' THEN NULL ELSE d.client END,
      'idleSeconds', GREATEST(0, extract(epoch FROM now() - d.state_change))::float8,
      'backendStart', d.backend_start,
      'app', NOT d.is_superuser AND ($1::text IS NULL OR d.usename = $1::text) AND ($2::text IS NULL OR d.application_name = $2::text)
    ) ORDER BY d.state_change, d.pid), '[]'::json)
    FROM d
    WHERE d.state = 'idle'
      AND NOT d.is_own
      AND NOT d.is_dbpool
      AND d.state_change < now() - make_interval(secs => $3::float8 * 60)) AS idle_sessions
`;

/** One row of ACTIVITY_SQL as pg returns it (int columns are cast, so they arrive as numbers). */
export interface ActivityRow {
  server_version: string;
  server_version_num: number;
  database: string;
  max_connections: number;
  superuser_reserved_connections: number;
  reserved_connections: number;
  own_pid: number;
  server_port: number;
  /** [pid, client_addr, client_port, state, usename, application_name, seconds since state_change] */
  sessions: [number, string | null, number | null, string | null, string | null, string | null, number | null][];
  client_connections: number;
  own_connections: number;
  database_connections: number;
  background_processes: number;
  app_connections: number;
  state_active: number;
  state_idle: number;
  state_idle_in_transaction: number;
  state_idle_in_transaction_aborted: number;
  state_hidden: number;
  state_other: number;
  by_application: [string, number][];
  by_user: [string, number][];
  by_client: [string, number][];
  oldest_idle_seconds: number | null;
  oldest_idle_in_transaction_seconds: number | null;
  idle_sessions: {
    pid: number;
    user: string | null;
    application: string | null;
    client: string | null;
    idleSeconds: number;
    backendStart: string;
    app: boolean;
  }[];
}

export function activityParams(options: {
  appDbUser?: string | undefined;
  appApplicationName?: string | undefined;
  idleMinutes: number;
  ownApplicationName: string;
}): [string | null, string | null, number, string] {
  return [options.appDbUser ?? null, options.appApplicationName ?? null, options.idleMinutes, options.ownApplicationName];
}
