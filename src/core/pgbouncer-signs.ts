import { runningInstances, sumPatterns } from './derived-facts.js';
import type { AppInstance, DbEndpoint, Facts } from './facts.js';

/**
 * Signs that PgBouncer sits between the app and PostgreSQL, read from what the other probes saw:
 * the app's own settings, PgBouncer's error texts in the app's logs, and PostgreSQL's sessions.
 * Pure: they decide which pool math applies, and tell the engineer how to let dbpool read it.
 */

/** PgBouncer's own error texts, as an app logs them: they do not vary, so they are not settings. */
export const PGBOUNCER_LOG_PATTERNS = {
  max_client_conn: 'no more connections allowed \\(max_client_conn\\)',
  cannot_connect: 'pgbouncer cannot connect to server',
  query_wait_timeout: 'query_wait_timeout',
  login_failing: 'server login has been failing',
} as const;

export type PgBouncerLogKind = keyof typeof PGBOUNCER_LOG_PATTERNS;

/** The same errors as PgBouncer words them, for the reports. */
export const PGBOUNCER_LOG_TEXT: Record<PgBouncerLogKind, string> = {
  max_client_conn: 'no more connections allowed (max_client_conn)',
  cannot_connect: 'pgbouncer cannot connect to server',
  query_wait_timeout: 'query_wait_timeout',
  login_failing: 'server login has been failing',
};

/** PgBouncer's customary port; PostgreSQL's is 5432. */
export const PGBOUNCER_PORT = 6432;
const PGBOUNCER_NAME = /bouncer/i;

/** One kind of evidence, with every instance that shows it. */
export type PgBouncerSign =
  | { kind: 'endpoint'; instances: string[]; host: string | null; port: number | null; variables: string[] }
  | { kind: 'log'; instances: string[]; error: PgBouncerLogKind; count: number }
  | { kind: 'session'; by: 'application' | 'user'; name: string; count: number };

/** PgBouncer errors an instance logged, by kind (only kinds with lines). */
export function pgbouncerLogCounts(instance: AppInstance): { kind: PgBouncerLogKind; count: number; lastSeen: string | null }[] {
  const counts = instance.logs?.pgbouncerErrors ?? [];
  return (Object.keys(PGBOUNCER_LOG_PATTERNS) as PgBouncerLogKind[])
    .map((kind) => ({ kind, ...sumPatterns(counts.filter((c) => c.pattern === PGBOUNCER_LOG_PATTERNS[kind])) }))
    .filter((c) => c.count > 0);
}

/** An endpoint that looks like PgBouncer: its port, or a host named like a pooler. */
export function looksLikePgBouncer(endpoint: DbEndpoint, postgresAddress: string | null): boolean {
  if (postgresAddress !== null && sameAddress(endpoint, postgresAddress)) return false;
  return endpoint.port === PGBOUNCER_PORT || (endpoint.host !== null && PGBOUNCER_NAME.test(endpoint.host));
}

/** Does the endpoint name this host:port? A missing host or port in the endpoint matches any. */
export function sameAddress(endpoint: DbEndpoint, address: string): boolean {
  const { host, port } = splitAddress(address);
  const hostOk = endpoint.host === null || host === null || endpoint.host.toLowerCase() === host.toLowerCase();
  const portOk = endpoint.port === null || port === null || endpoint.port === port;
  return hostOk && portOk && (endpoint.host !== null || endpoint.port !== null);
}

export function splitAddress(address: string): { host: string | null; port: number | null } {
  const m = /^(.*):(\d+)$/.exec(address);
  return m ? { host: m[1] || null, port: Number(m[2]) } : { host: address || null, port: null };
}

/** Every sign in the facts, whether or not a PgBouncer is configured. */
export function findPgBouncerSigns(facts: Facts): PgBouncerSign[] {
  const pg = facts.postgres;
  const postgresAddress = pg.ok ? pg.facts.host : pg.host;
  const out: PgBouncerSign[] = [];
  const running = runningInstances(facts);
  const endpoints = new Map<string, Extract<PgBouncerSign, { kind: 'endpoint' }>>();
  const logs = new Map<PgBouncerLogKind, Extract<PgBouncerSign, { kind: 'log' }>>();
  for (const inst of running) {
    const e = inst.dbEndpoint;
    // Where an app that logs PgBouncer's errors connects is PgBouncer, whatever its port.
    const refused = pgbouncerLogCounts(inst).length > 0;
    if (e && (looksLikePgBouncer(e, postgresAddress) || (refused && !sameAddress(e, postgresAddress)))) {
      const key = `${e.host ?? ''}:${e.port ?? ''}`;
      const seen = endpoints.get(key);
      if (seen) seen.instances.push(inst.name);
      else endpoints.set(key, { kind: 'endpoint', instances: [inst.name], host: e.host, port: e.port, variables: e.variables });
    }
    for (const c of pgbouncerLogCounts(inst)) {
      const seen = logs.get(c.kind);
      if (seen) {
        seen.instances.push(inst.name);
        seen.count += c.count;
      } else {
        logs.set(c.kind, { kind: 'log', instances: [inst.name], error: c.kind, count: c.count });
      }
    }
  }
  out.push(...endpoints.values(), ...logs.values());
  if (pg.ok) {
    for (const a of pg.facts.byApplication) {
      if (PGBOUNCER_NAME.test(a.key)) out.push({ kind: 'session', by: 'application', name: a.key, count: a.count });
    }
    for (const u of pg.facts.byUser) {
      if (PGBOUNCER_NAME.test(u.key)) out.push({ kind: 'session', by: 'user', name: u.key, count: u.count });
    }
  }
  return out;
}
