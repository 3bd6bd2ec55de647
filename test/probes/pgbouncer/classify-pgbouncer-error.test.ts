import { describe, expect, it } from 'vitest';
import type { PgBouncerConfig } from '../../../src/config.js';
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
  it.each([
    ['no more connections allowed (max_client_conn)', 'server_full', /max_client_conn/],
    ['not allowed', 'permission_denied', /add it to stats_users in pgbouncer\.ini and RELOAD/],
    ['password authentication failed', 'auth_failed', /auth_file \(userlist\.txt\)/],
    ['unsupported startup parameter: statement_timeout', 'other', /remove it from DBPOOL_PGBOUNCER_URL/],
    ["invalid command 'SHOW POOLS', use SHOW HELP;", 'not_found', /not PgBouncer's admin console/],
  ])('%s -> %s', (message, kind, hint) => {
    const e = classifyPgBouncerError(fatal(message), target);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(hint);
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
    expect(e.message).toMatch(/DBPOOL_PGBOUNCER_URL/);
    expect(e.message).not.toMatch(/DATABASE_URL|s3cret/);
  });
});
