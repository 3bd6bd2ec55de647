import { describe, expect, it } from 'vitest';
import { readDbEndpoint } from '../../src/probes/read-db-endpoint.js';

const env = (vars: Record<string, string>) => new Map(Object.entries(vars));

describe('readDbEndpoint: where an instance connects, from its environment', () => {
  it.each([
    [{ DB_DSN: 'host=pgbouncer port=6432 dbname=madras user=app password=x' }, 'pgbouncer', 6432, ['DB_DSN']],
    [{ DB_DSN: "host='10.0.0.7' port='6432' dbname=madras" }, '10.0.0.7', 6432, ['DB_DSN']],
    [{ DB_DSN: 'pgsql:host=pgbouncer;port=6432;dbname=madras' }, 'pgbouncer', 6432, ['DB_DSN']],
    [{ DATABASE_URL: 'postgresql://app:secret@db.internal:5432/madras' }, 'db.internal', 5432, ['DATABASE_URL']],
    [{ DB_HOST: 'pgbouncer', DB_PORT: '6432' }, 'pgbouncer', 6432, ['DB_HOST', 'DB_PORT']],
    [{ DB_HOST: 'db' }, 'db', null, ['DB_HOST']],
    [{ PGHOST: 'h1,h2', PGPORT: '6432' }, 'h1', 6432, ['PGHOST', 'PGPORT']],
  ])('%o', (vars, host, port, variables) => {
    expect(readDbEndpoint(env(vars))).toEqual({ host, port, variables });
  });

  it("reads a container's Config.Env entries, and keeps no password", () => {
    const e = readDbEndpoint(['PATH=/bin', 'DB_DSN=host=pgb port=6432 password=hunter2']);
    expect(e).toEqual({ host: 'pgb', port: 6432, variables: ['DB_DSN'] });
    expect(JSON.stringify(e)).not.toContain('hunter2');
  });

  it('null when nothing says, or the environment is unreadable', () => {
    expect(readDbEndpoint(env({ PATH: '/bin' }))).toBeNull();
    expect(readDbEndpoint(null)).toBeNull();
    expect(readDbEndpoint(env({ DB_PORT: 'abc' }))).toBeNull();
  });
});
