/**
 * How long one look at PgBouncer's admin console takes (SHOW CONFIG, LISTS, DATABASES, POOLS,
 * CLIENTS, SERVERS one after the other) with 1,000 real client connections in PgBouncer, and the
 * two-layer report built from it. The clients are held by child processes.
 * Goal: observe() well under a second, like the PostgreSQL observation beside it.
 * Alone: npx tsx bench/pgbouncer-status.bench.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildReport } from '../src/core/report.js';
import type { Facts } from '../src/core/facts.js';
import { silentLogger } from '../src/logger.js';
import { createPgBouncerProbe } from '../src/probes/pgbouncer/pgbouncer-probe.js';
import { startPgBouncer } from '../test/helpers/pgbouncer-server.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { childExited, childReady, median } from './measure.js';

const CLIENTS = 1_000;
const HOLDERS = 4;
const RUNS = 20;
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP = { name: 'app', password: 'app-pw' };
const DBPOOL = { name: 'dbpool', password: 'dbpool-pw' };

/** Opens its share of client connections to PgBouncer, says "ready", holds them until stdin closes. */
const HOLDER_SCRIPT = `
const pg = require('pg');
const [url, count] = [process.env.BENCH_URL, Number(process.env.BENCH_COUNT)];
const clients = [];
(async () => {
  for (let i = 0; i < count; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, count - i) }, async () => {
      const c = new pg.Client({ connectionString: url, application_name: 'php_swoole_app' });
      c.on('error', () => {});
      await c.connect();
      clients.push(c);
    }));
  }
  process.stdout.write('ready\\n');
})().catch((err) => { process.stderr.write(String(err) + '\\n'); process.exit(1); });
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function benchPgBouncerStatus(): Promise<{ name: string; value: string }[]> {
  const db = await startPostgres({ maxConnections: 100 });
  const admin = await db.admin();
  await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
  await admin.end();
  const bouncer = await startPgBouncer({ postgres: db, users: [APP, DBPOOL], statsUsers: [DBPOOL.name], maxClientConn: CLIENTS + 100, defaultPoolSize: 20 });
  const holders: ChildProcess[] = [];
  const probe = createPgBouncerProbe(
    { host: bouncer.host, port: bouncer.port, user: DBPOOL.name, password: DBPOOL.password, database: 'pgbouncer', connectionString: undefined, connectTimeoutMs: 5_000, statementTimeoutMs: 5_000 },
    { logger: silentLogger() },
  );
  try {
    const share = Math.ceil(CLIENTS / HOLDERS);
    await Promise.all(
      Array.from({ length: HOLDERS }, (_, i) => {
        const child = spawn(process.execPath, ['-e', HOLDER_SCRIPT], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, BENCH_URL: bouncer.url(APP, db.database), BENCH_COUNT: String(Math.min(share, CLIENTS - i * share)) },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        holders.push(child);
        return childReady(child, 'client holders');
      }),
    );
    probe.start();
    const times: number[] = [];
    let clients = 0;
    let last: Awaited<ReturnType<typeof probe.observe>> | null = null;
    for (let i = 0; i < RUNS + 2; i++) {
      const t = performance.now();
      last = await probe.observe();
      const ms = performance.now() - t;
      if (!last.ok) throw new Error(`observe failed: ${last.error.kind} ${last.error.message}`);
      clients = last.facts.clients;
      if (i >= 2) times.push(ms);
    }
    times.sort((a, b) => a - b);

    // The pure two-layer report from that look (no I/O): what every status adds for PgBouncer.
    const facts: Facts = {
      observedAt: new Date().toISOString(),
      postgres: { ok: false, database: db.database, host: `${db.host}:${db.port}`, error: { kind: 'other', source: 'bench', message: 'not observed' } },
      instances: [],
      pgbouncers: last ? [last] : [],
    };
    const settings = {
      thresholds: { warnUtilization: 0.75, critUtilization: 0.9, safetyMargin: 0.1, idleMinutes: 10, memoryPerConnectionMb: 10, poolerThreshold: 500 },
      expectedInstances: 1,
      poolSizeVar: 'DB_POOL_SIZE',
      workerNumVar: 'SWOOLE_WORKER_NUM',
      taskWorkerNumVar: 'SWOOLE_TASK_WORKER_NUM',
      monitorRole: 'dbpool',
    };
    const t = performance.now();
    for (let i = 0; i < 1000; i++) buildReport('status', facts, settings);
    const reportUs = ((performance.now() - t) / 1000) * 1000;
    return [
      { name: 'client connections seen by observe()', value: String(clients) },
      { name: `observe() median of ${RUNS} (7 console commands)`, value: `${median(times).toFixed(1)} ms` },
      { name: `observe() slowest of ${RUNS}`, value: `${(times.at(-1) ?? 0).toFixed(1)} ms` },
      { name: 'buildReport with the PgBouncer layer, mean of 1000', value: `${reportUs.toFixed(0)} µs` },
    ];
  } finally {
    await probe.close();
    for (const child of holders) child.stdin?.end();
    await Promise.all(holders.map((child) => childExited(child)));
    await bouncer.stop();
    await db.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchPgBouncerStatus()) console.log(`${f.name}: ${f.value}`);
}
