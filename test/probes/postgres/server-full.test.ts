import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { classifyPostgresError } from '../../../src/probes/postgres/classify-error.js';
import { createPostgresProbe, type PostgresProbe } from '../../../src/probes/postgres/postgres-probe.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { ClientSet, connectedProbe, probeConfig } from './probe-fixtures.js';

/**
 * The incident itself: 12 slots, 3 for superusers, 2 for pg_use_reserved_connections (PostgreSQL 16+),
 * so an ordinary role gets 7. The app takes what is left until the server refuses it; a role with
 * pg_use_reserved_connections, then a superuser, take the rest until "too many clients already".
 */
const MAX = 12;
const SUPERUSER_RESERVED = 3;
const RESERVED = 2;

let server: TestPostgres;
const clients = new ClientSet();
const probes: PostgresProbe[] = [];
let monitor: PostgresProbe;
const refusals: Record<'app' | 'ops' | 'superuser', unknown> = { app: null, ops: null, superuser: null };

beforeAll(async () => {
  server = await startPostgres({ maxConnections: MAX, superuserReserved: SUPERUSER_RESERVED, reserved: RESERVED });
  const admin = await server.admin();
  try {
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
    await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool-pw' IN ROLE pg_monitor`);
    await admin.query(`CREATE ROLE ops LOGIN PASSWORD 'ops-pw' IN ROLE pg_use_reserved_connections`);
  } finally {
    await admin.end();
  }
  // dbpool connects before the incident, as in production, with the least privilege it needs.
  monitor = await connectedProbe(probeConfig(server, { user: 'dbpool', password: 'dbpool-pw' }), { appDbUser: 'app' });
  probes.push(monitor);

  await flood();
});

/** The app, then ops, then a superuser take every slot they may, until each is refused. */
async function flood(): Promise<void> {
  refusals.app = (await clients.fill(server.url(server.database, 'app', 'app-pw'), 'php_swoole_app')).refusal;
  refusals.ops = (await clients.fill(server.url(server.database, 'ops', 'ops-pw'), 'ops')).refusal;
  refusals.superuser = (await clients.fill(server.url(server.database), 'psql')).refusal;
}

afterAll(async () => {
  await Promise.all(probes.map((p) => p.close()));
  await clients.closeAll();
  await server?.stop();
});

describe('a full server', () => {
  it('refuses new connections with each of its "full" messages, all classified server_full', () => {
    const target = { host: server.host, port: server.port, database: server.database, password: server.password };
    expect(String(refusals.app)).toMatch(/remaining connection slots are reserved for roles with privileges of the "pg_use_reserved_connections" role/);
    expect(String(refusals.ops)).toMatch(/remaining connection slots are reserved for roles with the SUPERUSER attribute/);
    expect(String(refusals.superuser)).toMatch(/sorry, too many clients already/);
    for (const refusal of Object.values(refusals)) {
      expect(classifyPostgresError(refusal, target)).toMatchObject({ kind: 'server_full', code: '53300' });
    }
  });

  it('still reports through the monitoring connection opened before the flood', async () => {
    const observation = await monitor.observe({ idleMinutes: 10 });
    if (!observation.ok) throw new Error(`observation failed: ${observation.error.message}`);
    const f = observation.facts;
    expect(f.clientConnections).toBe(MAX);
    expect(f.databaseConnections).toBe(MAX);
    expect(f.maxConnections).toBe(MAX);
    expect(f.superuserReservedConnections).toBe(SUPERUSER_RESERVED);
    expect(f.reservedConnections).toBe(RESERVED);
    expect(f.appConnections).toBe(MAX - SUPERUSER_RESERVED - RESERVED - 1); // the 1 is dbpool
    expect(f.byUser).toEqual([
      { key: 'app', count: 6 },
      { key: 'postgres', count: 3 },
      { key: 'ops', count: 2 },
      { key: 'dbpool', count: 1 },
    ]);
    expect(f.statesVisible).toBe(true);
    expect(f.states.idle).toBe(MAX - 1);
  });

  it('says server_full when the probe itself cannot get in', async () => {
    for (const [user, password] of [
      ['dbpool', 'dbpool-pw'],
      ['postgres', server.password],
    ]) {
      const late = createPostgresProbe(probeConfig(server, { user, password }), { logger: silentLogger() });
      probes.push(late);
      late.start();
      const observation = await late.observe({ idleMinutes: 10 });
      expect(observation).toMatchObject({
        ok: false,
        database: server.database,
        host: `${server.host}:${server.port}`,
        error: { kind: 'server_full', code: '53300', source: `postgres ${server.host}:${server.port}/${server.database}` },
      });
      expect(late.isConnected()).toBe(false);
      expect(late.pid()).toBeNull();
      await late.close();
    }
  });

  it('gets the monitoring connection back once a slot frees up', async () => {
    const late = createPostgresProbe(probeConfig(server, { user: 'dbpool', password: 'dbpool-pw' }), {
      logger: silentLogger(),
      backoff: { initialMs: 50, maxMs: 200 },
    });
    probes.push(late);
    late.start();
    expect((await late.observe({ idleMinutes: 10 })).ok).toBe(false);
    await clients.closeAll();
    const deadline = Date.now() + 10_000;
    while (!late.isConnected() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(late.isConnected()).toBe(true); // by itself, through the backoff retries
    expect((await late.observe({ idleMinutes: 10 })).ok).toBe(true);
    // The incident as it was, for the tests that run after this one.
    await late.close();
    await flood();
  });
});

