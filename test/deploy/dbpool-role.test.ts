import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createPostgresProbe } from '../../src/probes/postgres/postgres-probe.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';

const script = readFileSync(new URL('../../deploy/dbpool-role.sql', import.meta.url), 'utf8');
let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres({ reserved: 2 });
});
afterAll(async () => server?.stop());

describe('deploy/dbpool-role.sql', () => {
  it('creates a role that sees every session and may use the reserved slots', async () => {
    const admin = await server.admin();
    try {
      await admin.query(script);
      await admin.query(`ALTER ROLE dbpool PASSWORD 'pw'`);
      const { rows } = await admin.query<{ role: string }>(
        `SELECT b.rolname AS role FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.member JOIN pg_roles b ON b.oid = m.roleid WHERE a.rolname = 'dbpool' ORDER BY 1`,
      );
      expect(rows.map((r) => r.role)).toEqual(['pg_monitor', 'pg_signal_backend', 'pg_use_reserved_connections']);
    } finally {
      await admin.end();
    }
    const probe = createPostgresProbe(
      { host: server.host, port: server.port, user: 'dbpool', password: 'pw', database: server.database, connectionString: undefined, connectTimeoutMs: 5000, statementTimeoutMs: 5000 },
      { logger: silentLogger() },
    );
    try {
      const o = await probe.observe({ idleMinutes: 10 });
      expect(o.ok && o.facts.statesVisible).toBe(true);
      expect(o.ok && o.facts.reservedConnections).toBe(2);
    } finally {
      await probe.close();
    }
  });
});
