import type { PgBouncerConfig } from '../../config.js';
import type { ProbeError, ProbeErrorKind, ProbeHint } from '../../core/facts.js';
import { classifyPostgresError } from '../postgres/classify-error.js';

/** "pgbouncer host:port": never the user's password or the URL. */
export function pgbouncerSource(target: Pick<PgBouncerConfig, 'host' | 'port'>): string {
  return `pgbouncer ${target.host}:${target.port}`;
}

/**
 * PgBouncer sends every refusal as 08P01 with its own words; each becomes a hint the catalogs say in
 * the terms of the setting to change. Anything else (network, TLS, timeouts) is read as the
 * PostgreSQL probe reads it, its hints naming DBPOOL_PGBOUNCER_URL.
 */
const PGBOUNCER_REFUSALS: { match: RegExp; kind: ProbeErrorKind; hint: ProbeHint }[] = [
  { match: /no more connections allowed \(max_client_conn\)/i, kind: 'server_full', hint: 'pgbouncer_client_limit' },
  { match: /^not allowed$/i, kind: 'permission_denied', hint: 'pgbouncer_not_allowed' },
  { match: /password authentication failed|SASL|SCRAM|no such user|authentication failed/i, kind: 'auth_failed', hint: 'pgbouncer_auth' },
  { match: /unsupported startup parameter/i, kind: 'other', hint: 'pgbouncer_startup_parameter' },
  {
    match: /invalid command|unrecognized configuration parameter|database "pgbouncer" does not exist/i,
    kind: 'not_found',
    hint: 'pgbouncer_not_console',
  },
];

const SETTING = 'DBPOOL_PGBOUNCER_URL';

/** Turns anything the console connection threw into a ProbeError; never throws itself. */
export function classifyPgBouncerError(err: unknown, target: PgBouncerConfig): ProbeError {
  const base = classifyPostgresError(err, target);
  const source = pgbouncerSource(target);
  const refusal = PGBOUNCER_REFUSALS.find((r) => r.match.test(base.message));
  const error: ProbeError = refusal
    ? { kind: refusal.kind, source, message: base.message, hint: { code: refusal.hint, setting: SETTING, user: target.user } }
    : { kind: base.kind, source, message: base.message, ...(base.hint ? { hint: { ...base.hint, setting: SETTING } } : {}) };
  if (base.code !== undefined) error.code = base.code;
  return error;
}
