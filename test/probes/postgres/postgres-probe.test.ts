import net from 'node:net';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresFacts, PostgresObservation } from '../../../src/core/facts.js';
import { silentLogger } from '../../../src/logger.js';
import { createPostgresProbe, type PostgresProbe } from '../../../src/probes/postgres/postgres-probe.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { ClientSet, connectedProbe, probeConfig, waitFor } from './probe-fixtures.js';

let server: TestPostgres;
let admin: pg.Client;
const clients = new ClientSet();
const probes: PostgresProbe[] = [];

beforeAll(async () => {
  server = await startPostgres();
  admin = await server.admin();
  await admin.query(`SET application_name = 'test-admin'`);
  await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
  await admin.query(`CREATE ROLE worker LOGIN PASSWORD 'worker-pw'`);
  await admin.query(`CREATE ROLE plain LOGIN PASSWORD 'plain-pw'`);
  await admin.query(`CREATE DATABASE other`);
});

afterEach(async () => {
  await Promise.all(probes.splice(0).map((p) => p.close()));
  await clients.closeAll();
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await server?.stop();
});

function facts(observation: PostgresObservation): PostgresFacts {
  if (!observation.ok) throw new Error(`observation failed: ${observation.error.kind} ${observation.error.message}`);
  return observation.facts;
}

async function probe(overrides: Parameters<typeof probeConfig>[1] = {}, options: Parameters<typeof connectedProbe>[1] = {}) {
  const p = await connectedProbe(probeConfig(server, overrides), options);
  probes.push(p);
  return p;
}

async function stateOf(pid: number): Promise<string | null> {
  const { rows } = await admin.query<{ state: string | null }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid]);
  return rows[0]?.state ?? null;
}

async function backendPid(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]!.pid;
}

