import { describe, expect, it } from 'vitest';
import { explicitSslMode, monitorClientOptions } from '../../../src/probes/postgres/client-options.js';

const base = {
  host: 'db.internal',
  port: 5432,
  user: 'dbpool',
  password: 'pw',
  database: 'madras',
  connectionString: undefined,
  connectTimeoutMs: 3_000,
  statementTimeoutMs: 4_000,
};

describe('monitorClientOptions', () => {
  it('names the session dbpool and sets both timeouts', () => {
    expect(monitorClientOptions(base, 'dbpool')).toMatchObject({
      application_name: 'dbpool',
      connectionTimeoutMillis: 3_000,
      statement_timeout: 4_000,
      keepAlive: true,
    });
  });

  it("keeps the URL's other parameters but not its application_name", () => {
    const options = monitorClientOptions(
      { ...base, connectionString: 'postgresql://dbpool:pw@db.internal/madras?sslmode=require&application_name=psql' },
      'dbpool',
    );
    expect(options.connectionString).toContain('sslmode=verify-full');
    expect(options.connectionString).not.toContain('application_name');
    expect(options.application_name).toBe('dbpool');
  });

  it.each([
    ['sslmode=require', 'sslmode=verify-full'],
    ['sslmode=prefer', 'sslmode=verify-full'],
    ['sslmode=verify-ca&sslrootcert=%2Fca.pem', 'sslmode=verify-full&sslrootcert=%2Fca.pem'],
    ['sslmode=verify-full', 'sslmode=verify-full'],
    ['sslmode=disable', 'sslmode=disable'],
    ['uselibpqcompat=true&sslmode=require', 'uselibpqcompat=true&sslmode=require'],
  ])('writes the checking node-postgres does today as verify-full: %s', (given, sent) => {
    expect(explicitSslMode(`postgresql://dbpool@db.internal/madras?${given}`)).toBe(`postgresql://dbpool@db.internal/madras?${sent}`);
  });
});
