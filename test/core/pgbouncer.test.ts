/**
 * The two-layer pool math and what it concludes, on the setups of the PgBouncer issue: what a
 * PgBouncer expert would say, and never "raise max_connections" while PostgreSQL has room.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/remediation-plan.js';
import type { AppInstance, Facts, LogStats, PgBouncerObservation } from '../../src/core/facts.js';
import { PGBOUNCER_LOG_PATTERNS } from '../../src/core/pgbouncer-signs.js';
import { buildReport, type Report } from '../../src/core/report.js';
import { renderText } from '../../src/render/text.js';
import { facts, instance } from '../fixtures/facts.js';
import { pgbouncerFacts, pgbouncerOk } from '../fixtures/pgbouncer-facts.js';
import { settings } from '../fixtures/report-settings.js';

const viaPgBouncer = { host: 'pgbouncer', port: 6432, variables: ['DB_HOST', 'DB_PORT'] };

function logs(maxClientConnRefusals = 0, queryWaitTimeouts = 0): LogStats {
  return {
    linesRead: 500,
    since: null,
    workerStarts: { pattern: 'Worker.*starting', count: 4, lastSeen: null },
    serverFull: [],
    poolExhausted: [{ pattern: 'All \\d+ connections are in use', count: maxClientConnRefusals > 0 ? 4 : 0, lastSeen: null }],
    pgbouncerErrors: [
      { pattern: PGBOUNCER_LOG_PATTERNS.max_client_conn, count: maxClientConnRefusals, lastSeen: null },
      { pattern: PGBOUNCER_LOG_PATTERNS.cannot_connect, count: 0, lastSeen: null },
      { pattern: PGBOUNCER_LOG_PATTERNS.query_wait_timeout, count: queryWaitTimeouts, lastSeen: null },
      { pattern: PGBOUNCER_LOG_PATTERNS.login_failing, count: 0, lastSeen: null },
    ],
  };
}

/** Two instances of 4 workers x DB_POOL_SIZE 30 (240), behind PgBouncer, PostgreSQL at max_connections 60. */
function app(overrides: Partial<AppInstance> = {}): AppInstance[] {
  return [
    instance({ id: 'a', name: 'php_swoole_app', poolSize: { value: 30, origin: 'env' }, dbEndpoint: viaPgBouncer, ...overrides }),
    instance({ id: 'b', name: 'php_swoole_app_new', poolSize: { value: 30, origin: 'env' }, dbEndpoint: viaPgBouncer, ...overrides }),
  ];
}

function behind(pgbouncers: PgBouncerObservation[], pg: Parameters<typeof facts>[0] = {}, instances = app()): Facts {
  return {
    ...facts({ maxConnections: 60, superuserReservedConnections: 3, clientConnections: 2, appConnections: 1, idleSessions: [], ...pg }, instances),
    pgbouncers,
  };
}

const report = (f: Facts): Report => buildReport('status', f, settings({ expectedInstances: 2 }));
const codes = (r: Report) => r.findings.map((x) => x.code);
const recs = (r: Report) => r.recommendations.map((x) => x.code);

