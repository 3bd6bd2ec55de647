/**
 * Which instance and which process holds each connection, measured on real Swoole servers in
 * containers and compared with the ground truth: pg_stat_activity, and the backends each process
 * printed (pg_backend_pid() of every pooled connection). On the host's network (PostgreSQL on the
 * host), and on a user-defined bridge network with PostgreSQL in a container on it, both through
 * the processes' sockets and, with the processes out of sight, through the containers' addresses.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Attribution } from '../../../src/core/attribution.js';
import type { Finding } from '../../../src/core/findings.js';
import { buildReport } from '../../../src/core/report.js';
import { dockerSkipReason, testEngineAddress } from '../../helpers/docker-engine.js';
import { activity, innermostPid, printedPools, stateCounts, type ActivityRow } from '../../helpers/ground-truth.js';
import { dbDsn, readLog, swooleSkipReason, TestContainers, type StartedSwooleApp } from '../../helpers/php-app-containers.js';
import { startPostgresContainer } from '../../helpers/postgres-container.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { dbpoolJson, dbpoolText } from '../../helpers/run-status.js';
import { settings } from '../../fixtures/report-settings.js';
import { dockerConfig, observe } from './fixtures.js';

const skip = await dockerSkipReason(swooleSkipReason);

interface StatusJson {
  verdict: string;
  holding: Attribution;
  findings: Finding[];
  stopCandidates: { name: string }[];
  math: { totalDemand: number | null };
}

const dockerEnv = (containers: TestContainers, url: string): Record<string, string> => ({
  DATABASE_URL: url,
  DBPOOL_INSTANCE_SOURCE: 'docker',
  DBPOOL_DOCKER_HOSTS: testEngineAddress(),
  APP_CONTAINER_PATTERN: containers.pattern(),
  DBPOOL_PROBE_TIMEOUT_MS: '10000',
});

/** The instances in name order: the engine lists the newest first. */
const byName = (holding: Attribution) => [...holding.instances].sort((x, y) => x.name.localeCompare(y.name));

/** dbpool's attribution against pg_stat_activity and what each process printed. */
async function expectGroundTruth(holding: Attribution, apps: StartedSwooleApp[], rows: ActivityRow[], byProcess: boolean): Promise<void> {
  for (const app of apps) {
    const h = holding.instances.find((i) => i.name === app.name);
    const truth = rows.filter((r) => r.application_name === app.name);
    expect(h?.held, app.name).toEqual(stateCounts(truth));
    if (!byProcess) {
      expect(h).toMatchObject({ method: 'address', processes: [], withoutProcess: truth.length });
      continue;
    }
    expect(h?.method).toBe('sockets');
    // Processes that hold nothing (a pool refused by a full server) are not among the holders.
    const printed = new Map([...printedPools(await readLog(app.container)).byPid].filter(([, backends]) => backends.length > 0));
    // Each process's backends, keyed by the pid the app printed (its container's pid namespace).
    const measured = new Map(h?.processes.map((p) => [innermostPid(p.pid), p.backendPids]));
    expect(measured).toEqual(printed);
    expect(h?.withoutProcess).toBe(0);
  }
  const others = rows.filter((r) => !apps.some((a) => a.name === r.application_name));
  expect(holding.unattributed).toMatchObject({ total: others.length, no_match: others.length });
}

