/**
 * The PgBouncer layer's own troubles, on a real PgBouncer in front of the test PostgreSQL: clients
 * queueing on a too-small default_pool_size (the load is plain pg clients running pg_sleep through
 * PgBouncer: the fork-based PHP app holds its connections without querying), PgBouncer down while
 * PostgreSQL is up, and a console user without access. dbpool runs as the CLI runs it.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareCommand } from '../../src/commands/command-table.js';
import { parseCommandLine } from '../../src/commands/parse-command-line.js';
import { loadConfig } from '../../src/config.js';
import type { Report } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { renderText } from '../../src/render/text.js';
import { createServices, type Services } from '../../src/services.js';
import { pgbouncerSkipReason, startPgBouncer, type PgBouncerUser } from '../helpers/pgbouncer-server.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { waitFor } from '../probes/postgres/probe-fixtures.js';

const skip = pgbouncerSkipReason();

const APP = { name: 'app', password: 'app-pw' };
const DBPOOL = { name: 'dbpool', password: 'dbpool-pw' };
const OUTSIDER = { name: 'reporting', password: 'reporting-pw' };

async function status(services: Services): Promise<Report> {
  const result = await prepareCommand(parseCommandLine(['status'])).run(services.context);
  if (result.kind !== 'report') throw new Error(`expected a report, got ${result.kind}`);
  return result.report;
}

const codes = (r: Report) => r.findings.map((f) => f.code);
const recs = (r: Report) => r.recommendations.map((x) => x.code);

describe.skipIf(skip !== null)('the PgBouncer layer (real PgBouncer)', () => {
  let db: TestPostgres;
  const open: Services[] = [];
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    db = await startPostgres({ maxConnections: 60, superuserReserved: 3 });
    const admin = await db.admin();
    try {
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
      await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool-pw' IN ROLE pg_monitor`);
    } finally {
      await admin.end();
    }
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  });
  afterAll(async () => {
    await db?.stop();
  });

  async function services(bouncer: { url(u: PgBouncerUser): string }, user: PgBouncerUser = DBPOOL): Promise<Services> {
    const config = loadConfig({
      DATABASE_URL: db.url(db.database, DBPOOL.name, DBPOOL.password),
      DBPOOL_PGBOUNCER_URL: bouncer.url(user),
      DBPOOL_INSTANCE_SOURCE: 'none',
      APP_DB_USER: 'app',
      DBPOOL_CONNECT_TIMEOUT_MS: '2000',
      DBPOOL_LOG_LEVEL: 'silent',
    });
    const s = await createServices(config, silentLogger(), { stateFile: ':memory:' });
    open.push(s);
    return s;
  }

  const bouncerOf = (options: Partial<Parameters<typeof startPgBouncer>[0]> = {}) =>
    startPgBouncer({ postgres: db, users: [APP, DBPOOL, OUTSIDER], statsUsers: [DBPOOL.name], ...options });

  it('clients queue on default_pool_size 2 while PostgreSQL has room: raise default_pool_size, not max_connections', async () => {
    const bouncer = await bouncerOf({ maxClientConn: 200, defaultPoolSize: 2 });
    try {
      const s = await services(bouncer);
      for (let i = 0; i < 8; i++) {
        const c = new pg.Client({ connectionString: bouncer.url(APP, db.database), application_name: 'php_swoole_app' });
        c.on('error', () => undefined);
        await c.connect();
        clients.push(c);
        void c.query('SELECT pg_sleep(30)').catch(() => undefined);
      }
      // The positive signal: six clients queued for at least a second.
      const admin = await bouncer.console(DBPOOL);
      clients.push(admin);
      await waitFor(
        async () => {
          const { rows } = await admin.query<{ cl_waiting: number; maxwait: number }>('SHOW POOLS');
          return rows.some((r) => r.cl_waiting >= 6 && r.maxwait >= 1);
        },
        15_000,
        'clients waiting in PgBouncer',
      );

      const r = await status(s);
      expect(r.verdict).not.toBe('OK');
      const waiting = r.findings.find((f) => f.code === 'pgbouncer_clients_waiting');
      expect(waiting?.params).toMatchObject({ database: db.database, user: 'app', waiting: 6, poolSize: 2, active: 2 });
      expect(r.pgbouncer.bouncers[0]).toMatchObject({ waiting: 6, serverLimit: 2, serverConnections: 2 });
      expect(r.recommendations[0]).toMatchObject({ code: 'raise_default_pool_size', params: { current: 2, suggested: 8, waiting: 6 } });
      expect(r.recommendations[0]?.commands[0]?.text).toBe('default_pool_size = 8');
      expect(recs(r)).not.toContain('raise_max_connections');
      expect(renderText(r, { lang: 'en' })).toMatch(/6 clients wait for a server connection: raise default_pool_size of PgBouncer \S+ from 2 to 8/);
      expect(renderText(r, { lang: 'fa' })).toContain('default_pool_size = 8');
    } finally {
      await bouncer.stop();
    }
  });

  it('PgBouncer down while PostgreSQL is up: CRIT, start PgBouncer; PostgreSQL needs no change', async () => {
    const bouncer = await bouncerOf();
    const s = await services(bouncer);
    await waitFor(() => s.pgbouncers.every((p) => p.isConnected()), 10_000, 'the console connection');
    await bouncer.stop();

    const r = await status(s);
    expect(r.facts.postgres.ok).toBe(true);
    expect(r.verdict).toBe('CRIT');
    expect(r.findings[0]).toMatchObject({ code: 'pgbouncer_down', severity: 'crit', params: { kind: 'unreachable', usable: 57 } });
    expect(r.recommendations[0]?.code).toBe('start_pgbouncer');
    expect(recs(r)).not.toContain('raise_max_connections');
    const en = renderText(r, { lang: 'en' });
    expect(en).toContain('does not answer (unreachable)');
    expect(en).toContain('The app connects through it, so it cannot reach the database, while PostgreSQL itself answers');
    expect(renderText(r, { lang: 'fa' })).toContain('پاسخ نمی‌دهد');
  });

  it('a console user in neither stats_users nor admin_users: WARN, and the exact lines to let dbpool in', async () => {
    const bouncer = await bouncerOf();
    try {
      const r = await status(await services(bouncer, OUTSIDER));
      expect(r.verdict).toBe('WARN');
      expect(r.findings.find((f) => f.code === 'pgbouncer_unreadable')?.params).toMatchObject({ kind: 'permission_denied' });
      expect(codes(r)).not.toContain('pgbouncer_down');
      expect(r.recommendations[0]).toMatchObject({ code: 'pgbouncer_console_access' });
      expect(r.recommendations[0]?.commands[0]?.text).toMatch(/^stats_users = reporting/);
      expect(renderText(r, { lang: 'en' })).toMatch(/reporting may not use the admin console: add it to stats_users/);
    } finally {
      await bouncer.stop();
    }
  });
});