describe('PgBouncer in the path: two-layer pool math', () => {
  it("the issue's setup: refusals at max_client_conn on a nearly empty server -> raise max_client_conn, never max_connections", () => {
    const r = report(behind([pgbouncerOk()], {}, app({ logs: logs(95) })));
    expect(r.verdict).toBe('CRIT');
    const layer = r.pgbouncer.bouncers[0];
    expect(layer).toMatchObject({ clients: 50, clientCapacity: 49, clientDemand: 240, serverLimit: 10, serverConnections: 1 });
    expect(r.pgbouncer.serverCapacity).toBe(56);
    expect(codes(r)).toEqual(expect.arrayContaining(['pgbouncer_client_limit', 'pgbouncer_client_demand_exceeds', 'pgbouncer_errors_in_logs']));
    expect(codes(r)).not.toContain('demand_exceeds_capacity');
    expect(r.recommendations[0]).toMatchObject({ code: 'raise_max_client_conn', params: { current: 50, suggested: 330, demand: 240 } });
    expect(r.recommendations[0]?.commands[0]?.text).toBe('max_client_conn = 330');
    expect(recs(r)).not.toContain('raise_max_connections');
    expect(recs(r)).not.toContain('use_pooler');
    // The other way out, second: app pools that fit in max_client_conn as it is.
    expect(r.recommendations[1]).toMatchObject({ code: 'lower_pool_size', params: { capacity: 49, suggested: 4 } });
    // A refused app pool is PgBouncer's doing, not a leak.
    expect(codes(r)).not.toContain('app_pool_exhausted');
  });

  it('clients waiting on a too-small default_pool_size while PostgreSQL has room -> raise default_pool_size', () => {
    const f = pgbouncerFacts({
      settings: { maxClientConn: 500, defaultPoolSize: 2 },
      pool: { clientsActive: 40, clientsWaiting: 6, serversActive: 2, serversIdle: 0, maxWaitSeconds: 3.2 },
      clients: 47,
    });
    const r = report(behind([pgbouncerOk(f)], { clientConnections: 3, appConnections: 2 }));
    expect(r.verdict).toBe('WARN');
    expect(r.findings.find((x) => x.code === 'pgbouncer_clients_waiting')).toMatchObject({
      severity: 'warn',
      params: { waiting: 6, maxWaitSeconds: 3.2, poolSize: 2, active: 2 },
    });
    expect(r.recommendations[0]).toMatchObject({ code: 'raise_default_pool_size', params: { current: 2, suggested: 8, waiting: 6 } });
    expect(r.recommendations[0]?.commands.map((c) => c.text)).toContain('default_pool_size = 8');
    expect(recs(r)).not.toContain('raise_max_connections');
  });

  it('clients waiting while PostgreSQL itself is filling up -> then, and only then, raise max_connections', () => {
    const f = pgbouncerFacts({
      settings: { maxClientConn: 500, defaultPoolSize: 40 },
      pool: { clientsActive: 40, clientsWaiting: 12, serversActive: 40, serversIdle: 0, maxWaitSeconds: 12 },
      serverPids: [],
    });
    const r = report(behind([pgbouncerOk(f)], { clientConnections: 52, appConnections: 51 }));
    expect(r.verdict).toBe('CRIT');
    expect(recs(r)).toContain('raise_max_connections');
    expect(recs(r)).not.toContain('raise_default_pool_size');
  });

  it('a healthy setup: 240 in app pools far above max_connections 60, PgBouncer keeps the server fine -> OK', () => {
    const f = pgbouncerFacts({ settings: { maxClientConn: 1000, defaultPoolSize: 20 }, clients: 241 });
    const r = report(behind([pgbouncerOk(f)], { clientConnections: 12, appConnections: 11 }));
    expect(r.verdict).toBe('OK');
    expect(r.findings.filter((x) => x.severity !== 'info')).toEqual([]);
    expect(recs(r)).toEqual([]);
  });

  it('PgBouncer down while PostgreSQL is up -> CRIT, start PgBouncer; PostgreSQL needs nothing', () => {
    const down: PgBouncerObservation = {
      ok: false,
      address: 'pgbouncer:6432',
      error: { kind: 'unreachable', source: 'pgbouncer pgbouncer:6432', message: 'connect ECONNREFUSED 10.0.0.7:6432', code: 'ECONNREFUSED' },
    };
    const r = report(behind([down]));
    expect(r.verdict).toBe('CRIT');
    expect(r.findings[0]).toMatchObject({ code: 'pgbouncer_down', params: { connections: 2, usable: 57 } });
    expect(r.recommendations[0]?.code).toBe('start_pgbouncer');
    expect(recs(r)).not.toContain('raise_max_connections');
    expect(codes(r)).not.toContain('demand_exceeds_capacity');
  });

  it('a console user without access -> WARN, grant stats_users; the app is not compared with max_connections', () => {
    const denied: PgBouncerObservation = {
      ok: false,
      address: 'pgbouncer:6432',
      error: { kind: 'permission_denied', source: 'pgbouncer pgbouncer:6432', message: 'not allowed: dbpool may not use the admin console' },
    };
    const r = report(behind([denied]));
    expect(r.verdict).toBe('WARN');
    expect(r.recommendations[0]).toMatchObject({ code: 'pgbouncer_console_access', params: { user: 'dbpool' } });
    expect(r.recommendations[0]?.commands[0]?.text).toMatch(/^stats_users = dbpool/);
    expect(recs(r)).not.toContain('raise_max_connections');
  });

  it('server pools that could take more than PostgreSQL has, nobody waiting -> cap them (max_db_connections)', () => {
    const f = pgbouncerFacts({ settings: { maxClientConn: 1000, defaultPoolSize: 80 } });
    const r = report(behind([pgbouncerOk(f)]));
    expect(codes(r)).toContain('pgbouncer_server_pools_exceed');
    expect(r.recommendations[0]).toMatchObject({ code: 'cap_server_pools', params: { limit: 80, capacity: 56, suggested: 42 } });
    expect(recs(r)).not.toContain('raise_max_connections');
  });
});

