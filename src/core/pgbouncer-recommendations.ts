import { allInstances } from './derived-facts.js';
import type { Facts, LogPatternCount } from './facts.js';
import type { Recommendation } from './recommendations.js';
import { WAIT_WARN_SECONDS } from './pgbouncer-findings.js';
import { terminableIdleSessions, type BouncerLayer, type PgBouncerMath } from './pgbouncer-math.js';
import { PGBOUNCER_LOG_PATTERNS, PGBOUNCER_PORT, splitAddress } from './pgbouncer-signs.js';
import type { PoolMath } from './pool-math.js';
import { fitRatio, type Thresholds } from './thresholds.js';

/** Parameters of the PgBouncer recommendations, by code (RecommendationParams extends this). */
export interface PgBouncerRecommendationParams {
  start_pgbouncer: { address: string };
  pgbouncer_console_access: { address: string; user: string };
  raise_max_client_conn: { address: string | null; current: number | null; suggested: number; demand: number | null };
  raise_default_pool_size: { address: string; database: string; current: number; suggested: number; waiting: number; reserve: number | null };
  cap_server_pools: { address: string; limit: number; capacity: number; suggested: number; poolSize: number | null };
  read_pgbouncer: { host: string; port: number };
  pgbouncer_idle_servers: { count: number; current: number; suggested: number };
}

export interface PgBouncerRecommendationInput {
  facts: Facts;
  math: PoolMath;
  pgbouncer: PgBouncerMath;
  thresholds: Thresholds;
  poolSizeVar: string;
  monitorRole: string | null;
  /** The PostgreSQL-side raise, sized by the caller's one formula; only offered when the server pools really need it. */
  raiseMaxConnections: (demand: number, others: number) => Recommendation | null;
}

type Rec = Recommendation;
const rec = <K extends keyof PgBouncerRecommendationParams>(code: K, params: PgBouncerRecommendationParams[K], commands: Rec['commands']): Rec =>
  ({ code, params, commands }) as Rec;

/**
 * What to change, in PgBouncer's terms, with the exact line: a raise of PostgreSQL's
 * max_connections only when PgBouncer's server pools need more than PostgreSQL can give and
 * PostgreSQL is really filling up, never while it has room.
 */
export function recommendForPgBouncer(input: PgBouncerRecommendationInput): Rec[] {
  const { pgbouncer: b } = input;
  if (!b.inPath) return [];
  const out: Rec[] = [];
  for (const layer of b.bouncers) out.push(...layerRecommendations(layer, input));
  if (!b.configured) {
    // Unread, but the app's logs already say which setting refuses it.
    const refused = allInstances(input.facts).some((i) => maxClientConnRefusals(i.logs?.pgbouncerErrors));
    if (refused && b.unattributedDemand > 0) {
      const suggested = roundUp((b.unattributedDemand + 1) / fitRatio(input.thresholds), 10);
      out.push(rec('raise_max_client_conn', { address: null, current: null, suggested, demand: b.unattributedDemand }, [{ lang: 'ini', text: `max_client_conn = ${suggested}` }]));
    }
    out.push(readPgBouncer(b));
  }
  out.push(...idleServers(input));
  return out;
}

