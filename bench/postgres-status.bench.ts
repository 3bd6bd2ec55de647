/**
 * How long one PostgreSQL observation takes with 1,000 real sessions in pg_stat_activity, and the
 * peak memory of the process doing it. The sessions are held by child processes, so the figure is
 * dbpool's memory and not the load generator's.
 * Goal: observe() well under a second; peak RSS in the low hundreds of MiB.
 * Alone: npx tsx bench/postgres-status.bench.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { silentLogger } from '../src/logger.js';
import { createPostgresProbe } from '../src/probes/postgres/postgres-probe.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { childExited, childReady, median } from './measure.js';

const SESSIONS = 1_000;
const HOLDERS = 4;
const RUNS = 20;
const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A child that opens its share of the sessions (a few at a time), leaves one in ten idle in
 * transaction and the rest idle, says "ready" and holds them until its stdin closes.
 */
const HOLDER_SCRIPT = `
const pg = require('pg');
const [url, count] = [process.env.BENCH_URL, Number(process.env.BENCH_COUNT)];
const clients = [];
async function open(i) {
  const c = new pg.Client({ connectionString: url, application_name: 'php_swoole_app' });
  c.on('error', () => {});
  await c.connect();
  if (i % 10 === 0) await c.query('BEGIN');
  clients.push(c);
}
(async () => {
  for (let i = 0; i < count; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, count - i) }, (_, j) => open(i + j)));
  }
  process.stdout.write('ready\\n');
})().catch((err) => { process.stderr.write(String(err) + '\\n'); process.exit(1); });
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

export async function benchPostgresStatus(): Promise<{ name: string; value: string }[]> {
  const t0 = performance.now();
  const server = await startPostgres({ maxConnections: SESSIONS + 100 });
  const startMs = performance.now() - t0;
  const holders: ChildProcess[] = [];
  const probe = createPostgresProbe(
    {
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: server.database,
      connectionString: undefined,
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 5_000,
    },
    { logger: silentLogger(), appDbUser: 'app' },
  );
  try {
    const admin = await server.admin();
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    await admin.end();

    const t1 = performance.now();
    const share = Math.ceil(SESSIONS / HOLDERS);
    await Promise.all(
      Array.from({ length: HOLDERS }, (_, i) => {
        const count = Math.min(share, SESSIONS - i * share);
        const child = spawn(process.execPath, ['-e', HOLDER_SCRIPT], {
          cwd: PROJECT_ROOT,
          env: { ...process.env, BENCH_URL: server.url(server.database, 'app', 'app'), BENCH_COUNT: String(count) },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        holders.push(child);
        return childReady(child, 'session holders');
      }),
    );
    const openMs = performance.now() - t1;

    probe.start();
    const times: number[] = [];
    let sessions = 0;
    let idleListed = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      const t = performance.now();
      // idleMinutes 0: every idle session is listed, the heaviest answer the query can give.
      const observation = await probe.observe({ idleMinutes: 0 });
      const ms = performance.now() - t;
      if (!observation.ok) throw new Error(`observe failed: ${observation.error.kind} ${observation.error.message}`);
      sessions = observation.facts.clientConnections;
      idleListed = observation.facts.idleSessions.length;
      if (i >= 2) times.push(ms); // the first two open the connection and warm the caches
    }
    times.sort((a, b) => a - b);
    return [
      { name: 'embedded cluster start (initdb + start + createdb)', value: `${Math.round(startMs)} ms` },
      { name: `open ${SESSIONS} real sessions (${HOLDERS} child processes)`, value: `${(openMs / 1000).toFixed(1)} s` },
      { name: 'client sessions seen by observe()', value: String(sessions) },
      { name: 'idle sessions listed (idleMinutes 0)', value: String(idleListed) },
      { name: `observe() median of ${RUNS}`, value: `${median(times).toFixed(1)} ms` },
      { name: `observe() slowest of ${RUNS}`, value: `${(times.at(-1) ?? 0).toFixed(1)} ms` },
      { name: 'peak RSS (this process)', value: `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB` },
    ];
  } finally {
    await probe.close();
    for (const child of holders) child.stdin?.end();
    await Promise.all(holders.map((child) => childExited(child)));
    await server.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchPostgresStatus()) console.log(`${figure.name.padEnd(52)} ${figure.value}`);
}