describe('PostgreSQL probe against a real server', () => {
  it('counts real sessions in each state, per application and user', async () => {
    const appUrl = server.url(server.database, 'app', 'app-pw');
    const workerUrl = server.url(server.database, 'worker', 'worker-pw');
    for (let i = 0; i < 3; i++) await clients.open(appUrl, 'php_swoole_app'); // idle
    for (let i = 0; i < 2; i++) await (await clients.open(appUrl, 'php_swoole_app')).query('BEGIN'); // idle in transaction
    const aborted = await clients.open(workerUrl, 'cron');
    await aborted.query('BEGIN');
    await expect(aborted.query('SELECT 1/0')).rejects.toThrow(/division by zero/);
    const busy = await clients.open(workerUrl, 'cron');
    const busyPid = await backendPid(busy);
    const sleeping = busy.query('SELECT pg_sleep(60)').catch((err: Error) => err);
    await waitFor(async () => (await stateOf(busyPid)) === 'active', 5_000, 'the pg_sleep session');
    for (let i = 0; i < 2; i++) await clients.open(server.url('other', 'app', 'app-pw'), 'php_swoole_app'); // another database

    try {
      const p = await probe();
      const f = facts(await p.observe({ idleMinutes: 10 }));
      // In madras: 3 idle + 2 in transaction + 1 aborted + 1 sleeping + test-admin (idle) + dbpool (active).
      expect(f.database).toBe('madras');
      expect(f.databaseConnections).toBe(9);
      expect(f.clientConnections).toBe(11);
      expect(f.ownConnections).toBe(1); // dbpool's monitoring connection, shown apart from the usage
      expect(f.backgroundProcesses).toBeGreaterThan(0);
      expect(f.states).toEqual({ active: 2, idle: 4, idleInTransaction: 2, idleInTransactionAborted: 1, other: 0, hidden: 0 });
      expect(f.statesVisible).toBe(true);
      expect(f.byApplication).toEqual([
        { key: 'php_swoole_app', count: 5 },
        { key: 'cron', count: 2 },
        { key: 'dbpool', count: 1 },
        { key: 'test-admin', count: 1 },
      ]);
      expect(f.byUser).toEqual([
        { key: 'app', count: 5 },
        { key: 'postgres', count: 2 },
        { key: 'worker', count: 2 },
      ]);
      expect(f.byClient).toEqual([{ key: '127.0.0.1', count: 9 }]);
      expect(f.appConnections).toBe(8); // everything in madras but dbpool
      expect(f.ownPid).toBe(p.pid());
      expect(f.maxConnections).toBe(100);
      expect(f.superuserReservedConnections).toBe(3);
      expect(f.reservedConnections).toBe(0);
      expect(f.serverVersionNum).toBeGreaterThanOrEqual(180000);
      expect(f.serverVersion).toMatch(/^18\./);
      expect(f.host).toBe(`${server.host}:${server.port}`);
      expect(f.oldestIdleSeconds).toBeGreaterThanOrEqual(0);
      expect(f.oldestIdleInTransactionSeconds).toBeGreaterThanOrEqual(0);
      expect(f.idleSessions).toEqual([]); // nobody has been idle for 10 minutes

      // Callers asking at the same time share one query.
      const [first, second] = await Promise.all([p.observe({ idleMinutes: 10 }), p.observe({ idleMinutes: 10 })]);
      expect(second).toBe(first);

      const byUser = await probe({}, { appDbUser: 'app' });
      expect(facts(await byUser.observe({ idleMinutes: 10 })).appConnections).toBe(5);
      const byName = await probe({}, { appApplicationName: 'cron' });
      expect(facts(await byName.observe({ idleMinutes: 10 })).appConnections).toBe(2);
      const byBoth = await probe({}, { appDbUser: 'app', appApplicationName: 'cron' });
      expect(facts(await byBoth.observe({ idleMinutes: 10 })).appConnections).toBe(0);
    } finally {
      await admin.query('SELECT pg_cancel_backend($1)', [busyPid]);
      expect(String(await sleeping)).toMatch(/canceling statement/);
    }
  });

  it('lists sessions idle longer than the threshold, oldest first, never dbpool itself', async () => {
    const appUrl = server.url(server.database, 'app', 'app-pw');
    const oldest = await clients.open(appUrl, 'php_swoole_app');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const older = await clients.open(appUrl, 'php_swoole_app');
    const otherDbpool = await clients.open(appUrl, 'dbpool'); // another dbpool process: not the app's
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // past 0.02 minutes = 1.2 s
    const fresh = await clients.open(appUrl, 'php_swoole_app');
    const busy = await clients.open(appUrl, 'php_swoole_app');
    const busyPid = await backendPid(busy);
    const sleeping = busy.query('SELECT pg_sleep(60)').catch((err: Error) => err);
    await waitFor(async () => (await stateOf(busyPid)) === 'active', 5_000, 'the pg_sleep session');

    try {
      const p = await probe();
      await new Promise((resolve) => setTimeout(resolve, 800)); // dbpool's own connection is idle now too
      const freshPid = await backendPid(fresh); // idle again, but only since this very query
      const f = facts(await p.observe({ idleMinutes: 0.02 }));
      const pids = f.idleSessions.map((s) => s.pid);
      expect(pids).toContain(await backendPid(oldest));
      expect(pids).toContain(await backendPid(older));
      expect(pids.indexOf(await backendPid(oldest))).toBeLessThan(pids.indexOf(await backendPid(older)));
      expect(pids).not.toContain(freshPid);
      expect(pids).not.toContain(busyPid);
      expect(pids).not.toContain(p.pid());
      expect(pids).not.toContain(await backendPid(otherDbpool));
      expect(f.idleMinutes).toBe(0.02);
      for (const s of f.idleSessions) expect(s.idleSeconds).toBeGreaterThanOrEqual(1.2);
      const first = f.idleSessions.find((s) => s.pid === pids[0]);
      expect(first).toMatchObject({ user: expect.any(String), client: '127.0.0.1' });
      expect(Number.isNaN(Date.parse(first!.backendStart))).toBe(false);
      const seconds = f.idleSessions.map((s) => s.idleSeconds);
      expect([...seconds].sort((a, b) => b - a)).toEqual(seconds);
    } finally {
      await admin.query('SELECT pg_cancel_backend($1)', [busyPid]);
      await sleeping;
    }
  });

  it('says the states are hidden without pg_monitor, and sees them with it', async () => {
    const appUrl = server.url(server.database, 'app', 'app-pw');
    for (let i = 0; i < 3; i++) await clients.open(appUrl, 'php_swoole_app');
    const p = await probe({ user: 'plain', password: 'plain-pw' }, { appDbUser: 'app' });

    const hidden = facts(await p.observe({ idleMinutes: 10 }));
    expect(hidden.statesVisible).toBe(false);
    // Everything in madras but dbpool's own session (3 app + test-admin) is hidden from "plain".
    expect(hidden.databaseConnections).toBe(5);
    expect(hidden.states).toEqual({ active: 1, idle: 0, idleInTransaction: 0, idleInTransactionAborted: 0, other: 0, hidden: 4 });
    expect(hidden.appConnections).toBe(3); // user names stay visible
    expect(hidden.byClient).toContainEqual({ key: 'hidden', count: 4 });

    await admin.query('GRANT pg_monitor TO plain');
    try {
      const visible = facts(await p.observe({ idleMinutes: 10 }));
      expect(visible.statesVisible).toBe(true);
      expect(visible.states).toEqual({ active: 1, idle: 4, idleInTransaction: 0, idleInTransactionAborted: 0, other: 0, hidden: 0 });
      expect(visible.backgroundProcesses).toBe(hidden.backgroundProcesses);
      expect(visible.clientConnections).toBe(hidden.clientConnections);
    } finally {
      await admin.query('REVOKE pg_monitor FROM plain');
    }
  });

  it('reports a wrong password and a missing database as such', async () => {
    const wrong = createPostgresProbe(probeConfig(server, { password: 'not-the-password' }), { logger: silentLogger() });
    probes.push(wrong);
    wrong.start();
    const denied = await wrong.observe({ idleMinutes: 10 });
    expect(denied).toMatchObject({ ok: false, error: { kind: 'auth_failed', code: '28P01' }, database: 'madras' });
    expect(JSON.stringify(denied)).not.toContain('not-the-password');

    const missing = createPostgresProbe(probeConfig(server, { database: 'nope' }), { logger: silentLogger() });
    probes.push(missing);
    expect(await missing.observe({ idleMinutes: 10 })).toMatchObject({ ok: false, error: { kind: 'not_found', code: '3D000' } });
  });
});

