import { runningInstances } from './derived-facts.js';
import type { AppInstance, Facts, PgBouncerFacts, PgBouncerSettings } from './facts.js';
import { findPgBouncerSigns, looksLikePgBouncer, pgbouncerLogCounts, sameAddress, type PgBouncerSign } from './pgbouncer-signs.js';
import type { InstanceDemand, PoolMath } from './pool-math.js';

/**
 * The pool math with PgBouncer in the path, in two layers:
 *  - clients: the app's pools (workers x DB_POOL_SIZE x instances) connect to PgBouncer and count
 *    against its max_client_conn (client connections to PgBouncer are cheap);
 *  - servers: PgBouncer's server pools (pool size x database/user pairs, capped by
 *    max_db_connections / max_user_connections, plus the reserve) connect to PostgreSQL and count
 *    against its usable slots.
 * Pure: computed from the facts and the PostgreSQL pool math, nothing observed twice.
 */

export interface BouncerServerPair {
  database: string;
  user: string;
  poolSize: number;
  reserve: number;
}

export interface BouncerLayer {
  address: string;
  /** False when the console could not be read: every figure below is null then. */
  read: boolean;
  settings: PgBouncerSettings | null;
  /** Client connections now (the console's among them), against max_client_conn. */
  clients: number | null;
  consoleClients: number | null;
  /** max_client_conn minus the console connections: what is left for the app. */
  clientCapacity: number | null;
  /** The app's full pools routed to this PgBouncer; null when no instance could be tied to it. */
  clientDemand: number | null;
  /** Names of the instances whose pools are routed here. */
  instances: string[];
  pairs: BouncerServerPair[];
  /** What the server pools may open without the reserve, and with it (both capped). */
  poolLimit: number | null;
  serverLimit: number | null;
  cappedBy: 'max_db_connections' | 'max_user_connections' | null;
  /** Server connections open now. */
  serverConnections: number | null;
  waiting: number | null;
  maxWaitSeconds: number | null;
}

export interface PgBouncerMath {
  /** A PgBouncer is configured, or the facts show one in the path. */
  inPath: boolean;
  /** DBPOOL_PGBOUNCER_URL names at least one. */
  configured: boolean;
  signs: PgBouncerSign[];
  bouncers: BouncerLayer[];
  /** Ids of the running instances whose pools go through a PgBouncer. */
  viaPgBouncer: string[];
  /** Full pools going through a PgBouncer that cannot be tied to one (several, or none read). */
  unattributedDemand: number;
  /** Full pools of instances that connect straight to PostgreSQL. */
  directDemand: number;
  /** Server side: every server pool at its limit plus the direct pools; null while a PgBouncer is unread. */
  serverDemand: number | null;
  /** PostgreSQL's usable slots minus the clients that are neither PgBouncer nor the app. */
  serverCapacity: number | null;
  /** Backend pids on PostgreSQL that are PgBouncer's server connections. */
  serverPids: number[];
}

const NOT_IN_PATH = (signs: PgBouncerSign[]): PgBouncerMath => ({
  inPath: false,
  configured: false,
  signs,
  bouncers: [],
  viaPgBouncer: [],
  unattributedDemand: 0,
  directDemand: 0,
  serverDemand: null,
  serverCapacity: null,
  serverPids: [],
});

export function computePgBouncerMath(facts: Facts, math: PoolMath): PgBouncerMath {
  const observations = facts.pgbouncers ?? [];
  const signs = findPgBouncerSigns(facts);
  if (observations.length === 0 && signs.length === 0) return NOT_IN_PATH(signs);

  const pg = facts.postgres;
  const postgresAddress = pg.ok ? pg.facts.host : pg.host;
  const running = runningInstances(facts);
  const demandOf = new Map(math.instances.map((d) => [d.id, d]));
  const routed = new Map<string, InstanceDemand[]>(observations.map((o) => [o.address, []]));
  const via: string[] = [];
  let unattributed = 0;
  let direct = 0;
  for (const inst of running) {
    const d = demandOf.get(inst.id);
    const route = routeOf(inst, observations.map((o) => o.address), postgresAddress);
    if (route === 'direct') {
      direct += d?.demand ?? 0;
      continue;
    }
    via.push(inst.id);
    const list = route === 'unattributed' ? undefined : routed.get(route);
    if (list && d) list.push(d);
    else unattributed += d?.demand ?? 0;
  }

  const bouncers = observations.map((o): BouncerLayer => {
    const instances = routed.get(o.address) ?? [];
    const clientDemand = instances.length > 0 ? instances.reduce((s, d) => s + (d.demand ?? 0), 0) : null;
    return o.ok ? readLayer(o.facts, clientDemand, instances) : unreadLayer(o.address, clientDemand, instances);
  });
  const allRead = bouncers.length > 0 && bouncers.every((b) => b.read);
  const serverConnectionsNow = bouncers.reduce((s, b) => s + (b.serverConnections ?? 0), 0);
  const serverPids = (facts.pgbouncers ?? []).flatMap((o) => (o.ok ? o.facts.serverPids : []));
  return {
    inPath: true,
    configured: observations.length > 0,
    signs,
    bouncers,
    viaPgBouncer: via,
    unattributedDemand: unattributed,
    directDemand: direct,
    serverDemand: allRead ? bouncers.reduce((s, b) => s + (b.serverLimit ?? 0), 0) + direct : null,
    serverCapacity: serverCapacity(math, serverConnectionsNow, direct > 0, allRead),
    serverPids,
  };
}

