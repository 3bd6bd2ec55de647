/**
 * The PgBouncer probe against a real PgBouncer (Debian's 1.18) in front of the test PostgreSQL:
 * what it reads, that it speaks only the simple query protocol (the console closes a connection
 * that sends one extended-protocol message), and how each failure reads.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PgBouncerConfig } from '../../../src/config.js';
import type { PgBouncerFacts, PgBouncerObservation, ProbeError } from '../../../src/core/facts.js';
import { silentLogger } from '../../../src/logger.js';
import { createPgBouncerProbe, type PgBouncerProbe } from '../../../src/probes/pgbouncer/pgbouncer-probe.js';
import { pgbouncerSkipReason, startPgBouncer, type TestPgBouncer } from '../../helpers/pgbouncer-server.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { catalogFor } from '../../../src/i18n/index.js';
import { createFormatter } from '../../../src/i18n/format.js';
import { waitFor } from '../postgres/probe-fixtures.js';

const skip = pgbouncerSkipReason();

const APP = { name: 'app', password: 'app-pw' };

/** What the English catalog says to do about a probe error (its hint). */
const hintText = (e: ProbeError) => (e.hint ? catalogFor('en').hint[e.hint.code](e.hint, createFormatter('en')) : '');
const STATS = { name: 'dbpool', password: 'dbpool-pw' };
const ADMIN = { name: 'ops', password: 'ops-pw' };
const OUTSIDER = { name: 'nobody', password: 'nobody-pw' };

