import { describe, expect, it } from 'vitest';
import { classifyPostgresError, postgresSource } from '../../../src/probes/postgres/classify-error.js';
import { PostgresTimeoutError } from '../../../src/probes/postgres/with-timeout.js';

const PASSWORD = 's3cr3t-Pa55';
const target = { host: 'db.internal', port: 5432, database: 'madras', password: PASSWORD };

/** An error shaped like pg's DatabaseError or Node's network errors. */
function pgError(message: string, code?: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code }, extra);
}

describe('classifyPostgresError', () => {
  it.each([
    ['sorry, too many clients already', '53300'],
    ['remaining connection slots are reserved for non-replication superuser connections', '53300'],
    ['remaining connection slots are reserved for roles with the SUPERUSER attribute', '53300'],
    ['remaining connection slots are reserved for roles with privileges of the "pg_use_reserved_connections" role', '53300'],
  ])('server full: %s', (message, code) => {
    expect(classifyPostgresError(pgError(message, code), target)).toMatchObject({ kind: 'server_full', code });
    // A FATAL during startup may arrive without a usable SQLSTATE: the wording alone is enough.
    expect(classifyPostgresError(pgError(message), target).kind).toBe('server_full');
    expect(classifyPostgresError(pgError(`FATAL: ${message.toUpperCase()}`), target).kind).toBe('server_full');
  });

  it('53300 alone means full, whatever the wording', () => {
    expect(classifyPostgresError(pgError('too many connections for role "app"', '53300'), target).kind).toBe('server_full');
    expect(classifyPostgresError(pgError('something new in PostgreSQL 25', '53300'), target).kind).toBe('server_full');
  });

  it.each([
    ['connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'],
    ['getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND'],
    ['connect EHOSTUNREACH 10.0.0.9:5432', 'EHOSTUNREACH'],
    ['connect ENETUNREACH 10.0.0.9:5432', 'ENETUNREACH'],
    ['read ECONNRESET', 'ECONNRESET'],
    ['terminating connection due to administrator command', '57P01'],
    ['the database system is starting up', '57P03'],
    ['the database system is shutting down', '57P03'],
    ['connection failure', '08006'],
  ])('unreachable: %s', (message, code) => {
    expect(classifyPostgresError(pgError(message, code), target)).toMatchObject({ kind: 'unreachable', code });
  });

  it.each(['Connection terminated unexpectedly', 'Connection terminated'])('unreachable without a code: %s', (message) => {
    expect(classifyPostgresError(pgError(message), target).kind).toBe('unreachable');
  });

  it('unreachable from an AggregateError (one error per address, empty message)', () => {
    const err = Object.assign(
      new AggregateError([pgError('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED'), pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')], ''),
      { code: 'ECONNREFUSED' },
    );
    const error = classifyPostgresError(err, target);
    expect(error).toMatchObject({ kind: 'unreachable', code: 'ECONNREFUSED' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it.each([
    ['password authentication failed for user "dbpool"', '28P01'],
    ['no pg_hba.conf entry for host "10.0.0.1", user "dbpool", database "madras", no encryption', '28000'],
    ['role "dbpool" does not exist', '28000'],
  ])('auth failed: %s', (message, code) => {
    expect(classifyPostgresError(pgError(message, code), target)).toMatchObject({ kind: 'auth_failed', code });
  });

  it('auth failed when the client has no password for SCRAM', () => {
    const err = pgError('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string');
    expect(classifyPostgresError(err, target).kind).toBe('auth_failed');
  });

  it.each([
    [pgError('canceling statement due to statement timeout', '57014')],
    [pgError('timeout expired')],
    [pgError('Connection terminated due to connection timeout')],
    [pgError('Query read timeout')],
    [pgError('connect ETIMEDOUT 10.0.0.9:5432', 'ETIMEDOUT')],
    [new PostgresTimeoutError('query', 5500)],
  ])('timeout: %s', (err) => {
    expect(classifyPostgresError(err, target).kind).toBe('timeout');
  });

  it('permission denied, database not found, other', () => {
    expect(classifyPostgresError(pgError('permission denied for table x', '42501'), target).kind).toBe('permission_denied');
    expect(classifyPostgresError(pgError('database "madras" does not exist', '3D000'), target).kind).toBe('not_found');
    expect(classifyPostgresError(pgError('division by zero', '22012'), target)).toMatchObject({ kind: 'other', code: '22012' });
    expect(classifyPostgresError('a string', target)).toMatchObject({ kind: 'other', message: 'a string' });
    expect(classifyPostgresError(undefined, target).kind).toBe('other');
  });

  it('names the server as postgres host:port/database', () => {
    expect(postgresSource(target)).toBe('postgres db.internal:5432/madras');
    expect(classifyPostgresError(pgError('x'), target).source).toBe('postgres db.internal:5432/madras');
  });

  it('never shows the password, neither in source nor in message', () => {
    const leaky = [
      pgError(`password authentication failed, tried ${PASSWORD}`, '28P01'),
      pgError(`invalid URL postgresql://dbpool:${PASSWORD}@db.internal:5432/madras`),
      pgError(`bad postgres://dbpool:${encodeURIComponent(PASSWORD)}@db.internal/madras?sslmode=require`),
      pgError(`sorry, too many clients already (${PASSWORD})`, '53300'),
    ];
    for (const err of leaky) {
      const error = classifyPostgresError(err, target);
      expect(JSON.stringify(error)).not.toContain(PASSWORD);
      expect(error.source).not.toContain(PASSWORD);
      expect(error.message).not.toContain(PASSWORD);
    }
    const urlError = classifyPostgresError(pgError('bad postgresql://dbpool:other-secret@db/madras'), { ...target, password: undefined });
    expect(urlError.message).not.toContain('other-secret');
  });
});
