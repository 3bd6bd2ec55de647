import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, requirePostgres } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createPostgresProbe } from '../../src/probes/postgres/postgres-probe.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { findPsql, runRoleScript } from '../helpers/role-script.js';

/**
 * The role script as docker-compose.example.yml runs it (psql, the password from DBPOOL_DB_PASSWORD),
 * against a real PostgreSQL that asks every client for its password (scram-sha-256 in pg_hba.conf),
 * then dbpool logging in with the compose file's DATABASE_URL.
 */
const compose = parse(readFileSync(new URL('../../docker-compose.example.yml', import.meta.url), 'utf8')) as {
  services: Record<string, { environment?: Record<string, string> }>;
};
const noPsql = findPsql() === null ? 'psql 15+ not found (Debian: postgresql-client-15)' : null;
if (noPsql) console.warn(`[role script tests skipped] ${noPsql}`);
if (noPsql && process.env.DBPOOL_REQUIRE_OLDER_POSTGRES === '1') throw new Error(`DBPOOL_REQUIRE_OLDER_POSTGRES=1 but ${noPsql}`);

/** The compose file's DATABASE_URL with its variables filled in and its host pointed at the test server. */
function composeDatabaseUrl(server: TestPostgres, password: string): string {
  const template = compose.services.dbpool?.environment?.DATABASE_URL ?? '';
  return template.replace(/\$\{DBPOOL_DB_PASSWORD[^}]*\}/, encodeURIComponent(password)).replace('@postgres:5432/', `@${server.host}:${server.port}/`);
}

async function logsIn(url: string): Promise<{ ok: boolean; error?: string; statesVisible?: boolean; reserved?: number | null }> {
  const probe = createPostgresProbe(requirePostgres(loadConfig({ DATABASE_URL: url })), { logger: silentLogger() });
  try {
    const o = await probe.observe({ idleMinutes: 10 });
    return o.ok ? { ok: true, statesVisible: o.facts.statesVisible, reserved: o.facts.reservedConnections } : { ok: false, error: o.error.message };
  } finally {
    await probe.close();
  }
}

describe.skipIf(noPsql !== null)('deploy/dbpool-role.sql with docker-compose.example.yml', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres({ reserved: 2 });
  }, 120_000);
  afterAll(async () => server?.stop());
  beforeEach(async () => {
    const admin = await server.admin();
    await admin.query('DROP ROLE IF EXISTS dbpool');
    await admin.end();
  });

  it('the example passes the role script the password that dbpool logs in with', () => {
    expect(compose.services.postgres?.environment?.DBPOOL_DB_PASSWORD).toMatch(/^\$\{DBPOOL_DB_PASSWORD:\?/);
    expect(compose.services.dbpool?.environment?.DATABASE_URL).toMatch(/^postgresql:\/\/dbpool:\$\{DBPOOL_DB_PASSWORD:\?[^}]*\}@postgres:5432\//);
  });

  it('refuses to create a role without a password, and creates nothing', async () => {
    const run = await runRoleScript(server, {});
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('dbpool-role.sql needs a password');
    const empty = await runRoleScript(server, { environment: '' });
    expect(empty.code).not.toBe(0);
    const admin = await server.admin();
    try {
      expect((await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = 'dbpool'`)).rowCount).toBe(0);
    } finally {
      await admin.end();
    }
  });

  it('creates the role from DBPOOL_DB_PASSWORD; dbpool logs in with the compose DATABASE_URL over scram-sha-256, sees every session, may use the reserved slots', async () => {
    const password = 'a p@ss/word: with ; and \'quotes\'';
    const run = await runRoleScript(server, { environment: password });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).not.toContain(password);
    const admin = await server.admin();
    try {
      const hba = await admin.query<{ type: string; auth_method: string }>(`SELECT type, auth_method FROM pg_hba_file_rules`);
      expect(hba.rows.filter((r) => r.type === 'host').map((r) => r.auth_method)).toEqual(expect.arrayContaining(['scram-sha-256']));
      expect(hba.rows.every((r) => r.auth_method === 'scram-sha-256'), JSON.stringify(hba.rows)).toBe(true);
      const role = await admin.query<{ limit: number; scram: boolean }>(
        `SELECT rolconnlimit AS limit, rolpassword LIKE 'SCRAM-SHA-256$%' AS scram FROM pg_authid WHERE rolname = 'dbpool'`,
      );
      // Two replicas with a summary channel (2 connections each) and a CLI run (1), as the README says.
      expect(role.rows[0]?.limit).toBeGreaterThanOrEqual(2 * 2 + 1);
      expect(role.rows[0]?.scram).toBe(true);
      const { rows } = await admin.query<{ role: string }>(
        `SELECT b.rolname AS role FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.member JOIN pg_roles b ON b.oid = m.roleid WHERE a.rolname = 'dbpool' ORDER BY 1`,
      );
      expect(rows.map((r) => r.role)).toEqual(['pg_monitor', 'pg_signal_backend', 'pg_use_reserved_connections']);
    } finally {
      await admin.end();
    }
    expect(await logsIn(composeDatabaseUrl(server, password))).toEqual({ ok: true, statesVisible: true, reserved: 2 });
    const wrong = await logsIn(composeDatabaseUrl(server, 'change-me'));
    expect(wrong.ok).toBe(false);
    expect(wrong.error).toMatch(/password authentication failed/);
  }, 60_000);

  it('takes psql\'s variable before the environment (psql -v password=…)', async () => {
    const run = await runRoleScript(server, { variable: 'from-variable', environment: 'from-environment' });
    expect(run.code, run.stderr).toBe(0);
    expect((await logsIn(composeDatabaseUrl(server, 'from-variable'))).ok).toBe(true);
  }, 60_000);
});