describe('PostgreSQL probe against a server that does not answer', () => {
  it('times out on a server that accepts and never answers', async () => {
    const sockets = new Set<net.Socket>();
    const hanging = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    hanging.listen(0, '127.0.0.1');
    await new Promise((resolve) => hanging.once('listening', resolve));
    const { port } = hanging.address() as net.AddressInfo;
    const p = createPostgresProbe(probeConfig({ host: '127.0.0.1', port, database: 'madras' }, { connectTimeoutMs: 500, statementTimeoutMs: 500 }), {
      logger: silentLogger(),
    });
    probes.push(p);
    try {
      p.start();
      const observation = await p.observe({ idleMinutes: 10 });
      expect(observation).toMatchObject({ ok: false, error: { kind: 'timeout', source: `postgres 127.0.0.1:${port}/madras` } });
      expect(p.isConnected()).toBe(false);
    } finally {
      await p.close();
      for (const s of sockets) s.destroy();
      hanging.close();
    }
  });

  it('times out when the socket hangs after connecting, then connects afresh', async () => {
    const proxy = await freezableProxy(server.port);
    try {
      const p = await probe({ host: '127.0.0.1', port: proxy.port, connectTimeoutMs: 1_000, statementTimeoutMs: 1_000 });
      expect(facts(await p.observe({ idleMinutes: 10 })).ownPid).toBe(p.pid());
      proxy.freeze();
      const frozen = await p.observe({ idleMinutes: 10 });
      expect(frozen).toMatchObject({ ok: false, error: { kind: 'timeout' } });
      proxy.thaw();
      await waitFor(() => p.isConnected(), 10_000, 'a fresh monitoring connection');
      expect((await p.observe({ idleMinutes: 10 })).ok).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

/** A TCP proxy to the real server that can stop passing bytes, like a network that silently drops. */
async function freezableProxy(targetPort: number) {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
  });
  proxy.listen(0, '127.0.0.1');
  await new Promise((resolve) => proxy.once('listening', resolve));
  return {
    port: (proxy.address() as net.AddressInfo).port,
    freeze: () => (frozen = true),
    thaw: () => (frozen = false),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
