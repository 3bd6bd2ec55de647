/**
 * The offline demo: the incident of the runbook, for real, on this machine, with no Slack and no Docker.
 *  1. a throwaway PostgreSQL with max_connections = 20 (3 reserved for superusers);
 *  2. dbpool's monitoring connection opens, as it would in production before the incident;
 *  3. the old app instance (php_swoole_app) is still running when the new one (php_swoole_app_new)
 *     starts: their workers' pools ask for more than the server has, and it refuses them;
 *  4. a fresh connection, like an engineer's psql, gets "too many clients already";
 *  5. dbpool diagnoses it through the same command the CLI and Slack run, and prints the report.
 * Usage: npm run demo [-- --lang fa] [-- --json]
 */
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { prepareCommand } from '../src/commands/command-table.js';
import { parseCommandLine } from '../src/commands/parse-command-line.js';
import { loadConfig, wantsColor } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createProcessInstanceSource } from '../src/probes/processes/process-instance-source.js';
import { renderJson } from '../src/render/json.js';
import { renderText } from '../src/render/text.js';
import { createServices } from '../src/services.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { settle, spawnApp, type SpawnedApp } from '../test/helpers/spawn-app.js';

const lang = process.argv.includes('--lang') && process.argv[process.argv.indexOf('--lang') + 1] === 'fa' ? 'fa' : 'en';
const json = process.argv.includes('--json');
const prefix = wantsColor(process.stderr) ? '\x1b[2m[demo]\x1b[0m' : '[demo]';
const say = (s: string) => process.stderr.write(`${prefix} ${s}\n`);

const server = await startPostgres({ maxConnections: 20, superuserReserved: 3 });
const apps: SpawnedApp[] = [];
const workDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-demo-'));
let services: Awaited<ReturnType<typeof createServices>> | undefined;
let exitCode = 0;
try {
  say(`PostgreSQL ${server.host}:${server.port}, database ${server.database}, max_connections 20 (3 reserved for superusers)`);
  const admin = await server.admin();
  await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
  await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool' IN ROLE pg_monitor, pg_signal_backend`);
  await admin.query(`GRANT ALL ON DATABASE ${server.database} TO app`);
  await admin.end();

  const tag = `demo-${process.pid}`;
  const config = loadConfig({
    DATABASE_URL: server.url(server.database, 'dbpool', 'dbpool'),
    DBPOOL_INSTANCE_SOURCE: 'process',
    APP_PROCESS_PATTERN: `swoole-like-app\\.mjs --tag ${tag}`,
    DBPOOL_LANG: lang,
  });
  const source = createProcessInstanceSource(config.app, { onlyDescendantsOf: process.pid, databasePorts: [server.port] });
  services = await createServices(config, silentLogger(), { instanceSources: [source] });
  say('dbpool opens its monitoring connection (role dbpool, pg_monitor)');
  await settle(500);

  const appUrl = server.url(server.database, 'app', 'app');
  for (const [name, workers, poolSize] of [
    ['php_swoole_app', '2', '4'],
    ['php_swoole_app_new', '3', '4'],
  ] as const) {
    const cwd = path.join(workDir, name);
    await mkdir(cwd);
    say(`starting ${name}: SWOOLE_WORKER_NUM=${workers} DB_POOL_SIZE=${poolSize}`);
    const app = spawnApp({ DB_POOL_SIZE: poolSize, SWOOLE_WORKER_NUM: workers, DATABASE_URL: appUrl, APP_NAME: name }, `${tag}`, { cwd });
    apps.push(app);
    app.child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().trim().split('\n')) say(`${name} | ${line}`);
    });
    await app.started;
    await settle(1100); // distinct start times: dbpool tells the old instance from the new one
  }

  const psql = new pg.Client({ connectionString: appUrl });
  try {
    await psql.connect();
    await psql.end();
    say('a fresh connection still got in');
  } catch (err) {
    say(`a fresh connection, as psql would open: ${(err as Error).message}`);
  }

  say('dbpool status:');
  const result = await prepareCommand(parseCommandLine(['status'])).run(services.context);
  if (result.kind === 'report') {
    process.stdout.write(json ? renderJson(result.report) : renderText(result.report, { lang, color: wantsColor(process.stdout), timeZone: config.timeZone }));
  }
} catch (err) {
  exitCode = 1;
  process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
} finally {
  await Promise.all(apps.map((a) => a.stop()));
  await services?.close();
  await server.stop();
  await rm(workDir, { recursive: true, force: true });
  say('cleaned up: apps stopped, PostgreSQL removed');
}
process.exit(exitCode);