describe.skipIf(skip !== null)('PgBouncer probe (real PgBouncer)', () => {
  let db: TestPostgres;
  let bouncer: TestPgBouncer;
  const probes: PgBouncerProbe[] = [];
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    db = await startPostgres({ maxConnections: 40 });
    const admin = await db.admin();
    try {
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
    } finally {
      await admin.end();
    }
    bouncer = await startPgBouncer({
      postgres: db,
      users: [APP, STATS, ADMIN, OUTSIDER],
      adminUsers: [ADMIN.name],
      statsUsers: [STATS.name],
      maxClientConn: 12,
      defaultPoolSize: 3,
      reservePoolSize: 1,
    });
  });

  afterEach(async () => {
    await Promise.all(probes.splice(0).map((p) => p.close()));
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  });

  afterAll(async () => {
    await bouncer?.stop();
    await db?.stop();
  });

  function config(user = STATS, overrides: Partial<PgBouncerConfig> = {}): PgBouncerConfig {
    return {
      host: bouncer.host,
      port: bouncer.port,
      user: user.name,
      password: user.password,
      database: 'pgbouncer',
      connectionString: undefined,
      connectTimeoutMs: 3_000,
      statementTimeoutMs: 3_000,
      ...overrides,
    };
  }

  function probe(c: PgBouncerConfig = config()): PgBouncerProbe {
    const p = createPgBouncerProbe(c, { logger: silentLogger(), backoff: { initialMs: 50, maxMs: 200 } });
    probes.push(p);
    p.start();
    return p;
  }

  async function appClient(applicationName: string): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: bouncer.url(APP, db.database), application_name: applicationName });
    c.on('error', () => undefined);
    await c.connect();
    clients.push(c);
    return c;
  }

  const facts = (o: PgBouncerObservation): PgBouncerFacts => {
    if (!o.ok) throw new Error(`observation failed: ${o.error.kind} ${o.error.message}`);
    return o.facts;
  };

  it('reads settings, pools, clients and the PostgreSQL pids of its server connections', async () => {
    const p = probe();
    await waitFor(() => p.isConnected(), 10_000, 'the console connection');
    const a = await appClient('php_swoole_app');
    await appClient('php_swoole_app');
    await appClient('php_swoole_app_new');
    await a.query('SELECT 1');

    const f = facts(await p.observe());
    expect(f.version).toMatch(/^PgBouncer 1\.\d+/);
    expect(f.address).toBe(`${bouncer.host}:${bouncer.port}`);
    expect(f.settings).toMatchObject({ maxClientConn: 12, defaultPoolSize: 3, reservePoolSize: 1, poolMode: 'transaction', maxDbConnections: 0 });
    expect(f.databases.map((d) => [d.name, d.poolSize, d.reservePool])).toEqual([[db.database, 3, 1]]);
    expect(f.pools.map((x) => [x.database, x.user, x.clientsActive + x.clientsWaiting])).toEqual([[db.database, 'app', 3]]);
    // Three app clients and dbpool's own console connection count against max_client_conn.
    expect(f.clients).toBe(4);
    expect(f.consoleClients).toBe(1);
    expect(f.clientsByApplication).toEqual([
      { key: 'php_swoole_app', count: 2 },
      { key: 'php_swoole_app_new', count: 1 },
    ]);

    const admin = await db.admin();
    try {
      const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE usename = 'app'`);
      expect(f.serverPids.sort()).toEqual(rows.map((r) => r.pid).sort());
      expect(f.serverPids.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
  });

  it('speaks only the simple query protocol: one console session answers every look', async () => {
    const logins = async () => (await bouncer.log()).match(/login attempt: db=pgbouncer user=dbpool/g)?.length ?? 0;
    // Counted before the probe exists: it logs in as soon as it is created.
    const loginsBefore = await logins();
    const p = probe();
    await waitFor(() => p.isConnected(), 10_000, 'the console connection');
    for (let i = 0; i < 5; i++) expect((await p.observe()).ok).toBe(true);
    expect(facts(await p.observe()).consoleClients).toBe(1);
    // PgBouncer writes its log in order: once a later login shows, every line of the five looks is in.
    const adminLogins = async () => (await bouncer.log()).match(/login attempt: db=pgbouncer user=ops/g)?.length ?? 0;
    const adminBefore = await adminLogins();
    const marker = await bouncer.console(ADMIN);
    clients.push(marker);
    await waitFor(async () => (await adminLogins()) > adminBefore, 10_000, "the marker login in PgBouncer's log");
    const log = await bouncer.log();
    expect(log).not.toMatch(/extended query protocol not supported/);
    // One login of dbpool's console user for all five looks: no connection was closed for a bad packet.
    expect((await logins()) - loginsBefore).toBe(1);

    // The check above would catch it: a parameterised query is refused and the connection dropped.
    const other = await bouncer.console(STATS);
    clients.push(other);
    await expect(other.query('SHOW POOLS', [])).resolves.toBeDefined();
    await expect(other.query('SHOW POOLS', ['x'])).rejects.toThrow();
    await waitFor(async () => /extended query protocol not supported/.test(await bouncer.log()), 5_000, 'the refusal in the log');
  });

  it('answers when PgBouncer is at max_client_conn: the app is refused, the console is not', async () => {
    const p = probe();
    await waitFor(() => p.isConnected(), 10_000, 'the console connection');
    const before = facts(await p.observe());
    const free = before.settings.maxClientConn - before.clients;
    for (let i = 0; i < free; i++) await appClient(`filler-${i}`);
    await expect(appClient('one-too-many')).rejects.toThrow(/no more connections allowed \(max_client_conn\)/);

    const f = facts(await p.observe());
    // dbpool's console connection takes one of the slots, as every client does.
    expect(f.clients).toBe(f.settings.maxClientConn);
    expect(f.consoleClients).toBe(1);

    // PgBouncer lets console logins past max_client_conn: even a freshly started dbpool reads it.
    const fresh = facts(await probe().observe());
    expect(fresh.clients).toBe(f.settings.maxClientConn + 1);
  });

  it('a console user outside stats_users and admin_users: permission_denied, saying which setting', async () => {
    const o = await probe(config(OUTSIDER)).observe();
    expect(o.ok).toBe(false);
    if (!o.ok) {
      expect(o.error.kind).toBe('permission_denied');
      expect(o.error.message).toBe('not allowed');
      expect(hintText(o.error)).toMatch(/nobody may not use the admin console: add it to stats_users/);
    }
  });

  it('a wrong password: auth_failed, never the password itself', async () => {
    const o = await probe(config({ name: STATS.name, password: 'not-the-password' })).observe();
    expect(o.ok).toBe(false);
    if (!o.ok) {
      expect(o.error.kind).toBe('auth_failed');
      expect(o.error.message).not.toContain('not-the-password');
      expect(hintText(o.error)).toMatch(/auth_file/);
    }
  });

  it('a URL aimed at PostgreSQL instead of PgBouncer says so', async () => {
    const o = await probe(config({ name: 'postgres', password: db.password }, { host: db.host, port: db.port })).observe();
    expect(o.ok).toBe(false);
    if (!o.ok) {
      expect(o.error.kind).toBe('not_found');
      expect(hintText(o.error)).toMatch(/not PgBouncer's admin console/);
    }
  });
});