function layerRecommendations(layer: BouncerLayer, input: PgBouncerRecommendationInput): Rec[] {
  const { facts, pgbouncer: b } = input;
  const observation = (facts.pgbouncers ?? []).find((o) => o.address === layer.address);
  if (observation && !observation.ok) {
    const kind = observation.error.kind;
    if (kind === 'unreachable' || kind === 'timeout') {
      return [
        rec('start_pgbouncer', { address: layer.address }, [
          { lang: 'shell', text: 'systemctl start pgbouncer     # or: docker start <the pgbouncer container>' },
          { lang: 'shell', text: 'journalctl -u pgbouncer -n 50   # why it stopped (or: docker logs <the pgbouncer container>)' },
        ]),
      ];
    }
    if (kind === 'permission_denied' || kind === 'auth_failed') {
      const user = observation.user ?? input.monitorRole ?? 'dbpool';
      return [
        rec('pgbouncer_console_access', { address: layer.address, user }, [
          { lang: 'ini', text: `stats_users = ${user}          ; pgbouncer.ini, [pgbouncer] section` },
          { lang: 'ini', text: `"${user}" "<its password>"   ; auth_file (userlist.txt)` },
          { lang: 'shell', text: reload(layer.address) },
        ]),
      ];
    }
    return [];
  }
  if (!layer.read || !layer.settings || layer.clients === null || layer.clientCapacity === null) return [];
  const out: Rec[] = [];
  const fit = fitRatio(input.thresholds);
  const s = layer.settings;

  // Clients: refused now, or would be once the pools fill.
  const demand = layer.clientDemand ?? (b.bouncers.length === 1 && b.unattributedDemand > 0 ? b.unattributedDemand : null);
  const refused = layer.clients >= s.maxClientConn || refusalsLogged(facts, layer);
  const tight = demand !== null && layer.clientCapacity > 0 && demand / layer.clientCapacity >= fit;
  if (refused || tight) {
    const need = (demand ?? layer.clients) + (layer.consoleClients ?? 0);
    const suggested = Math.max(roundUp(need / fit, 10), roundUp(s.maxClientConn + 1, 10));
    out.push(
      rec('raise_max_client_conn', { address: layer.address, current: s.maxClientConn, suggested, demand }, [
        { lang: 'ini', text: `max_client_conn = ${suggested}` },
        { lang: 'shell', text: reload(layer.address) },
      ]),
    );
    // The other way out: smaller app pools that fit in max_client_conn as it is.
    const smaller = smallerAppPools(layer, input);
    if (smaller && demand !== null && demand > layer.clientCapacity) out.push(smaller);
  }

  // Servers: clients waiting for a server connection.
  const observed = observation?.ok ? observation.facts : null;
  const waitingPools = (observed?.pools ?? []).filter((p) => p.clientsWaiting > 0 && p.maxWaitSeconds >= WAIT_WARN_SECONDS);
  const room = serverRoom(input);
  if (waitingPools.length > 0) {
    const first = waitingPools.reduce((a, p) => (p.clientsWaiting > a.clientsWaiting ? p : a));
    const current = layer.pairs.find((p) => p.database === first.database && p.user === first.user)?.poolSize ?? s.defaultPoolSize;
    const pairs = Math.max(1, layer.pairs.length);
    if (room >= pairs) {
      const increase = Math.max(1, Math.min(first.clientsWaiting, Math.floor(room / pairs)));
      const left = room - increase * pairs;
      const reserve = s.reservePoolSize === 0 && left >= pairs ? Math.min(5, Math.floor(left / pairs)) : null;
      const overridden = (observed?.databases ?? []).some((d) => d.name === first.database && d.poolSize !== s.defaultPoolSize);
      out.push(
        rec('raise_default_pool_size', { address: layer.address, database: first.database, current, suggested: current + increase, waiting: first.clientsWaiting, reserve }, [
          {
            lang: 'ini',
            text: overridden
              ? `${first.database} = ... pool_size=${current + increase}   ; its line in [databases]`
              : `default_pool_size = ${current + increase}`,
          },
          ...(reserve === null ? [] : [{ lang: 'ini' as const, text: `reserve_pool_size = ${reserve}\nreserve_pool_timeout = 3` }]),
          { lang: 'shell', text: reload(layer.address) },
        ]),
      );
    } else if (postgresFilling(input)) {
      // PgBouncer's pools really need more than PostgreSQL can give.
      const waiting = waitingPools.reduce((n, p) => n + p.clientsWaiting, 0);
      const raise = input.raiseMaxConnections((b.serverDemand ?? 0) + waiting, others(input));
      if (raise) out.push(raise);
    }
  } else if (b.serverDemand !== null && b.serverCapacity !== null && layer.serverLimit !== null && b.serverDemand >= b.serverCapacity * fit) {
    // Nobody waits, but full server pools would take more than PostgreSQL has for them: cap them.
    const readCount = b.bouncers.filter((x) => x.read).length;
    const share = Math.max(1, Math.floor((Math.floor(b.serverCapacity * fit) - b.directDemand) / Math.max(1, readCount)));
    const pairs = Math.max(1, layer.pairs.length);
    const reserve = Math.max(0, ...layer.pairs.map((p) => p.reserve));
    const poolSize = Math.floor(share / pairs) - reserve;
    out.push(
      rec('cap_server_pools', { address: layer.address, limit: layer.serverLimit, capacity: b.serverCapacity, suggested: share, poolSize: poolSize >= 1 ? poolSize : null }, [
        { lang: 'ini', text: `max_db_connections = ${share}` },
        ...(poolSize >= 1 ? [{ lang: 'ini' as const, text: `default_pool_size = ${poolSize}   ; or instead: smaller pools` }] : []),
        { lang: 'shell', text: reload(layer.address) },
      ]),
    );
  }
  return out;
}