describe('PgBouncer recognised without DBPOOL_PGBOUNCER_URL', () => {
  it("from the app's DB_HOST/DB_PORT and its logs: in the path, how to read it, and the refusing setting", () => {
    const r = report(behind([], {}, app({ logs: logs(95) })));
    expect(r.pgbouncer).toMatchObject({ inPath: true, configured: false, unattributedDemand: 240 });
    expect(r.pgbouncer.signs).toEqual([
      { kind: 'endpoint', instances: ['php_swoole_app', 'php_swoole_app_new'], host: 'pgbouncer', port: 6432, variables: ['DB_HOST', 'DB_PORT'] },
      { kind: 'log', instances: ['php_swoole_app', 'php_swoole_app_new'], error: 'max_client_conn', count: 190 },
    ]);
    expect(codes(r)).toContain('pgbouncer_in_path_unread');
    expect(codes(r)).not.toContain('demand_exceeds_capacity');
    expect(r.recommendations.slice(0, 2).map((x) => x.code)).toEqual(['raise_max_client_conn', 'read_pgbouncer']);
    expect(r.recommendations[1]?.commands[0]?.text).toBe('DBPOOL_PGBOUNCER_URL=postgres://dbpool:<password>@pgbouncer:6432/pgbouncer');
    expect(recs(r)).not.toContain('raise_max_connections');
  });

  it('from a PostgreSQL session named like it', () => {
    const r = report(behind([], { byApplication: [{ key: 'pgbouncer', count: 5 }] }, [instance()]));
    expect(r.pgbouncer.signs).toEqual([{ kind: 'session', by: 'application', name: 'pgbouncer', count: 5 }]);
  });

  it('an app pointed straight at PostgreSQL keeps the one-layer math', () => {
    const r = report(behind([], { maxConnections: 100 }, [instance({ dbEndpoint: { host: 'db.internal', port: 5432, variables: ['DB_HOST', 'DB_PORT'] } })]));
    expect(r.pgbouncer.inPath).toBe(false);
  });
});