describe.skipIf(skip !== null)('held connections attributed to the real Swoole instance and process that hold them', () => {
  const containers = new TestContainers();
  afterEach(async () => {
    await containers.removeAll();
  });
  afterAll(async () => {
    await containers.removeAll();
  });

  describe('on the host network, PostgreSQL on the host', () => {
    let pg: TestPostgres;
    let admin: pg.Client;
    beforeAll(async () => {
      pg = await startPostgres({ maxConnections: 20, superuserReserved: 3 });
      admin = await pg.admin();
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    });
    afterAll(async () => {
      await admin?.end().catch(() => undefined);
      await pg?.stop();
    });
    const dsn = () => dbDsn({ ...pg, user: 'app', password: 'app' });

    it('two instances, one leaking transactions: per instance and per process, as pg_stat_activity and the app say', async () => {
      const roomy = await startPostgres({ maxConnections: 60 });
      const admin = await roomy.admin();
      try {
        await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
        await twoInstances(roomy, admin);
      } finally {
        await admin.end();
        await roomy.stop();
      }
    });

    async function twoInstances(pg: TestPostgres, admin: pg.Client): Promise<void> {
      const dsn = () => dbDsn({ ...pg, user: 'app', password: 'app' });
      const leaky = await containers.startSwooleApp({ name: 'php_swoole_app', dsn: dsn(), workers: 2, taskWorkers: 1, poolSize: 3, leakTransactions: 2 });
      const calm = await containers.startSwooleApp({ name: 'php_swoole_app_new', dsn: dsn(), mode: 'base', titles: 'hyperf', workers: 3, poolSize: 2 });
      const run = await dbpoolJson(['status'], { ...dockerEnv(containers, pg.url()), APP_EXPECTED_INSTANCES: '2' });
      const json = run.json as unknown as StatusJson;
      const rows = await activity(admin);
      await expectGroundTruth(json.holding, [leaky, calm], rows, true);
      expect(byName(json.holding).map((i) => [i.name, i.held.total, i.held.idleInTransaction])).toEqual([
        [leaky.name, 9, 2],
        [calm.name, 6, 0],
      ]);

      // The leaking worker is named, by its pid on this host.
      const leak = json.findings.find((f) => f.code === 'process_idle_in_transaction');
      const leakingPid = [...printedPools(await readLog(leaky.container)).byPid.entries()].find(([, backends]) =>
        rows.filter((r) => backends.includes(r.pid)).some((r) => r.state === 'idle in transaction'),
      )?.[0];
      expect(leak?.params).toMatchObject({ instance: leaky.name, role: 'worker_or_task', count: 2, held: 3 });
      expect(innermostPid((leak?.params as { pid: number }).pid)).toBe(leakingPid);

      // The instances view says it in both languages.
      const env = { ...dockerEnv(containers, pg.url()), APP_EXPECTED_INSTANCES: '2' };
      const en = (await dbpoolText(['instances', '--lang', 'en'], env)).stdout;
      expect(en).toContain('holds 9 (idle 7, active 0, idle in transaction 2), could ask for 9');
      expect(en).toContain('holds 6 (idle 6, active 0), could ask for 6');
      expect(en).toMatch(/by process: pid \S+ 3\/3 \(2 idle in transaction\)/);
      const fa = (await dbpoolText(['instances', '--lang', 'fa'], env)).stdout;
      expect(fa).toContain('۹ اتصال نگه داشته (بیکار ۷، فعال ۰، بیکار در تراکنش ۲)، می‌تواند تا ۹ بخواهد');
      const connections = (await dbpoolText(['connections', '--lang', 'en'], env)).stdout;
      expect(connections).toContain(`Held by instance: ${leaky.name} 9 · ${calm.name} 6`);
    }

    it('two instances over max_connections: CRIT, the older one the only stop candidate, the held split as measured', async () => {
      const old = await containers.startSwooleApp({ name: 'php_swoole_app', dsn: dsn(), workers: 4, poolSize: 3 });
      const fresh = await containers.startSwooleApp({ name: 'php_swoole_app_new', dsn: dsn(), workers: 4, poolSize: 3 });
      const { code, json } = await dbpoolJson(['status'], dockerEnv(containers, pg.url()));
      const status = json as unknown as StatusJson;
      expect([status.verdict, code]).toEqual(['CRIT', 2]);
      expect(status.stopCandidates.map((c) => c.name)).toEqual([old.name]);
      expect(status.math.totalDemand).toBe(24);
      expect(status.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['server_at_limit', 'demand_exceeds_capacity', 'server_full_in_logs', 'extra_instances']));
      // Issue #16: the cause first, and a first line that says what is wrong and what to do.
      expect(status.findings[0]?.code).toBe('extra_instances');
      expect((json as { headline?: unknown }).headline).toMatchObject({ cause: { code: 'server_full' }, fix: { code: 'stop_extra', running: 2, expected: 1, stop: [old.name] }, whatIf: false });
      const first = (await dbpoolText(['status', '--lang', 'en'], dockerEnv(containers, pg.url()))).stdout.split('\n')[0];
      expect(first).toMatch(new RegExp(`^CRITICAL — PostgreSQL full \\(\\d+/17\\): 2 app instances running, 1 expected → stop ${old.name}$`));
      const rows = await activity(admin);
      await expectGroundTruth(status.holding, [old, fresh], rows, true);
      // 17 usable slots: the old one filled its 12, the new one got what this test's own session left,
      // or one less: its workers connect at once, and a refused backend holds its slot until it exits.
      const [oldHeld, newHeld] = byName(status.holding).map((i) => i.held.total);
      expect(oldHeld).toBe(12);
      expect(newHeld).toBeGreaterThanOrEqual(17 - 12 - 2);
      expect(newHeld).toBeLessThanOrEqual(17 - 12 - 1);
    });
  });

  describe('on a user-defined bridge network, PostgreSQL in a container on it', () => {
    it('by the processes sockets in each container namespace, and by the containers addresses when the processes are out of sight', async () => {
      const network = await containers.createNetwork('appnet');
      const db = await startPostgresContainer(containers, { network: network.name, maxConnections: 60 });
      const admin = await db.admin();
      try {
        await admin.query(`CREATE ROLE app LOGIN`);
        const dsn = `host=${db.host} port=${db.port} dbname=${db.database} user=app`;
        const a = await containers.startSwooleApp({ name: 'php_swoole_app', dsn, network: network.name, workers: 2, taskWorkers: 2, poolSize: 3, leakTransactions: 1 });
        const b = await containers.startSwooleApp({ name: 'php_swoole_app_new', dsn, network: network.name, mode: 'base', workers: 2, poolSize: 4 });

        const { json } = await dbpoolJson(['status'], { ...dockerEnv(containers, db.url()), APP_EXPECTED_INSTANCES: '2' });
        const bySockets = (json as unknown as StatusJson).holding;
        const rows = await activity(admin);
        // The host's own session (this test's admin) comes from the bridge's gateway: nobody's here.
        await expectGroundTruth(bySockets, [a, b], rows, true);
        expect(byName(bySockets).map((i) => i.held.total)).toEqual([12, 8]);

        // A /proc that cannot vouch for the containers (dbpool in its own PID namespace): the engine's
        // top lists the processes, and the containers' addresses on the network find the instances.
        const empty = await mkdtemp(path.join(os.tmpdir(), 'dbpool-empty-proc-'));
        try {
          const config = dockerConfig(containers, { DATABASE_URL: db.url() });
          const obs = await observe(config, { procRoot: empty });
          expect(obs.instances.every((i) => i.processes?.every((p) => p.connections === undefined))).toBe(true);
          expect(obs.instances.map((i) => i.addresses)).toEqual([[expect.any(String)], [expect.any(String)]]);
          const { readPostgresFacts } = await import('../../../src/probes/postgres/read-postgres-facts.js');
          const facts = await readPostgresFacts((text, values) => admin.query(text, values), { idleMinutes: 10, host: db.host, ownApplicationName: 'dbpool' });
          const report = buildReport('status', { observedAt: new Date().toISOString(), postgres: { ok: true, facts }, instances: [obs] }, settings({ expectedInstances: 2 }));
          const rowsNow = (await activity(admin)).filter((r) => r.pid !== facts.ownPid);
          await expectGroundTruth(report.holding as Attribution, [a, b], rowsNow, false);
        } finally {
          await rm(empty, { recursive: true, force: true });
        }
      } finally {
        await admin.end();
      }
    });
  });
});
