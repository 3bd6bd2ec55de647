/**
 * The CLI as a user (or a monitoring system) waits for it: whole processes, start-up and module
 * loading included, side by side in one run, interleaved so that load on the machine hits every
 * contender alike:
 *   node -e 0                              (the floor: Node itself)
 *   dbpool math                            (no I/O at all)               goal: under 150 ms
 *   dbpool check / status on 2 containers  (the seed incident)           goal: >= 5x the runbook, <= check_pgactivity + 50 %
 *   the runbook's commands on the same containers, typed one after another
 *   check_pgactivity -s backends           (Debian's check-pgactivity) on the same server
 *   and at 20 containers: status vs the runbook                         goal: >= 20x
 * `dbpool` is the launcher a user runs (dist/cli/dbpool: from the startup snapshot that `npm run build`
 * made for this Node); "(modules)" is the same CLI with its modules loaded as usual (node
 * dist/cli/main.js, what runs where no snapshot matches). math and status again on Node 24 (the
 * image's runtime) when npx provides it, with the snapshot this bench builds for it.
 * Peak RSS from /usr/bin/time (GNU time's %M) where it is installed.
 * Alone: npx tsx bench/cli-process.bench.ts (needs `npm run build` first)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dockerAvailable, testEngineAddress } from '../test/helpers/docker-engine.js';
import { dbDsn, findHostPhp, TestContainers, which } from '../test/helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../test/helpers/postgres-server.js';
import { median } from './measure.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI_DIR = path.join(HERE, '../dist/cli');
const CLI = path.join(CLI_DIR, 'main.js');
const LAUNCHER = path.join(CLI_DIR, 'dbpool');
const GNU_TIME = '/usr/bin/time';
const RUNS = 7;
const COUNT_SQL = `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()`;

type Figure = { name: string; value: string };
interface Contender {
  name: string;
  /** A shell command line, run by sh -c. */
  command: string;
  env?: NodeJS.ProcessEnv;
}

export async function benchCliProcess(): Promise<Figure[]> {
  const noEngine = await dockerAvailable();
  if (noEngine) return [{ name: 'skipped', value: noEngine }];
  const php = await findHostPhp();
  if ('reason' in php) return [{ name: 'skipped', value: php.reason }];
  if (!(await which('docker'))) return [{ name: 'skipped', value: 'no docker CLI for the runbook side' }];
  const checkPgactivity = (await which('check_pgactivity')) ?? ((await exists('/usr/lib/nagios/plugins/check_pgactivity')) ? '/usr/lib/nagios/plugins/check_pgactivity' : null);

  const figures: Figure[] = [];
  const server = await startPostgres({ maxConnections: 100 });
  const containers = new TestContainers();
  const work = await mkdtemp(path.join(os.tmpdir(), 'dbpool-cli-bench-'));
  try {
    // The seed incident: the old and the new instance, 4 workers x DB_POOL_SIZE 5 each = 40 connections.
    const env = { DB_POOL_SIZE: '5', SWOOLE_WORKER_NUM: '4', DB_DSN: dbDsn(server) };
    const names: string[] = [];
    const grow = async (n: number, appEnv: Record<string, string>) => {
      while (names.length < n) names.push((await containers.startApp({ name: `php_swoole_app_${names.length + 1}`, env: appEnv })).name);
    };
    await grow(2, env);
    const dbpoolEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: server.url(),
      DBPOOL_DOCKER_HOSTS: testEngineAddress(),
      APP_CONTAINER_PATTERN: containers.pattern(),
      DBPOOL_STATE_DIR: path.join(work, 'state'),
      DBPOOL_LOG_LEVEL: 'warn',
    };
    // The launcher finds `node` on PATH: Node 24's runs put its directory first.
    const node24 = node24Path();
    const pathFor = (node: string) => `${path.dirname(node)}${path.delimiter}${dbpoolEnv.PATH}`;
    const dbpool = (args: string, node = 'node'): Contender => ({
      name: `dbpool ${args.split(' ')[0]}${node === 'node' ? '' : ' (Node 24)'}`,
      command: `${LAUNCHER} ${args}`,
      env: node === 'node' ? dbpoolEnv : { ...dbpoolEnv, PATH: pathFor(node) },
    });
    const modules = (args: string, node = 'node'): Contender => ({
      name: `dbpool ${args.split(' ')[0]} (modules${node === 'node' ? '' : ', Node 24'})`,
      command: `${node} ${CLI} ${args}`,
      env: dbpoolEnv,
    });
    // In dbpool's environment: the caller's may make Node read more at start (NODE_EXTRA_CA_CERTS: ~30 ms).
    const floor: Contender = { name: 'node -e 0', command: 'node -e 0', env: dbpoolEnv };
    const mathArgs = 'math --workers 4 --pool 30 --instances 2 --max-connections 200';
    const math = dbpool(mathArgs);
    const status = dbpool('status');
    const check = dbpool('check');
    const snapshots = { 'Node 20': hasSnapshot(process.execPath), 'Node 24': node24 ? await buildSnapshot(node24) : false };
    const on24 = node24 ? [{ name: 'node -e 0 (Node 24)', command: `${node24} -e 0`, env: dbpoolEnv }, dbpool(mathArgs, node24), modules(mathArgs, node24), dbpool('status', node24), modules('status', node24)] : [];
    const pgactivity: Contender | null = checkPgactivity
      ? {
          name: 'check_pgactivity -s backends',
          command: `${checkPgactivity} -s backends -w 75% -c 90% -h ${server.host} -p ${server.port} -U ${server.user} -d ${server.database} --status-file ${path.join(work, 'pgactivity.status')}`,
          env: { ...process.env, PGPASSWORD: server.password },
        }
      : null;
    const runbook = (): Contender => ({ name: `runbook commands (${names.length} containers)`, command: runbookScript(names, containers.prefix, server), env: { ...process.env, PGPASSWORD: server.password } });

    const at2 = await interleaved([floor, math, modules(mathArgs), status, modules('status'), check, modules('check'), ...on24, runbook(), ...(pgactivity ? [pgactivity] : [])]);
    for (const [node, built] of Object.entries(snapshots)) figures.push({ name: `startup snapshot for ${node}`, value: built ? 'used by dbpool' : 'none: dbpool loads the modules' });
    const ms = (name: string) => at2.get(name) ?? NaN;
    for (const [name, value] of at2) figures.push({ name: `2 containers: ${name}, median of ${RUNS}`, value: `${value.toFixed(0)} ms` });
    figures.push({ name: '2 containers: runbook / dbpool status', value: `${(ms(runbook().name) / ms(status.name)).toFixed(1)}x (goal >= 5x)` });
    if (pgactivity) {
      figures.push({ name: '2 containers: dbpool status / check_pgactivity', value: `${((ms(status.name) / ms(pgactivity.name)) * 100).toFixed(0)} % (goal <= 150 %)` });
    }
    for (const c of [status, modules('status'), math, modules(mathArgs), ...(node24 ? [dbpool('status', node24)] : [])]) {
      figures.push({ name: `${c.name}: peak RSS (whole process)`, value: `${await peakRssMiB(c, work)}${c === status ? ' (goal < 80 MiB)' : ''}` });
    }

    await grow(20, { ...env, DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '2' });
    const at20 = await interleaved([status, modules('status'), runbook()]);
    for (const [name, value] of at20) figures.push({ name: `20 containers: ${name}, median of ${RUNS}`, value: `${value.toFixed(0)} ms` });
    figures.push({ name: '20 containers: runbook / dbpool status', value: `${((at20.get(runbook().name) ?? NaN) / (at20.get(status.name) ?? NaN)).toFixed(1)}x (goal >= 20x)` });
  } finally {
    await containers.removeAll();
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
  return figures;
}