/** Where an instance's connections go: one PgBouncer, some PgBouncer, or PostgreSQL itself. */
function routeOf(inst: AppInstance, bouncers: string[], postgresAddress: string): string | 'unattributed' | 'direct' {
  const e = inst.dbEndpoint ?? null;
  const one = bouncers.length === 1 ? (bouncers[0] ?? 'unattributed') : 'unattributed';
  if (e) {
    const named = bouncers.find((b) => sameAddress(e, b));
    if (named) return named;
    if (sameAddress(e, postgresAddress)) return 'direct';
    if (looksLikePgBouncer(e, postgresAddress) || pgbouncerLogCounts(inst).length > 0) return one;
    // An address dbpool does not know: through the configured PgBouncer if there is one.
    return bouncers.length > 0 ? one : 'direct';
  }
  if (pgbouncerLogCounts(inst).length > 0) return one;
  return bouncers.length > 0 ? one : 'direct';
}

function readLayer(f: PgBouncerFacts, clientDemand: number | null, instances: InstanceDemand[]): BouncerLayer {
  const s = f.settings;
  const pairs = serverPairs(f);
  const withReserve = capped(f, pairs, true);
  return {
    address: f.address,
    read: true,
    settings: s,
    clients: f.clients,
    consoleClients: f.consoleClients,
    clientCapacity: Math.max(0, s.maxClientConn - f.consoleClients),
    clientDemand,
    instances: instances.map((d) => d.name),
    pairs,
    poolLimit: capped(f, pairs, false).limit,
    serverLimit: withReserve.limit,
    cappedBy: withReserve.cappedBy,
    serverConnections: f.pools.reduce((n, p) => n + p.serversActive + p.serversIdle + p.serversUsed + p.serversTested + p.serversLogin, 0),
    waiting: f.pools.reduce((n, p) => n + p.clientsWaiting, 0),
    maxWaitSeconds: f.pools.reduce((m, p) => Math.max(m, p.maxWaitSeconds), 0),
  };
}

function unreadLayer(address: string, clientDemand: number | null, instances: InstanceDemand[]): BouncerLayer {
  return {
    address,
    read: false,
    settings: null,
    clients: null,
    consoleClients: null,
    clientCapacity: null,
    clientDemand,
    instances: instances.map((d) => d.name),
    pairs: [],
    poolLimit: null,
    serverLimit: null,
    cappedBy: null,
    serverConnections: null,
    waiting: null,
    maxWaitSeconds: null,
  };
}

/**
 * The database/user pairs PgBouncer keeps a server pool for: those it has now; for a PgBouncer
 * nobody has used yet, one per configured database (its forced user, or the app's).
 */
function serverPairs(f: PgBouncerFacts): BouncerServerPair[] {
  const dbs = new Map(f.databases.map((d) => [d.name, d]));
  const pairs = f.pools.length > 0 ? f.pools.map((p) => ({ database: p.database, user: p.user })) : f.databases.map((d) => ({ database: d.name, user: d.forceUser ?? '*' }));
  return pairs.map(({ database, user }) => {
    const db = dbs.get(database);
    return { database, user, poolSize: db?.poolSize ?? f.settings.defaultPoolSize, reserve: db?.reservePool ?? f.settings.reservePoolSize };
  });
}

/** The pairs' sum, capped per database (max_db_connections) and per user (max_user_connections). */
function capped(f: PgBouncerFacts, pairs: BouncerServerPair[], withReserve: boolean): { limit: number; cappedBy: BouncerLayer['cappedBy'] } {
  const size = (p: BouncerServerPair) => p.poolSize + (withReserve ? p.reserve : 0);
  const raw = pairs.reduce((n, p) => n + size(p), 0);
  const sumBy = (key: (p: BouncerServerPair) => string, cap: (k: string) => number) => {
    const groups = new Map<string, number>();
    for (const p of pairs) groups.set(key(p), (groups.get(key(p)) ?? 0) + size(p));
    return [...groups].reduce((n, [k, v]) => n + (cap(k) > 0 ? Math.min(v, cap(k)) : v), 0);
  };
  const dbCap = (name: string) => f.databases.find((d) => d.name === name)?.maxConnections ?? f.settings.maxDbConnections;
  const byDb = sumBy((p) => p.database, dbCap);
  const byUser = sumBy((p) => p.user, () => f.settings.maxUserConnections);
  const limit = Math.min(raw, byDb, byUser);
  return { limit, cappedBy: limit === raw ? null : byDb <= byUser ? 'max_db_connections' : 'max_user_connections' };
}

/**
 * PostgreSQL's slots left for PgBouncer's server pools and the direct pools: usable slots minus the
 * other clients (dbpool, psql, ...). PgBouncer's server connections may or may not match the app's
 * user or application_name, so they are taken out of the other clients explicitly.
 */
function serverCapacity(math: PoolMath, bouncerServersNow: number, anyDirect: boolean, allRead: boolean): number | null {
  if (math.usableSlots === null || math.server === null) return null;
  if (!allRead) return math.appCapacity;
  const notBouncer = math.server.clientConnections - bouncerServersNow;
  const others = anyDirect ? Math.min(math.server.otherClients, notBouncer) : notBouncer;
  return Math.max(0, math.usableSlots - Math.max(0, others));
}

/** Idle sessions dbpool may offer to terminate: never PgBouncer's own server connections (it would just reopen them). */
export function terminableIdleSessions<S extends { pid: number }>(sessions: S[], pgbouncer: Pick<PgBouncerMath, 'serverPids'>): S[] {
  const theirs = new Set(pgbouncer.serverPids);
  return sessions.filter((s) => !theirs.has(s.pid));
}