function smallerAppPools(layer: BouncerLayer, input: PgBouncerRecommendationInput): Rec | null {
  const routed = input.math.instances.filter((d) => layer.instances.includes(d.name));
  const holders = routed.reduce((n, d) => n + (d.holders ?? 0), 0);
  const capacity = layer.clientCapacity ?? 0;
  if (holders === 0 || capacity === 0) return null;
  const suggested = Math.ceil((capacity * fitRatio(input.thresholds)) / holders) - 1;
  const sizes = new Set(routed.map((d) => d.poolSize));
  const current = sizes.size === 1 ? ([...sizes][0] ?? null) : null;
  if (suggested < 1 || (current !== null && suggested >= current)) return null;
  return {
    code: 'lower_pool_size',
    params: { variable: input.poolSizeVar, current, suggested, holders, capacity },
    commands: [{ lang: 'env', text: `${input.poolSizeVar}=${suggested}` }],
  };
}

/** Slots PostgreSQL has left for bigger server pools, below the fit line: by the limits, else by what is open now. */
function serverRoom({ pgbouncer: b, math, thresholds }: PgBouncerRecommendationInput): number {
  const fit = fitRatio(thresholds);
  if (b.serverDemand !== null && b.serverCapacity !== null) {
    const byLimits = Math.floor(b.serverCapacity * fit) - b.serverDemand;
    if (byLimits > 0) return byLimits;
  }
  if (math.usableSlots === null || math.server === null) return 0;
  return Math.floor(math.usableSlots * fit) - math.server.clientConnections;
}

function postgresFilling({ math, thresholds }: PgBouncerRecommendationInput): boolean {
  return math.utilization !== null && math.utilization >= thresholds.warnUtilization;
}

function others({ math, pgbouncer: b }: PgBouncerRecommendationInput): number {
  if (math.usableSlots === null || b.serverCapacity === null) return math.server?.otherClients ?? 0;
  return Math.max(0, math.usableSlots - b.serverCapacity);
}

function refusalsLogged(facts: Facts, layer: BouncerLayer): boolean {
  return allInstances(facts).some((i) => layer.instances.includes(i.name) && maxClientConnRefusals(i.logs?.pgbouncerErrors));
}

function maxClientConnRefusals(counts: LogPatternCount[] | undefined): boolean {
  return (counts ?? []).some((p) => p.pattern === PGBOUNCER_LOG_PATTERNS.max_client_conn && p.count > 0);
}

function readPgBouncer(b: PgBouncerMath): Rec {
  const endpoint = b.signs.find((s) => s.kind === 'endpoint');
  const host = endpoint?.kind === 'endpoint' && endpoint.host ? endpoint.host : '<pgbouncer host>';
  const port = endpoint?.kind === 'endpoint' && endpoint.port ? endpoint.port : PGBOUNCER_PORT;
  return rec('read_pgbouncer', { host, port }, [
    { lang: 'env', text: `DBPOOL_PGBOUNCER_URL=postgres://dbpool:<password>@${host}:${port}/pgbouncer` },
    { lang: 'ini', text: 'stats_users = dbpool          ; pgbouncer.ini, [pgbouncer] section' },
    { lang: 'ini', text: '"dbpool" "<password>"         ; auth_file (userlist.txt)' },
  ]);
}

/** Terminating PgBouncer's idle server connections only moves the problem; a shorter idle timeout does not. */
function idleServers(input: PgBouncerRecommendationInput): Rec[] {
  const pg = input.facts.postgres;
  if (!pg.ok || !postgresFilling(input)) return [];
  const count = pg.facts.idleSessions.length - terminableIdleSessions(pg.facts.idleSessions, input.pgbouncer).length;
  const read = input.pgbouncer.bouncers.find((x) => x.settings);
  if (count === 0 || !read?.settings) return [];
  const current = read.settings.serverIdleTimeoutSeconds;
  const suggested = Math.min(60, Math.max(10, Math.floor(pg.facts.idleMinutes * 30)));
  if (current > 0 && current <= suggested) return [];
  return [rec('pgbouncer_idle_servers', { count, current, suggested }, [{ lang: 'ini', text: `server_idle_timeout = ${suggested}` }, { lang: 'shell', text: reload(read.address) }])];
}

function reload(address: string): string {
  const { host, port } = splitAddress(address);
  return `psql -h ${host ?? '<pgbouncer host>'} -p ${port ?? PGBOUNCER_PORT} -U <an admin_users user> pgbouncer -c 'RELOAD;'`;
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}
