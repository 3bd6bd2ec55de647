/**
 * The runbook's Docker steps as an on-call engineer types them, one after another
 *   docker ps | grep php_swoole | wc -l
 *   per container: docker exec <c> env | grep DB_POOL_SIZE; ... SWOOLE_WORKER_NUM;
 *                  docker exec <c> ps aux | grep "php.*server.php"; docker logs <c> 2>&1 | grep "Worker.*starting"
 *   psql ... -c "SELECT count(*) FROM pg_stat_activity ..."
 * against dbpool's Docker source observe() plus its PostgreSQL count, over the same 2, 10 and 20
 * containers of the real Swoole app. Goal: dbpool at least 5x faster at 2 containers, nearly flat as they grow.
 * Alone: npx tsx bench/docker-instances.bench.ts
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createDockerInstanceSource } from '../src/probes/docker/docker-instance-source.js';
import { dockerAvailable, testEngineAddress } from '../test/helpers/docker-engine.js';
import { dbDsn, swooleUnavailable, TestContainers, which } from '../test/helpers/php-app-containers.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { median } from './measure.js';

const SIZES = [2, 10, 20];
const DBPOOL_RUNS = 9;
const COUNT_SQL = `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()`;

type Figure = { name: string; value: string };

export async function benchDockerInstances(): Promise<Figure[]> {
  const noEngine = await dockerAvailable();
  if (noEngine) return [{ name: 'skipped', value: noEngine }];
  const noSwoole = await swooleUnavailable();
  if (noSwoole) return [{ name: 'skipped', value: noSwoole }];
  if (!(await which('docker'))) return [{ name: 'skipped', value: 'no docker CLI for the runbook side' }];
  const psql = await which('psql');

  const figures: Figure[] = [];
  const server = await startPostgres({ maxConnections: 200 });
  const containers = new TestContainers();
  const monitor = new pg.Client({ connectionString: server.url() });
  try {
    await monitor.connect();
    const config = loadConfig({
      DBPOOL_DOCKER_HOSTS: testEngineAddress(),
      APP_CONTAINER_PATTERN: containers.pattern(),
    });
    const source = createDockerInstanceSource(config.docker.hosts[0], config, silentLogger());
    // The same without the /proc fast path: one engine `top` per container (a remote engine's case).
    const viaTop = createDockerInstanceSource(config.docker.hosts[0], config, silentLogger(), { hostProc: false });
    const env = { DB_POOL_SIZE: '2', SWOOLE_WORKER_NUM: '2', DB_DSN: dbDsn(server) };
    const names: string[] = [];
    for (const size of SIZES) {
      const t0 = performance.now();
      while (names.length < size) {
        names.push((await containers.startApp({ name: `php_swoole_app_${names.length + 1}`, env })).name);
      }
      const startMs = performance.now() - t0;

      // The runbook, sequentially.
      const t1 = performance.now();
      const psCount = Number((await sh(`docker ps | grep ${containers.prefix}php_swoole | wc -l`)).trim());
      for (const name of names) {
        await sh(`docker exec ${name} env | grep DB_POOL_SIZE`);
        await sh(`docker exec ${name} env | grep SWOOLE_WORKER_NUM`);
        await sh(`docker exec ${name} ps aux | grep "php.*server.php"`);
        await sh(`docker logs ${name} 2>&1 | grep "Worker.*starting"`);
      }
      if (psql) {
        await sh(`psql -h ${server.host} -p ${server.port} -U ${server.user} -d ${server.database} -Atc "${COUNT_SQL}"`, {
          ...process.env,
          PGPASSWORD: server.password,
        });
      }
      const runbookMs = performance.now() - t1;

      // dbpool: one observation of the engine and one query, at once.
      const measure = async (src: typeof source) => {
        const times: number[] = [];
        let found = 0;
        for (let i = 0; i < DBPOOL_RUNS + 1; i++) {
          const t = performance.now();
          const [obs] = await Promise.all([src.observe(), monitor.query(COUNT_SQL)]);
          if (i > 0) times.push(performance.now() - t); // the first opens the engine connection
          // Swoole's master, manager and the 2 workers.
          found = obs.instances.filter((inst) => inst.errors.length === 0 && (inst.processes?.length ?? 0) === 4).length;
        }
        return { ms: median(times), found };
      };
      const { ms: dbpoolMs, found } = await measure(source);
      const { ms: topMs } = await measure(viaTop);
      figures.push(
        { name: `${size} containers: start (cumulative batch)`, value: `${(startMs / 1000).toFixed(1)} s` },
        { name: `${size} containers: runbook commands (${1 + 4 * size}${psql ? ' + psql' : ''}, sequential)`, value: `${Math.round(runbookMs)} ms (docker ps counted ${psCount})` },
        { name: `${size} containers: dbpool observe() + count, median of ${DBPOOL_RUNS}`, value: `${dbpoolMs.toFixed(1)} ms (${found} instances complete)` },
        { name: `${size} containers: runbook / dbpool`, value: `${(runbookMs / dbpoolMs).toFixed(1)}x` },
        { name: `${size} containers: dbpool with engine top only (no /proc), median`, value: `${topMs.toFixed(1)} ms` },
      );
    }
  } finally {
    await monitor.end().catch(() => undefined);
    await containers.removeAll();
    await server.stop();
  }
  return figures;
}

function sh(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command}: exit ${code}: ${err.trim()}`))));
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchDockerInstances()) console.log(`${figure.name.padEnd(64)} ${figure.value}`);
}
