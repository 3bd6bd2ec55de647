import type { CountByKey, PgBouncerDatabase, PgBouncerFacts, PgBouncerPool, PgBouncerSettings } from '../../core/facts.js';

/** Runs one console command without parameters: the simple query protocol, the only one the console speaks. */
export type ConsoleQueryFn = <R extends object>(text: string) => Promise<{ rows: R[] }>;

/** The admin console's own database: its pool, clients and entry are dbpool's, not the app's. */
export const CONSOLE_DATABASE = 'pgbouncer';

/** The commands dbpool sends, and nothing else (a stats_users entry may run every one of them). */
export const CONSOLE_COMMANDS = ['SHOW VERSION', 'SHOW CONFIG', 'SHOW LISTS', 'SHOW DATABASES', 'SHOW POOLS', 'SHOW CLIENTS', 'SHOW SERVERS'] as const;

type Row = Record<string, unknown>;

/**
 * One look at a PgBouncer through its admin console: the commands one after the other on the one
 * kept connection (the console has no multi-statement queries). Throws what the connection throws.
 */
export async function readPgBouncerFacts(query: ConsoleQueryFn, address: string): Promise<PgBouncerFacts> {
  const answers: Row[][] = [];
  for (const command of CONSOLE_COMMANDS) answers.push((await query<Row>(command)).rows);
  const [version = [], config = [], lists = [], databases = [], pools = [], clients = [], servers = []] = answers;
  return toPgBouncerFacts({ version, config, lists, databases, pools, clients, servers }, address);
}

export interface ConsoleAnswers {
  version: Row[];
  config: Row[];
  lists: Row[];
  databases: Row[];
  pools: Row[];
  clients: Row[];
  servers: Row[];
}

/** Pure: the console's rows as facts. Columns a version lacks read as 0 or null, never as a guess. */
export function toPgBouncerFacts(a: ConsoleAnswers, address: string): PgBouncerFacts {
  const list = new Map(a.lists.map((r) => [text(r.list) ?? '', num(r.items)]));
  const appClients = a.clients.filter((c) => text(c.database) !== CONSOLE_DATABASE);
  return {
    address,
    version: text(a.version[0]?.version) ?? 'unknown',
    settings: settingsOf(new Map(a.config.map((r) => [text(r.key) ?? '', text(r.value) ?? '']))),
    databases: a.databases.filter((d) => text(d.name) !== CONSOLE_DATABASE).map(databaseOf),
    pools: a.pools.filter((p) => text(p.database) !== CONSOLE_DATABASE).map(poolOf),
    clients: (list.get('used_clients') ?? 0) + (list.get('login_clients') ?? 0),
    consoleClients: a.clients.length - appClients.length,
    clientsByApplication: countBy(appClients.map((c) => text(c.application_name) ?? '')),
    serverPids: a.servers.map((s) => num(s.remote_pid)).filter((pid) => pid > 0),
  };
}

function settingsOf(config: Map<string, string>): PgBouncerSettings {
  const n = (key: string, fallback: number) => {
    const v = Number(config.get(key));
    return config.has(key) && Number.isFinite(v) ? v : fallback;
  };
  // Fallbacks are PgBouncer's own defaults, for a key an older version does not show.
  return {
    maxClientConn: n('max_client_conn', 100),
    defaultPoolSize: n('default_pool_size', 20),
    minPoolSize: n('min_pool_size', 0),
    reservePoolSize: n('reserve_pool_size', 0),
    reservePoolTimeoutSeconds: n('reserve_pool_timeout', 5),
    maxDbConnections: n('max_db_connections', 0),
    maxUserConnections: n('max_user_connections', 0),
    poolMode: config.get('pool_mode') ?? 'session',
    queryWaitTimeoutSeconds: n('query_wait_timeout', 120),
    serverIdleTimeoutSeconds: n('server_idle_timeout', 600),
    listenPort: n('listen_port', 6432),
  };
}

function databaseOf(r: Row): PgBouncerDatabase {
  return {
    name: text(r.name) ?? '',
    host: text(r.host),
    port: r.port === null || r.port === undefined ? null : num(r.port),
    database: text(r.database) ?? '',
    forceUser: text(r.force_user),
    poolSize: num(r.pool_size),
    minPoolSize: num(r.min_pool_size),
    reservePool: num(r.reserve_pool),
    poolMode: text(r.pool_mode),
    maxConnections: num(r.max_connections),
    currentConnections: num(r.current_connections),
    paused: num(r.paused) === 1,
    disabled: num(r.disabled) === 1,
  };
}

function poolOf(r: Row): PgBouncerPool {
  return {
    database: text(r.database) ?? '',
    user: text(r.user) ?? '',
    clientsActive: num(r.cl_active),
    clientsWaiting: num(r.cl_waiting),
    serversActive: num(r.sv_active),
    serversIdle: num(r.sv_idle),
    serversUsed: num(r.sv_used),
    serversTested: num(r.sv_tested),
    serversLogin: num(r.sv_login),
    maxWaitSeconds: Math.round((num(r.maxwait) + num(r.maxwait_us) / 1e6) * 10) / 10,
    poolMode: text(r.pool_mode) ?? '',
  };
}

function countBy(keys: string[]): CountByKey[] {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** The console sends numbers as int4/int8 columns (int8 arrives as a string) or as text (SHOW CONFIG). */
function num(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : 0;
}

function text(v: unknown): string | null {
  return typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);
}
