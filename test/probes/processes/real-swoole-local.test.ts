/**
 * The local-process source (no Docker) on real Swoole servers run as this host's processes: their
 * roles, and each connection attributed to the process holding it, against pg_stat_activity and
 * what each process printed. A server on PostgreSQL's unix socket cannot be attributed from /proc:
 * it is said so, not guessed. Skips (saying why) without Swoole, unless DBPOOL_REQUIRE_SWOOLE=1.
 */
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { buildReport } from '../../../src/core/report.js';
import { silentLogger } from '../../../src/logger.js';
import { createPostgresProbe } from '../../../src/probes/postgres/postgres-probe.js';
import { createProcessInstanceSource } from '../../../src/probes/processes/process-instance-source.js';
import { activity, printedPools, stateCounts } from '../../helpers/ground-truth.js';
import { findHostPhp, localSwooleSkipReason } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { spawnSwooleApp, type SpawnedSwooleApp } from '../../helpers/spawn-app.js';
import { settings } from '../../fixtures/report-settings.js';

const skip = await localSwooleSkipReason();

describe.skipIf(skip !== null)('local Swoole processes: roles and the connections each one holds', () => {
  let server: TestPostgres;
  let admin: pg.Client;
  const apps: SpawnedSwooleApp[] = [];
  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 60 });
    admin = await server.admin();
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.stop()));
  });
  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await server?.stop();
  });

  const start = async (name: string, host: string, env: Record<string, string>, pools: number) => {
    const found = await findHostPhp();
    if ('reason' in found) throw new Error(found.reason);
    const dsn = `host=${host} port=${server.port} dbname=${server.database} user=app password=app`;
    const app = await spawnSwooleApp(found.php, { DB_DSN: dsn, APP_NAME: name, ...env }, pools);
    apps.push(app);
    return app;
  };

  it('over TCP: every connection to its process; over the unix socket: unattributed, with the reason', async () => {
    const tcp = await start('local_tcp', '127.0.0.1', { SWOOLE_WORKER_NUM: '2', SWOOLE_TASK_WORKER_NUM: '1', DB_POOL_SIZE: '3', APP_LEAK_TX: '1' }, 3);
    await start('local_unix', server.socketDir, { SWOOLE_WORKER_NUM: '1', APP_MODE: 'base', DB_POOL_SIZE: '4' }, 1);

    const config = loadConfig({ DATABASE_URL: server.url() });
    const source = createProcessInstanceSource(config.app, { onlyDescendantsOf: process.pid, databasePorts: [server.port] });
    const probe = createPostgresProbe(config.postgres!, { logger: silentLogger() });
    try {
      const [postgres, instances] = await Promise.all([probe.observe({ idleMinutes: 10 }), source.observe()]);
      const report = buildReport('status', { observedAt: new Date().toISOString(), postgres, instances: [instances] }, settings({ expectedInstances: 2 }));
      const byPid = new Map(instances.instances.map((i) => [Number(i.id.slice(4)), i]));
      const tcpInstance = byPid.get(tcp.child.pid ?? -1);
      expect(tcpInstance?.processes?.map((p) => p.role).sort()).toEqual(['manager', 'master', 'worker_or_task', 'worker_or_task', 'worker_or_task']);
      expect(report.math.instances.find((d) => d.id === tcpInstance?.id)?.demand).toBe(9);

      const rows = await activity(admin);
      const h = report.holding?.instances.find((i) => i.id === tcpInstance?.id);
      expect(h?.held).toEqual(stateCounts(rows.filter((r) => r.application_name === 'local_tcp')));
      // Local processes: the pids the app printed are this host's.
      expect(new Map(h?.processes.map((p) => [p.pid, p.backendPids]))).toEqual(printedPools(tcp.output()).byPid);

      // The single-process server on the unix socket holds 4 that /proc cannot tie to it; this test's own session is nobody's.
      const unix = report.holding?.instances.find((i) => i.id !== tcpInstance?.id);
      expect(unix?.held.total).toBe(0);
      expect(report.holding?.unattributed).toMatchObject({ unix_socket: 4, no_match: 1, total: 5 });
    } finally {
      await probe.close();
    }
  });
});
