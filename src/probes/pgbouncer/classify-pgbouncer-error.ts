import type { PgBouncerConfig } from '../../config.js';
import type { ProbeError, ProbeErrorKind } from '../../core/facts.js';
import { classifyPostgresError } from '../postgres/classify-error.js';

/** "pgbouncer host:port": never the user's password or the URL. */
export function pgbouncerSource(target: Pick<PgBouncerConfig, 'host' | 'port'>): string {
  return `pgbouncer ${target.host}:${target.port}`;
}

/**
 * PgBouncer sends every refusal as 08P01 with its own words; each is said here in the terms of the
 * setting to change. Anything else (network, TLS, timeouts) is read as the PostgreSQL probe reads it.
 */
const PGBOUNCER_REFUSALS: { match: RegExp; kind: ProbeErrorKind; hint: (t: PgBouncerConfig) => string }[] = [
  {
    match: /no more connections allowed \(max_client_conn\)/i,
    kind: 'server_full',
    hint: () => "PgBouncer is at max_client_conn and refuses even dbpool's console connection",
  },
  {
    match: /^not allowed$/i,
    kind: 'permission_denied',
    hint: (t) => `${t.user} may not use the admin console: add it to stats_users in pgbouncer.ini and RELOAD`,
  },
  {
    match: /password authentication failed|SASL|SCRAM|no such user|authentication failed/i,
    kind: 'auth_failed',
    hint: (t) => `check ${t.user}'s password in DBPOOL_PGBOUNCER_URL against PgBouncer's auth_file (userlist.txt)`,
  },
  {
    match: /unsupported startup parameter/i,
    kind: 'other',
    hint: () => 'PgBouncer refuses that connection parameter: remove it from DBPOOL_PGBOUNCER_URL',
  },
  {
    match: /invalid command|unrecognized configuration parameter|database "pgbouncer" does not exist/i,
    kind: 'not_found',
    hint: () => "this is not PgBouncer's admin console: point DBPOOL_PGBOUNCER_URL at PgBouncer's port (usually 6432)",
  },
];

/** Turns anything the console connection threw into a ProbeError; never throws itself. */
export function classifyPgBouncerError(err: unknown, target: PgBouncerConfig): ProbeError {
  const base = classifyPostgresError(err, target);
  const source = pgbouncerSource(target);
  // The shared TLS and file hints speak of DATABASE_URL; here the setting is the console's URL.
  const message = base.message.replace(/DATABASE_URL/g, 'DBPOOL_PGBOUNCER_URL');
  const refusal = PGBOUNCER_REFUSALS.find((r) => r.match.test(message));
  const error: ProbeError = refusal
    ? { kind: refusal.kind, source, message: `${message}: ${refusal.hint(target)}` }
    : { kind: base.kind, source, message };
  if (base.code !== undefined) error.code = base.code;
  return error;
}
