import { allInstances } from './derived-facts.js';
import type { ProbeError, ProbeHintRef } from './facts.js';
import type { Finding, FindingInput, Severity } from './findings.js';
import { terminableIdleSessions, type BouncerLayer, type PgBouncerMath } from './pgbouncer-math.js';
import { pgbouncerLogCounts, type PgBouncerLogKind, type PgBouncerSign } from './pgbouncer-signs.js';
import { fitRatio } from './thresholds.js';

/** Parameters of the PgBouncer findings, by code (FindingParams extends this). */
export interface PgBouncerFindingParams {
  pgbouncer_down: { address: string; kind: ProbeError['kind']; message: string; hint: ProbeHintRef | null; connections: number | null; usable: number | null };
  pgbouncer_unreadable: { address: string; kind: ProbeError['kind']; message: string; hint: ProbeHintRef | null };
  pgbouncer_in_path_unread: { signs: PgBouncerSign[] };
  pgbouncer_client_limit: { address: string; clients: number; max: number };
  pgbouncer_errors_in_logs: { instance: string; error: PgBouncerLogKind; count: number; lastSeen: string | null };
  pgbouncer_client_demand_exceeds: { address: string; demand: number; capacity: number; max: number; missing: number };
  pgbouncer_client_demand_near: { address: string; demand: number; capacity: number; max: number; percent: number };
  pgbouncer_clients_waiting: { address: string; database: string; user: string; waiting: number; maxWaitSeconds: number; poolSize: number; active: number };
  pgbouncer_server_pools_exceed: { demand: number; capacity: number; missing: number };
  pgbouncer_server_pools_near: { demand: number; capacity: number; percent: number };
  pgbouncer_idle_servers: { count: number; minutes: number };
}

/** A client has waited this long for a server connection: the pool is too small, or the server too slow. */
export const WAIT_WARN_SECONDS = 1;
export const WAIT_CRIT_SECONDS = 10;

const CRIT_LOG_ERRORS: ReadonlySet<PgBouncerLogKind> = new Set(['max_client_conn', 'cannot_connect', 'login_failing']);

type Input = FindingInput & { pgbouncer: PgBouncerMath };

function finding<K extends keyof PgBouncerFindingParams>(code: K, severity: Severity, params: PgBouncerFindingParams[K]): Finding {
  return { code, severity, params } as Finding;
}

/** The PgBouncer layer's findings; nothing when no PgBouncer is in the path. */
export function pgbouncerFindings(input: Input): Finding[] {
  const b = input.pgbouncer;
  if (!b.inPath) return [];
  const out: Finding[] = [];
  if (!b.configured) out.push(finding('pgbouncer_in_path_unread', 'info', { signs: b.signs }));
  for (const layer of b.bouncers) out.push(...layerFindings(layer, input));
  out.push(...logFindings(input));
  out.push(...serverLayerFindings(input));
  const pg = input.facts.postgres;
  if (pg.ok) {
    const theirs = pg.facts.idleSessions.length - terminableIdleSessions(pg.facts.idleSessions, b).length;
    if (theirs > 0) out.push(finding('pgbouncer_idle_servers', 'info', { count: theirs, minutes: pg.facts.idleMinutes }));
  }
  return out;
}

function layerFindings(layer: BouncerLayer, { facts, math, thresholds }: Input): Finding[] {
  const observation = (facts.pgbouncers ?? []).find((o) => o.address === layer.address);
  if (observation && !observation.ok) {
    const { kind, message } = observation.error;
    const hint = observation.error.hint ?? null;
    // Nothing listens, or nothing answers: the app cannot reach the database through it.
    if (kind === 'unreachable' || kind === 'timeout') {
      const pg = facts.postgres;
      return [
        finding('pgbouncer_down', 'crit', {
          address: layer.address,
          kind,
          message,
          hint,
          connections: pg.ok ? pg.facts.clientConnections : null,
          usable: math.usableSlots,
        }),
      ];
    }
    return [finding('pgbouncer_unreadable', 'warn', { address: layer.address, kind, message, hint })];
  }
  if (!layer.read || !layer.settings || layer.clients === null || layer.clientCapacity === null) return [];
  const out: Finding[] = [];
  const max = layer.settings.maxClientConn;
  if (layer.clients >= max) out.push(finding('pgbouncer_client_limit', 'crit', { address: layer.address, clients: layer.clients, max }));
  const demand = layer.clientDemand;
  if (demand !== null && demand > 0) {
    const capacity = layer.clientCapacity;
    if (demand > capacity) {
      out.push(finding('pgbouncer_client_demand_exceeds', 'crit', { address: layer.address, demand, capacity, max, missing: demand - capacity }));
    } else if (capacity > 0 && demand / capacity >= fitRatio(thresholds)) {
      out.push(finding('pgbouncer_client_demand_near', 'warn', { address: layer.address, demand, capacity, max, percent: Math.round((demand / capacity) * 100) }));
    }
  }
  const observed = observation?.ok ? observation.facts : null;
  for (const pool of observed?.pools ?? []) {
    if (pool.clientsWaiting === 0 || pool.maxWaitSeconds < WAIT_WARN_SECONDS) continue;
    const pair = layer.pairs.find((p) => p.database === pool.database && p.user === pool.user);
    out.push(
      finding('pgbouncer_clients_waiting', pool.maxWaitSeconds >= WAIT_CRIT_SECONDS ? 'crit' : 'warn', {
        address: layer.address,
        database: pool.database,
        user: pool.user,
        waiting: pool.clientsWaiting,
        maxWaitSeconds: pool.maxWaitSeconds,
        poolSize: pair?.poolSize ?? layer.settings.defaultPoolSize,
        active: pool.serversActive,
      }),
    );
  }
  return out;
}

/** PgBouncer's refusals as the app logged them: the symptom the app's users saw. */
function logFindings({ facts }: Input): Finding[] {
  const out: Finding[] = [];
  for (const inst of allInstances(facts)) {
    for (const c of pgbouncerLogCounts(inst)) {
      out.push(
        finding('pgbouncer_errors_in_logs', CRIT_LOG_ERRORS.has(c.kind) ? 'crit' : 'warn', {
          instance: inst.name,
          error: c.kind,
          count: c.count,
          lastSeen: c.lastSeen,
        }),
      );
    }
  }
  return out;
}

/** PgBouncer's server pools (and any direct pools) against PostgreSQL's slots left for them. */
function serverLayerFindings({ pgbouncer: b, thresholds }: Input): Finding[] {
  if (b.serverDemand === null || b.serverCapacity === null || b.serverDemand === 0) return [];
  if (b.serverDemand > b.serverCapacity) {
    return [finding('pgbouncer_server_pools_exceed', 'crit', { demand: b.serverDemand, capacity: b.serverCapacity, missing: b.serverDemand - b.serverCapacity })];
  }
  const ratio = b.serverCapacity > 0 ? b.serverDemand / b.serverCapacity : Infinity;
  if (ratio >= fitRatio(thresholds)) {
    return [finding('pgbouncer_server_pools_near', 'warn', { demand: b.serverDemand, capacity: b.serverCapacity, percent: Math.round(ratio * 100) })];
  }
  return [];
}
