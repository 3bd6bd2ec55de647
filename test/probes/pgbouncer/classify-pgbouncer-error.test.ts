import { describe, expect, it } from 'vitest';
import type { PgBouncerConfig } from '../../../src/config.js';
import { catalogFor } from '../../../src/i18n/index.js';
import { createFormatter } from '../../../src/i18n/format.js';
import { classifyPgBouncerError } from '../../../src/probes/pgbouncer/classify-pgbouncer-error.js';

const target: PgBouncerConfig = {
  host: 'pgbouncer',
  port: 6432,
  user: 'dbpool',
  password: 's3cret',
  database: 'pgbouncer',
  connectionString: undefined,
  connectTimeoutMs: 1000,
  statementTimeoutMs: 1000,
};

/** PgBouncer's refusals arrive as FATAL 08P01 errors with its own words. */
const fatal = (message: string) => Object.assign(new Error(message), { code: '08P01', severity: 'FATAL' });

describe('classifyPgBouncerError', () => {
  /** What the catalogs make of a hint, in English and Persian. */
  const say = (e: ReturnType<typeof classifyPgBouncerError>, lang: 'en' | 'fa') => (e.hint ? catalogFor(lang).hint[e.hint.code](e.hint, createFormatter(lang)) : '');

  it.each([
    ['no more connections allowed (max_client_conn)', 'server_full', 'pgbouncer_client_limit', /max_client_conn/],
    ['not allowed', 'permission_denied', 'pgbouncer_not_allowed', /dbpool may not use the admin console: add it to stats_users in pgbouncer\.ini and RELOAD/],
    ['password authentication failed', 'auth_failed', 'pgbouncer_auth', /auth_file \(userlist\.txt\)/],
    ['unsupported startup parameter: statement_timeout', 'other', 'pgbouncer_startup_parameter', /remove it from DBPOOL_PGBOUNCER_URL/],
    ["invalid command 'SHOW POOLS', use SHOW HELP;", 'not_found', 'pgbouncer_not_console', /not PgBouncer's admin console/],
  ])('%s -> %s', (message, kind, hint, said) => {
    const e = classifyPgBouncerError(fatal(message), target);
    expect(e.kind).toBe(kind);
    // PgBouncer's own words stay as they were; what to change is a hint the catalogs say.
    expect(e.message).toBe(message);
    expect(e.hint?.code).toBe(hint);
    expect(say(e, 'en')).toMatch(said);
    expect(say(e, 'fa')).not.toBe('');
    expect(e.source).toBe('pgbouncer pgbouncer:6432');
    expect(e.code).toBe('08P01');
  });

  it('reads network failures as the PostgreSQL probe does, naming PgBouncer', () => {
    const e = classifyPgBouncerError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:6432'), { code: 'ECONNREFUSED' }), target);
    expect(e).toMatchObject({ kind: 'unreachable', source: 'pgbouncer pgbouncer:6432', code: 'ECONNREFUSED' });
  });

  it("speaks of DBPOOL_PGBOUNCER_URL in TLS hints, and never repeats the password", () => {
    const e = classifyPgBouncerError(
      Object.assign(new Error('self-signed certificate in certificate chain (s3cret)'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
      target,
    );
    expect(e.hint).toMatchObject({ code: 'pg_tls_untrusted', setting: 'DBPOOL_PGBOUNCER_URL' });
    for (const lang of ['en', 'fa'] as const) {
      expect(say(e, lang)).toMatch(/DBPOOL_PGBOUNCER_URL/);
      expect(say(e, lang)).not.toMatch(/DATABASE_URL/);
    }
    expect(JSON.stringify(e)).not.toMatch(/s3cret/);
  });
});