/** Node 24's binary as `npx -y node@24` provides it (the tests' test:node24 fetches it); null when there is none. */
function node24Path(): string | null {
  const found = spawnSync('npx', ['-y', 'node@24', '-p', 'process.execPath'], { encoding: 'utf8', timeout: 120_000 });
  const file = found.status === 0 ? found.stdout.trim() : '';
  return file.startsWith('/') ? file : null;
}

/** Whether the launcher starts this node from a snapshot: what its shell trace says it runs. */
function hasSnapshot(node: string): boolean {
  const PATH = `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`;
  return spawnSync('sh', ['-x', LAUNCHER, 'help'], { encoding: 'utf8', env: { PATH } }).stderr.includes('--snapshot-blob');
}

/** `npm run build` made the snapshot for the node that ran it; this makes Node 24's (as the image's build does). */
async function buildSnapshot(node: string): Promise<boolean> {
  spawnSync(node, [path.join(CLI_DIR, 'build-snapshot.js')], { stdio: 'ignore', timeout: 300_000 });
  return hasSnapshot(node);
}

/** The runbook's steps 1 to 4 as typed, one command after another. */
function runbookScript(names: string[], prefix: string, server: TestPostgres): string {
  const lines = [`docker ps | grep ${prefix}php_swoole | wc -l`];
  for (const name of names) {
    lines.push(
      `docker exec ${name} env | grep DB_POOL_SIZE`,
      `docker exec ${name} env | grep SWOOLE_WORKER_NUM`,
      `docker exec ${name} ps aux | grep "php.*server.php"`,
      `docker logs ${name} 2>&1 | grep "Worker.*starting"`,
    );
  }
  lines.push(`psql -h ${server.host} -p ${server.port} -U ${server.user} -d ${server.database} -Atc "${COUNT_SQL}"`);
  lines.push(`psql -h ${server.host} -p ${server.port} -U ${server.user} -d ${server.database} -Atc "SHOW max_connections"`);
  return lines.map((l) => `${l} >/dev/null`).join('\n');
}

/** Median wall time of each contender, RUNS rounds, each round running every contender once. */
async function interleaved(contenders: Contender[]): Promise<Map<string, number>> {
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (const c of contenders) await time(c); // warm the page cache and the engine's connections
  for (let round = 0; round < RUNS; round++) {
    for (const c of contenders) times.get(c.name)?.push(await time(c));
  }
  return new Map([...times].map(([name, list]) => [name, median(list)]));
}

async function time(c: Contender): Promise<number> {
  const started = performance.now();
  await sh(c.command, c.env);
  return performance.now() - started;
}

/** Peak RSS of one whole run, as GNU time reports it; "n/a" without it. */
async function peakRssMiB(c: Contender, work: string): Promise<string> {
  if (!(await exists(GNU_TIME))) return `n/a (no ${GNU_TIME})`;
  const file = path.join(work, 'rss.txt');
  await sh(`${GNU_TIME} -f %M -o ${file} ${c.command}`, c.env);
  // GNU time writes "Command exited with non-zero status N" first when it did (status exits 1-3 by design).
  const kib = Number((await readFile(file, 'utf8')).trim().split('\n').pop());
  return `${Math.round(kib / 1024)} MiB`;
}

/** Runs a command line; a non-zero exit is fine (status and check exit 1-3 by design). */
function sh(command: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code !== null && code < 4 ? resolve() : reject(new Error(`${command.split('\n')[0]}: exit ${code}: ${err.trim().slice(0, 300)}`))));
  });
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(() => true, () => false);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchCliProcess()) console.log(`${figure.name.padEnd(64)} ${figure.value}`);
}
