/**
 * What attributing every connection to its instance and process costs: 1,000 real sessions held by
 * real Swoole servers running as local processes (PDOPool per worker), split over 2 and then 20
 * instances. Measured in this process: the /proc socket scan alone, the pure attribution alone, and
 * a whole `status` diagnosis (PostgreSQL probe + local-process source + report) with and without
 * the scan. Goal: a status stays under 50 ms in process.
 * Alone: npx tsx bench/attribution.bench.ts
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import { attributeConnections } from '../src/core/attribution.js';
import { createDiagnoser } from '../src/diagnosis/diagnose.js';
import { silentLogger } from '../src/logger.js';
import { createPostgresProbe } from '../src/probes/postgres/postgres-probe.js';
import { createSocketReader } from '../src/probes/proc-sockets.js';
import { createProcessInstanceSource } from '../src/probes/processes/process-instance-source.js';
import { findHostPhp, swooleUnavailable } from '../test/helpers/php-app-containers.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { SWOOLE_APP_SCRIPT, spawnSwooleApp, type SpawnedSwooleApp } from '../test/helpers/spawn-app.js';

const SESSIONS = 1_000;
const WORKERS = 5;
const RUNS = 15;

type Figure = { name: string; value: string };

export async function benchAttribution(): Promise<Figure[]> {
  const noSwoole = await swooleUnavailable();
  if (noSwoole) return [{ name: 'skipped', value: noSwoole }];
  const php = await findHostPhp();
  if ('reason' in php) return [{ name: 'skipped', value: php.reason }];

  const figures: Figure[] = [];
  const server = await startPostgres({ maxConnections: SESSIONS + 50 });
  // The app's script under a path of its own: a process pattern that is this bench's servers only,
  // as APP_PROCESS_PATTERN is in production (no descendant filter, which would read every process).
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-bench-app-'));
  const script = path.join(dir, 'server.php');
  try {
    await copyFile(SWOOLE_APP_SCRIPT, script);
    const admin = await server.admin();
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    await admin.end();
    for (const instances of [2, 20]) figures.push(...(await measure(server, php.php, script, instances)));
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  figures.push({ name: 'peak RSS (this process)', value: `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB` });
  return figures;
}

async function measure(server: Awaited<ReturnType<typeof startPostgres>>, php: string, script: string, instances: number): Promise<Figure[]> {
  const poolSize = SESSIONS / instances / WORKERS;
  const apps: SpawnedSwooleApp[] = [];
  const tag = `${instances} instances`;
  try {
    const t0 = performance.now();
    const dsn = `host=${server.host} port=${server.port} dbname=${server.database} user=app password=app`;
    // A few at a time: 20 servers filling their pools at once would only measure the 2 CPUs.
    for (let i = 0; i < instances; i += 4) {
      const batch = Array.from({ length: Math.min(4, instances - i) }, (_, j) =>
        spawnSwooleApp(php, { DB_DSN: dsn, APP_NAME: `bench_app_${i + j}`, SWOOLE_WORKER_NUM: String(WORKERS), DB_POOL_SIZE: String(poolSize) }, WORKERS, 120_000, script),
      );
      apps.push(...(await Promise.all(batch)));
    }
    const startMs = performance.now() - t0;

    const pattern = `php.*${script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    const env = { DATABASE_URL: server.url(), DBPOOL_INSTANCE_SOURCE: 'process', APP_PROCESS_PATTERN: pattern, APP_EXPECTED_INSTANCES: String(instances) };
    const config = loadConfig(env);
    const postgres = createPostgresProbe(config.postgres!, { logger: silentLogger() });
    postgres.start();
    const source = (ports: number[]) => createProcessInstanceSource(config.app, { databasePorts: ports });
    const withScan = { postgres, instanceSources: [source([server.port])], now: () => new Date(), sourceTimeoutMs: 10_000 };
    const withoutScan = { ...withScan, instanceSources: [source([])] };
    const diagnoseWith = createDiagnoser(withScan, config);
    const diagnoseWithout = createDiagnoser(withoutScan, config);
    try {
      const statusWith = await timed(() => diagnoseWith.diagnose('status'));
      const statusWithout = await timed(() => diagnoseWithout.diagnose('status'));
      const report = await diagnoseWith.diagnose('status');
      const running = report.facts.instances.flatMap((s) => s.instances);
      const pids = running.flatMap((i) => i.processes?.map((p) => p.pid) ?? []);
      const scan = await timed(() => createSocketReader(new Set([server.port])).connectionsOf(pids));
      const pg = report.facts.postgres.ok ? report.facts.postgres.facts : null;
      if (!pg) throw new Error('PostgreSQL was not observed');
      const pure = await timed(async () => attributeConnections(pg, running), RUNS * 10);
      const held = report.holding?.instances.reduce((n, h) => n + h.held.total, 0) ?? 0;
      return [
        { name: `${tag}: start ${instances} x ${WORKERS} workers x pool ${poolSize}`, value: `${(startMs / 1000).toFixed(1)} s` },
        { name: `${tag}: sessions attributed / in the database`, value: `${held} / ${pg.sessions?.length ?? 0}` },
        { name: `${tag}: /proc socket scan of ${pids.length} processes (median)`, value: `${scan.toFixed(1)} ms` },
        { name: `${tag}: attribution, pure core (median)`, value: `${pure.toFixed(2)} ms` },
        { name: `${tag}: status in process, with attribution (median of ${RUNS})`, value: `${statusWith.toFixed(1)} ms` },
        { name: `${tag}: status in process, without the socket scan (median)`, value: `${statusWithout.toFixed(1)} ms` },
      ];
    } finally {
      await postgres.close();
    }
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
  }
}

/** Median of `runs` timings, after two warm-up runs. */
async function timed(fn: () => Promise<unknown>, runs = RUNS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t = performance.now();
    await fn();
    if (i >= 2) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchAttribution()) console.log(`${figure.name.padEnd(72)} ${figure.value}`);
}
