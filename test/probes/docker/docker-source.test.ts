/**
 * The Docker instance source on a real engine, against the real Swoole app holding real connections to
 * a real PostgreSQL. Skips (saying why) without an engine, unless DBPOOL_REQUIRE_DOCKER=1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dockerSkipReason } from '../../helpers/docker-engine.js';
import { dbDsn, phpSkipReason, TestContainers } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { byRole, dockerConfig, observe } from './fixtures.js';
import { catalogFor } from '../../../src/i18n/index.js';
import { createFormatter } from '../../../src/i18n/format.js';

const skip = await dockerSkipReason(phpSkipReason);

describe.skipIf(skip !== null)('docker instance source (real engine, real Swoole app)', () => {
  let pg: TestPostgres;
  const containers = new TestContainers();

  beforeAll(async () => {
    pg = await startPostgres({ maxConnections: 60 });
  });
  afterEach(async () => {
    await containers.removeAll();
  });
  afterAll(async () => {
    await containers.removeAll();
    await pg?.stop();
  });

  it('one healthy instance: env read, workers counted, one "Worker #N starting" per worker', async () => {
    const app = await containers.startApp({
      name: 'php_swoole_app_new',
      env: { DB_POOL_SIZE: '3', SWOOLE_WORKER_NUM: '4', DB_DSN: dbDsn(pg) },
    });
    const obs = await observe(dockerConfig(containers));
    expect(obs).toMatchObject({ ok: true, source: expect.stringMatching(/^docker /) });
    expect(obs.instances).toHaveLength(1);
    const inst = obs.instances[0];
    expect(inst).toMatchObject({
      id: app.id,
      name: app.name,
      source: 'docker',
      state: 'running',
      image: 'dbpool-test-base:latest',
      poolSize: { value: 3, origin: 'env' },
      workerNum: { value: 4, origin: 'env' },
      taskWorkerNum: { value: 0, origin: 'env' },
      errors: [],
    });
    expect(byRole(inst)).toEqual({ master: 1, manager: 1, worker_or_task: 4 });
    expect(inst?.logs?.workerStarts.count).toBe(4);
    expect(Date.parse(inst?.logs?.workerStarts.lastSeen ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(inst?.logs?.serverFull.every((p) => p.count === 0)).toBe(true);
    expect(Date.parse(inst?.createdAt ?? '')).toBeGreaterThan(Date.now() - 60_000);

    // The real connections: 4 workers x 3 = 12, named after the container.
    const admin = await pg.admin();
    try {
      const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app.name]);
      expect(rows[0]?.n).toBe(12);
    } finally {
      await admin.end();
    }
  });

  it('no pool variables: unknown with a reason, or the configured fallback labelled as such', async () => {
    await containers.startApp({ name: 'php_swoole_bare', env: { DB_DSN: dbDsn(pg) }, workers: 2 });
    const unknown = (await observe(dockerConfig(containers))).instances[0];
    expect(unknown?.poolSize).toEqual({ value: null, origin: 'unknown', reason: 'DB_POOL_SIZE is not set' });
    expect(unknown?.workerNum).toEqual({ value: null, origin: 'unknown', reason: 'SWOOLE_WORKER_NUM is not set' });
    // The app's built-in default of 2 workers is still measured.
    expect(byRole(unknown)).toEqual({ master: 1, manager: 1, worker_or_task: 2 });

    const fallback = (await observe(dockerConfig(containers, { APP_POOL_SIZE_FALLBACK: '5', APP_WORKER_NUM_FALLBACK: '2' }))).instances[0];
    expect(fallback?.poolSize).toEqual({ value: 5, origin: 'fallback' });
    expect(fallback?.workerNum).toEqual({ value: 2, origin: 'fallback' });
  });

  it('a stopped container is not counted; one outside the name pattern is ignored; a label selects', async () => {
    const stopped = await containers.startApp({ name: 'php_swoole_app', env: { DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '1', DB_DSN: dbDsn(pg) } });
    await containers.stop(stopped);
    const running = await containers.startApp({ name: 'php_swoole_app_new', env: { DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '1', DB_DSN: dbDsn(pg) } });
    await containers.startCommand({ name: 'redis', cmd: ['sleep', '3600'] });
    const labelled = await containers.startCommand({ name: 'worker-sidecar', cmd: ['sleep', '3600'], labels: { 'com.example.app': `madras-${containers.runId}` } });

    const obs = await observe(dockerConfig(containers));
    expect(obs.instances.map((i) => i.name)).toEqual([running.name]);

    const withLabel = await observe(dockerConfig(containers, { APP_CONTAINER_LABEL: `com.example.app=madras-${containers.runId}` }));
    expect(withLabel.instances.map((i) => i.name).sort()).toEqual([running.name, labelled.name].sort());
  });

  it('top works but no process matches: an empty process list and a not_found error naming the container', async () => {
    const c = await containers.startCommand({ name: 'php_swoole_idle', cmd: ['sleep', '3600'], env: { DB_POOL_SIZE: '10', SWOOLE_WORKER_NUM: '4' } });
    const inst = (await observe(dockerConfig(containers))).instances[0];
    expect(inst?.processes).toEqual([]);
    expect(inst?.poolSize).toEqual({ value: 10, origin: 'env' });
    expect(inst?.errors).toHaveLength(1);
    expect(inst?.errors[0]).toMatchObject({ kind: 'not_found', source: expect.stringContaining(c.name) });
    // The container's own command lines, and a hint the catalogs say: which pattern matched none of how many.
    expect(inst?.errors[0]?.message).toMatch(/sleep 3600/);
    expect(inst?.errors[0]?.hint).toMatchObject({ code: 'no_matching_process', pattern: 'php.*server\\.php', count: expect.any(Number) });
    const hint = inst?.errors[0]?.hint;
    expect(hint && catalogFor('en').hint[hint.code](hint, createFormatter('en'))).toMatch(/no process matches \/php\.\*server\\\.php\/ \(APP_PROCESS_PATTERN\) among the container's \d+, listed by (top|exec|host-proc)/);
  });

  it('Hyperf titles with a manager and task workers, the same by /proc, by top and by ps inside the container', async () => {
    await containers.startApp({
      name: 'php_swoole_hyperf',
      env: { DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '2', SWOOLE_TASK_WORKER_NUM: '1', APP_TITLE_STYLE: 'hyperf', DB_DSN: dbDsn(pg) },
    });
    const expected = { master: 1, manager: 1, worker: 2, task_worker: 1 };
    const viaProc = (await observe(dockerConfig(containers))).instances[0];
    expect(byRole(viaProc)).toEqual(expected);
    expect(viaProc?.taskWorkerNum).toEqual({ value: 1, origin: 'env' });
    const viaTop = (await observe(dockerConfig(containers), { hostProc: false, processListing: 'top' })).instances[0];
    expect(viaTop?.processes).toEqual(viaProc?.processes);
    const viaExec = (await observe(dockerConfig(containers), { hostProc: false, processListing: 'exec' })).instances[0];
    expect(byRole(viaExec)).toEqual(expected);
    expect(viaExec?.errors).toEqual([]);
  });

  it('a /proc that cannot vouch for the container (another PID namespace) falls back to the engine', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'dbpool-empty-proc-'));
    try {
      await containers.startApp({ name: 'php_swoole_app_new', env: { DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '3', DB_DSN: dbDsn(pg) } });
      const inst = (await observe(dockerConfig(containers), { procRoot: empty })).instances[0];
      expect(byRole(inst)).toEqual({ master: 1, manager: 1, worker_or_task: 3 });
      expect(inst?.errors).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('Octane titles are told apart as well', async () => {
    await containers.startApp({
      name: 'php_swoole_octane',
      env: { DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '2', APP_TITLE_STYLE: 'octane', DB_DSN: dbDsn(pg) },
    });
    const inst = (await observe(dockerConfig(containers))).instances[0];
    expect(byRole(inst)).toEqual({ master: 1, manager: 1, worker: 2 });
    expect(inst?.processes?.find((p) => p.role === 'master')?.command).toMatch(/^swoole_http_server: master process for /);
  });
});