describe('remediation behind PgBouncer', () => {
  const idle = (pid: number) => ({ pid, user: 'app', application: 'php_swoole_app', client: '10.0.0.7', idleSeconds: 900, backendStart: '2026-11-26T08:00:00.000Z', app: true });

  it("PgBouncer's idle server connections are never offered for termination: it would reopen them", () => {
    const f = pgbouncerFacts({ serverPids: [5001, 5002] });
    const r = report(behind([pgbouncerOk(f)], { idleSessions: [idle(5001), idle(5002), idle(7000)] }));
    expect(r.recommendations.find((x) => x.code === 'terminate_idle')?.params).toMatchObject({ count: 1 });
    expect(r.findings.find((x) => x.code === 'pgbouncer_idle_servers')?.params).toMatchObject({ count: 2 });
    expect(r.findings.find((x) => x.code === 'idle_sessions_old')?.params).toMatchObject({ count: 1 });
    const planned = makePlan('terminate_idle', r, { kind: 'cli', id: 'ops' }, new Date('2026-11-26T10:00:00Z'), 15);
    expect(planned.ok && planned.plan.action === 'terminate_idle' ? planned.plan.sessions.map((s) => s.pid) : null).toEqual([7000]);
  });

  it('only PgBouncer idle servers: nothing to terminate, no button', () => {
    const f = pgbouncerFacts({ serverPids: [5001] });
    const r = report(behind([pgbouncerOk(f)], { idleSessions: [idle(5001)] }));
    expect(recs(r)).not.toContain('terminate_idle');
    expect(makePlan('terminate_idle', r, { kind: 'cli', id: 'ops' }, new Date(), 15)).toEqual({ ok: false, reason: 'nothing_to_do' });
  });
});

describe('the report in both languages', () => {
  it('shows both layers and the exact line, in English and Persian', () => {
    const r = report(behind([pgbouncerOk()], {}, app({ logs: logs(95) })));
    const en = renderText(r, { lang: 'en' });
    expect(en).toContain('Clients: 50 / max_client_conn 50 (1 on the admin console); the app\'s full pools: 240');
    expect(en).toContain('Server pools: 1 database/user pair x (pool_size 10 + reserve 0) = 10; open now: 1');
    expect(en).toContain('PostgreSQL side: server pools 10 against 56 available');
    expect(en).toContain('max_client_conn = 330');
    expect(en).not.toMatch(/Short by|ALTER SYSTEM/);
    const fa = renderText(r, { lang: 'fa' });
    expect(fa).toContain('کلاینت‌ها: ۵۰ از');
    expect(fa).toContain('max_client_conn = 330');
    expect(fa).toMatch(/به ۳۳۰ برسانید/);
  });
});

describe('never "raise max_connections" while PostgreSQL has room', () => {
  it('for any PgBouncer setup', () => {
    fc.assert(
      fc.property(
        fc.record({
          maxConnections: fc.integer({ min: 20, max: 500 }),
          connections: fc.integer({ min: 1, max: 500 }),
          maxClientConn: fc.integer({ min: 10, max: 2000 }),
          poolSize: fc.integer({ min: 1, max: 200 }),
          reserve: fc.integer({ min: 0, max: 10 }),
          waiting: fc.integer({ min: 0, max: 50 }),
          maxWait: fc.integer({ min: 0, max: 60 }),
          clients: fc.integer({ min: 1, max: 2000 }),
          appPool: fc.integer({ min: 1, max: 100 }),
          refusals: fc.integer({ min: 0, max: 100 }),
          read: fc.boolean(),
        }),
        (x) => {
          const connections = Math.min(x.connections, x.maxConnections - 3);
          const f = pgbouncerFacts({
            settings: { maxClientConn: x.maxClientConn, defaultPoolSize: x.poolSize, reservePoolSize: x.reserve },
            pool: { clientsWaiting: x.waiting, maxWaitSeconds: x.maxWait, serversActive: Math.min(x.poolSize, connections) },
            clients: Math.min(x.clients, x.maxClientConn),
          });
          const r = report(
            behind(x.read ? [pgbouncerOk(f)] : [], { maxConnections: x.maxConnections, clientConnections: connections, appConnections: connections - 1 }, app({ poolSize: { value: x.appPool, origin: 'env' }, logs: logs(x.refusals) })),
          );
          if (!r.pgbouncer.inPath) return;
          const utilization = r.math.utilization ?? 0;
          if (recs(r).includes('raise_max_connections')) expect(utilization).toBeGreaterThanOrEqual(0.75);
          expect(recs(r)).not.toContain('use_pooler');
        },
      ),
      { numRuns: 500 },
    );
  });
});
