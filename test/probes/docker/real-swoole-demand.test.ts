/**
 * Real Swoole 6 servers (test/fixtures/swoole-app/server.php) in containers, each filling a
 * Swoole\Database\PDOPool per worker, task worker and custom process: `dbpool status --json` must
 * count every pool process once, so that full pools are exactly the demand, and a healthy server
 * must get a healthy verdict. Skips (saying why) without Docker or Swoole, unless required.
 */
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dockerSkipReason, testEngineAddress } from '../../helpers/docker-engine.js';
import { dbDsn, swooleSkipReason, TestContainers, waitForLog, type SwooleAppSpec } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { dbpoolJson } from '../../helpers/run-status.js';

const skip = await dockerSkipReason(swooleSkipReason);

interface Json {
  verdict: string;
  math: { totalDemand: number | null; instances: { name: string; holders: number; demand: number; workers: number; taskWorkers: number; untold: number; customProcesses: number }[] };
  findings: { code: string; severity: string }[];
  facts: { instances: { instances: { name: string; processes: { role: string }[] | null }[] }[] };
}

describe.skipIf(skip !== null)('real Swoole servers: pool processes counted once, demand = what full pools hold', () => {
  let pg: TestPostgres;
  let admin: pg.Client;
  const containers = new TestContainers();
  const status = async (env: Record<string, string> = {}) => {
    const run = await dbpoolJson(['status'], {
      DATABASE_URL: pg.url(),
      DBPOOL_INSTANCE_SOURCE: 'docker',
      DBPOOL_DOCKER_HOSTS: testEngineAddress(),
      APP_CONTAINER_PATTERN: containers.pattern(),
      APP_DB_USER: 'app',
      DBPOOL_PROBE_TIMEOUT_MS: '10000',
      ...env,
    });
    return { code: run.code, json: run.json as unknown as Json };
  };
  /** pg_stat_activity's count for one app, once it stops changing towards `expected`. */
  const held = async (name: string, expected: number): Promise<number> => {
    const count = async () =>
      (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0]?.n ?? 0;
    // A killed worker's backends leave a moment after it: wait for the positive signal, or time out with the last count.
    const deadline = Date.now() + 10_000;
    let n = await count();
    while (n !== expected && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      n = await count();
    }
    return n;
  };
  const app = (name: string, spec: Omit<SwooleAppSpec, 'name' | 'dsn'>) =>
    containers.startSwooleApp({ name, dsn: dbDsn({ ...pg, user: 'app', password: 'app' }), ...spec });
  const roles = (j: Json) => {
    const counts: Record<string, number> = {};
    for (const p of j.facts.instances[0]?.instances[0]?.processes ?? []) counts[p.role] = (counts[p.role] ?? 0) + 1;
    return counts;
  };
  const codes = (j: Json) => j.findings.map((f) => f.code);

  beforeAll(async () => {
    pg = await startPostgres({ maxConnections: 100 });
    admin = await pg.admin();
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
  });
  afterEach(async () => {
    await containers.removeAll();
  });
  afterAll(async () => {
    await containers.removeAll();
    await admin?.end().catch(() => undefined);
    await pg?.stop();
  });

  it("the issue's server: SWOOLE_PROCESS, 4 workers + 2 task workers, pool 5, no titles: 30, healthy", async () => {
    const a = await app('php_swoole_app', { workers: 4, taskWorkers: 2, poolSize: 5 });
    expect(await held(a.name, 30)).toBe(30);
    const { code, json } = await status();
    expect(roles(json)).toEqual({ master: 1, manager: 1, worker_or_task: 6 });
    expect(json.math.totalDemand).toBe(30);
    expect(json.math.instances[0]).toMatchObject({ holders: 6, untold: 6 });
    expect(json.findings).toEqual([]);
    expect([json.verdict, code]).toEqual(['OK', 0]);
  });

  it('SWOOLE_BASE: the manager is the first process, not a master; same demand', async () => {
    const a = await app('php_swoole_app', { mode: 'base', workers: 4, taskWorkers: 2, poolSize: 5 });
    expect(await held(a.name, 30)).toBe(30);
    const { json } = await status();
    expect(roles(json)).toEqual({ manager: 1, worker_or_task: 6 });
    expect(json.math.totalDemand).toBe(30);
    expect([json.verdict, codes(json)]).toEqual(['OK', []]);
  });

  it('SWOOLE_BASE with one worker: a single process that is the worker', async () => {
    const a = await app('php_swoole_app', { mode: 'base', workers: 1, poolSize: 4 });
    expect(await held(a.name, 4)).toBe(4);
    const { json } = await status();
    expect(roles(json)).toEqual({ single: 1 });
    expect(json.math.totalDemand).toBe(4);
    expect([json.verdict, codes(json)]).toEqual(['OK', []]);
  });

  it('no task workers (SWOOLE_TASK_WORKER_NUM unset): the children of the manager are the workers', async () => {
    const a = await app('php_swoole_app', { workers: 3, poolSize: 5 });
    expect(await held(a.name, 15)).toBe(15);
    const { json } = await status();
    expect(json.math.instances[0]).toMatchObject({ workers: 3, untold: 0, holders: 3, demand: 15 });
    expect([json.verdict, codes(json)]).toEqual(['OK', []]);
  });

  it.each([
    ['hyperf', 'process', { master: 1, manager: 1, worker: 3, task_worker: 2 }],
    ['octane', 'process', { master: 1, manager: 1, worker: 3, task_worker: 2 }],
    ['hyperf', 'base', { manager: 1, worker: 3, task_worker: 2 }],
  ] as const)('%s titles (%s mode): workers and task workers told apart', async (titles, mode, expected) => {
    const a = await app('php_swoole_app', { titles, mode, workers: 3, taskWorkers: 2, poolSize: 4 });
    expect(await held(a.name, 20)).toBe(20);
    const { json } = await status();
    expect(roles(json)).toEqual(expected);
    expect(json.math.instances[0]).toMatchObject({ workers: 3, taskWorkers: 2, untold: 0, demand: 20 });
    expect([json.verdict, codes(json)]).toEqual(['OK', []]);
  });

  it('swoole_set_process_name titles and an addProcess() with its own pool: the custom process counts as a pool', async () => {
    const a = await app('php_swoole_app', { titles: 'named', userProcess: true, workers: 2, taskWorkers: 1, poolSize: 4 });
    expect(await held(a.name, 16)).toBe(16);
    // The titles no longer say php server.php: the pattern names them, as an operator would set it.
    const { json } = await status({ APP_PROCESS_PATTERN: `^${a.name}: ` });
    expect(roles(json)).toEqual({ master: 1, manager: 1, worker: 2, task_worker: 1, custom: 1 });
    expect(json.math.instances[0]).toMatchObject({ customProcesses: 1, holders: 4, demand: 16 });
    expect([json.verdict, codes(json)]).toEqual(['OK', []]);
  });

  it('an untitled addProcess(): one more pool process than configured is a note, not "workers may be crashing"', async () => {
    const a = await app('php_swoole_app', { userProcess: true, workers: 2, taskWorkers: 1, poolSize: 4 });
    expect(await held(a.name, 16)).toBe(16);
    const { json } = await status();
    expect(json.math.totalDemand).toBe(16);
    expect(json.findings).toEqual([expect.objectContaining({ code: 'pool_processes_mismatch', severity: 'info' })]);
    expect(json.verdict).toBe('OK');
  });

  it('max_request restarts: the replaced workers fill new pools, the old ones are gone, demand still = held', async () => {
    const a = await app('php_swoole_app', { workers: 2, taskWorkers: 1, poolSize: 3, maxRequest: 2 });
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`http://127.0.0.1:${a.port}/query`, { headers: { connection: 'close' } });
      expect(await res.text()).toBe('1');
    }
    // 3 pools at start, then at least one refilled by a replacement worker.
    await waitForLog(a.container, / holds \d+ of \d+ connections/, 4, 10_000);
    expect(await held(a.name, 9)).toBe(9);
    const { json } = await status();
    expect(json.math.totalDemand).toBe(9);
    expect(codes(json)).not.toContain('workers_mismatch');
    expect(json.verdict).toBe('OK');
  });

  it('a worker that crashes is restarted by the manager: its pool refilled, no false alarm', async () => {
    const a = await app('php_swoole_app', { workers: 3, taskWorkers: 1, poolSize: 3, crashOnce: true });
    expect(await held(a.name, 12)).toBe(12);
    const { json } = await status();
    expect(roles(json)).toEqual({ master: 1, manager: 1, worker_or_task: 4 });
    expect(json.math.totalDemand).toBe(12);
    expect([json.verdict, codes(json)]).toEqual(['OK', []]);
  });
});
