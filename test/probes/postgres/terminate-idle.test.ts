import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresFacts } from '../../../src/core/facts.js';
import type { PostgresProbe } from '../../../src/probes/postgres/postgres-probe.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { ClientSet, connectedProbe, probeConfig, waitFor } from './probe-fixtures.js';

let server: TestPostgres;
let admin: pg.Client;
const clients = new ClientSet();
const probes: PostgresProbe[] = [];

beforeAll(async () => {
  server = await startPostgres();
  admin = await server.admin();
  await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
  await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool-pw' IN ROLE pg_monitor, pg_signal_backend`);
  await admin.query(`CREATE ROLE watcher LOGIN PASSWORD 'watcher-pw' IN ROLE pg_monitor`);
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

async function probeAs(user: string, password: string): Promise<PostgresProbe> {
  const p = await connectedProbe(probeConfig(server, { user, password }));
  probes.push(p);
  return p;
}

async function observe(p: PostgresProbe, idleMinutes: number): Promise<PostgresFacts> {
  const o = await p.observe({ idleMinutes });
  if (!o.ok) throw new Error(o.error.message);
  return o.facts;
}

async function alive(pid: number): Promise<boolean> {
  const { rows } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
  return rows.length === 1;
}

async function anyAlive(pids: number[]): Promise<boolean> {
  const { rows } = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])', [pids]);
  return rows.length > 0;
}

const pidOf = async (c: pg.Client) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
const idleFor = (ms: number) => new Promise((r) => setTimeout(r, ms));
const THRESHOLD_MINUTES = 0.01; // 0.6 s: the tests cannot wait ten minutes

describe('terminating idle sessions on a real server', () => {
  it('only idle client sessions of this database older than the threshold die; never active, in transaction, other databases or dbpool', async () => {
    const appUrl = server.url(server.database, 'app', 'app-pw');
    const idle = await Promise.all([1, 2, 3].map(() => clients.open(appUrl, 'php_swoole_app')));
    const idlePids = await Promise.all(idle.map(pidOf));
    const inTx = await clients.open(appUrl, 'php_swoole_app');
    await inTx.query('BEGIN');
    const otherDb = await clients.open(server.url('other', 'app', 'app-pw'), 'php_swoole_app');
    const busy = await clients.open(appUrl, 'cron');
    const busyPid = await pidOf(busy);
    const sleeping = busy.query('SELECT pg_sleep(30)').catch(() => undefined);
    await idleFor(1000);
    const p = await probeAs('dbpool', 'dbpool-pw');
    const facts = await observe(p, THRESHOLD_MINUTES);
    // The admin session is idle too; it is a superuser's, so dbpool may not end it.
    const planned = facts.idleSessions.filter((s) => idlePids.includes(s.pid));
    expect(planned.map((s) => s.pid).sort()).toEqual([...idlePids].sort());

    const outcomes = await p.terminateIdle(facts.idleSessions, THRESHOLD_MINUTES);
    for (const pid of idlePids) expect(outcomes.find((o) => o.pid === pid)?.outcome).toBe('terminated');
    await waitFor(async () => !(await anyAlive(idlePids)), 5000, 'the idle sessions to end');
    for (const c of [inTx, otherDb]) expect(await alive((c as unknown as { processID: number }).processID)).toBe(true);
    expect(await alive(busyPid)).toBe(true);
    expect(p.pid()).not.toBeNull();
    expect(await alive(p.pid()!)).toBe(true);
    await admin.query('SELECT pg_cancel_backend($1)', [busyPid]);
    await sleeping;
  });

  it('a pid reused since the plan (another backend_start) is never hit; a session busy again is left alone', async () => {
    const appUrl = server.url(server.database, 'app', 'app-pw');
    const [a, b] = await Promise.all([clients.open(appUrl, 'php'), clients.open(appUrl, 'php')]);
    await idleFor(1000);
    const p = await probeAs('dbpool', 'dbpool-pw');
    const facts = await observe(p, THRESHOLD_MINUTES);
    const [pidA, pidB] = [await pidOf(a), await pidOf(b)];
    // These SELECTs made both sessions busy a moment ago: b stays busy (idle again, but too recently).
    const sessionA = facts.idleSessions.find((s) => s.pid === pidA)!;
    const sessionB = facts.idleSessions.find((s) => s.pid === pidB)!;
    const reused = { ...sessionA, backendStart: new Date(Date.parse(sessionA.backendStart) + 5).toISOString() };
    const outcomes = await p.terminateIdle([reused, sessionB], THRESHOLD_MINUTES);
    expect(outcomes).toEqual([
      { pid: pidA, outcome: 'gone' },
      { pid: pidB, outcome: 'no_longer_idle' },
    ]);
    expect(await alive(pidA)).toBe(true);
    expect(await alive(pidB)).toBe(true);
  });

  it('sessions the role may not signal are reported, not silently skipped', async () => {
    const victim = await clients.open(server.url(server.database, 'app', 'app-pw'), 'php');
    await idleFor(1000);
    const p = await probeAs('watcher', 'watcher-pw'); // pg_monitor, but no pg_signal_backend
    const facts = await observe(p, THRESHOLD_MINUTES);
    const pid = await pidOf(victim);
    await idleFor(1000);
    const session = facts.idleSessions.find((s) => s.pid === pid)!;
    const [outcome] = await p.terminateIdle([session], THRESHOLD_MINUTES);
    expect(outcome).toMatchObject({ pid, outcome: 'not_permitted', detail: expect.stringMatching(/permission denied/i) });
    expect(await alive(pid)).toBe(true);
  });
});
