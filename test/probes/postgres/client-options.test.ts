import { describe, expect, it } from 'vitest';
import { monitorClientOptions } from '../../../src/probes/postgres/client-options.js';

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
    expect(options.connectionString).toContain('sslmode=require');
    expect(options.connectionString).not.toContain('application_name');
    expect(options.application_name).toBe('dbpool');
  });
});
