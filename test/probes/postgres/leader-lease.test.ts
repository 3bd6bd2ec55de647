import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/logger.js';
import { createLeaseConnection, DEFAULT_LEASE_KEY, LeaderLease } from '../../../src/probes/postgres/leader-lease.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { FakeTimer } from '../../helpers/fake-timer.js';

describe('leader lease: two replicas against one real PostgreSQL', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: server.url() });
    c.on('error', () => {}); // a killed session reports here; the lease sees the failed query
    await c.connect();
    return c;
  }

  it('exactly one leads; when its session dies the other takes over on its next try', async () => {
    const [ca, cb] = [await client(), await client()];
    const [ta, tb] = [new FakeTimer(), new FakeTimer()];
    const a = new LeaderLease({ connection: ca, retryMs: 5_000, timer: ta });
    const b = new LeaderLease({ connection: cb, retryMs: 5_000, timer: tb });
    expect(await a.tick()).toBe(true);
    expect(await b.tick()).toBe(false);
    // Repeated tries change nothing.
    expect([await a.tick(), await b.tick(), await a.tick()]).toEqual([true, false, true]);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);

    // The leader's connection dies (as if its process crashed): PostgreSQL releases the lock.
    const admin = await server.admin();
    const pidA = (await ca.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    // The timeout form waits until the backend has exited (and released its locks). A polling loop inside
    // one statement would not do: pg_stat_activity is a snapshot for the whole transaction.
    const { rows: killed } = await admin.query('SELECT pg_terminate_backend($1, 10000) AS gone', [pidA]);
    expect(killed[0].gone).toBe(true);
    expect(await b.tick()).toBe(true);
    expect(await a.tick()).toBe(false); // its next check fails: it steps down
    expect([a.isLeader(), b.isLeader()]).toEqual([false, true]);

    // The follower retries on its timer: start() arms it, stop() releases the lock for a clean hand-over.
    const cc = await client();
    const c = new LeaderLease({ connection: cc, retryMs: 5_000, timer: ta });
    c.start();
    await c.tick();
    expect(c.isLeader()).toBe(false);
    expect([...ta.pending.values()].map((p) => p.ms)).toEqual([5_000]);
    await b.stop();
    expect(b.isLeader()).toBe(false);
    ta.fireAll(); // its retry interval elapses
    expect(await c.tick()).toBe(true); // joins the check the timer started
    await c.stop();
    await admin.end();
    await Promise.all([cb.end(), cc.end(), ca.end().catch(() => {})]);
  });
});

describe('leader lease on a self-reconnecting connection', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('steps down when its session is killed and leads again after the reconnect', async () => {
    const config = loadConfig({ DATABASE_URL: server.url(), DBPOOL_CONNECT_TIMEOUT_MS: '2000' }).postgres!;
    const connection = createLeaseConnection(config, silentLogger());
    const lease = new LeaderLease({ connection, retryMs: 1_000, timer: new FakeTimer() });
    expect(await lease.tick()).toBe(true);
    const admin = await server.admin();
    await admin.query('SELECT pg_terminate_backend($1)', [connection.pid()]);
    let leader = await lease.tick();
    // The first check after the kill fails (stepping down) or already runs on the new session; either way
    // the lease ends up leading again once the connection is back, and never on a session without the lock.
    for (let i = 0; i < 50 && !leader; i++) {
      await new Promise((r) => setTimeout(r, 100));
      leader = await lease.tick();
    }
    expect(leader).toBe(true);
    const { rows } = await admin.query(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1::int4::oid AND objid = 1`,
      [DEFAULT_LEASE_KEY[0]],
    );
    expect(rows.map((r) => r.pid)).toEqual([connection.pid()]);
    await lease.stop();
    await admin.end();
    await connection.close();
  });
});
