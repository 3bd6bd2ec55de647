/**
 * The PgBouncer issue's setups, for real: Debian's PgBouncer in transaction mode in front of the test
 * PostgreSQL, and the PHP app (test/fixtures/php-app, the fork-based stand-in of the Swoole app) in
 * containers connecting to PgBouncer through DB_DSN. dbpool runs as the CLI and Slack run it
 * (createServices, the `status` command) and must conclude what a PgBouncer expert would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCommand } from '../../src/commands/command-table.js';
import { parseCommandLine } from '../../src/commands/parse-command-line.js';
import { loadConfig } from '../../src/config.js';
import type { Report } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import { createServices, type Services } from '../../src/services.js';
import { dockerSkipReason, testEngineAddress } from '../helpers/docker-engine.js';
import { pgbouncerSkipReason, startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer-server.js';
import { phpSkipReason, TestContainers } from '../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { waitFor } from '../probes/postgres/probe-fixtures.js';

const skip = pgbouncerSkipReason() ?? (await dockerSkipReason(phpSkipReason));

const APP = { name: 'app', password: 'app-pw' };
const DBPOOL = { name: 'dbpool', password: 'dbpool-pw' };
/** The app: two instances of 4 workers x DB_POOL_SIZE 30, every pool filled at start. */
const APP_ENV = { SWOOLE_WORKER_NUM: '4', DB_POOL_SIZE: '30' };

async function status(services: Services): Promise<Report> {
  const result = await prepareCommand(parseCommandLine(['status'])).run(services.context);
  if (result.kind !== 'report') throw new Error(`expected a report, got ${result.kind}`);
  return result.report;
}

const codes = (r: Report) => r.findings.map((f) => f.code);
const recs = (r: Report) => r.recommendations.map((x) => x.code);

describe.skipIf(skip !== null)('PgBouncer between the PHP app and PostgreSQL (real PgBouncer, real containers)', () => {
  let db: TestPostgres;

  beforeAll(async () => {
    // max_connections 60, 3 reserved: 57 usable, as in the issue.
    db = await startPostgres({ maxConnections: 60, superuserReserved: 3 });
    const admin = await db.admin();
    try {
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app-pw'`);
      await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool-pw' IN ROLE pg_monitor`);
    } finally {
      await admin.end();
    }
  });
  afterAll(async () => {
    await db?.stop();
  });

  async function servicesFor(containers: TestContainers, bouncer: TestPgBouncer | null): Promise<Services> {
    const config = loadConfig({
      DATABASE_URL: db.url(db.database, DBPOOL.name, DBPOOL.password),
      DBPOOL_PGBOUNCER_URL: bouncer ? bouncer.url(DBPOOL) : '',
      DBPOOL_INSTANCE_SOURCE: 'docker',
      DBPOOL_DOCKER_HOSTS: testEngineAddress(),
      APP_CONTAINER_PATTERN: containers.pattern(),
      APP_EXPECTED_INSTANCES: '2',
      APP_DB_USER: 'app',
      DBPOOL_PROBE_TIMEOUT_MS: '10000',
      DBPOOL_LOG_LEVEL: 'silent',
    });
    return await createServices(config, silentLogger(), { stateFile: ':memory:' });
  }

  async function ready(services: Services): Promise<void> {
    await waitFor(() => (services.postgres?.isConnected() ?? false) && services.pgbouncers.every((p) => p.isConnected()), 10_000, "dbpool's connections");
  }

  describe('max_client_conn 50, default_pool_size 10: PgBouncer refuses the app, PostgreSQL is nearly empty', () => {
    let bouncer: TestPgBouncer;
    const containers = new TestContainers();
    let withUrl: Services;
    let withoutUrl: Services;

    beforeAll(async () => {
      bouncer = await startPgBouncer({ postgres: db, users: [APP, DBPOOL], statsUsers: [DBPOOL.name], maxClientConn: 50, defaultPoolSize: 10 });
      withUrl = await servicesFor(containers, bouncer);
      withoutUrl = await servicesFor(containers, null);
      // dbpool is up before the incident, as it would be in production.
      await Promise.all([ready(withUrl), ready(withoutUrl)]);
      const env = { ...APP_ENV, DB_DSN: bouncer.dsn(APP, db.database) };
      await containers.startApp({ name: 'php_swoole_app', env, workers: 4 });
      await containers.startApp({ name: 'php_swoole_app_new', env, workers: 4 });
    });
    afterAll(async () => {
      await withUrl?.close();
      await withoutUrl?.close();
      await containers.removeAll();
      await bouncer?.stop();
    });

    it('CRIT on the PgBouncer layer; both layers in numbers; first: raise max_client_conn; never max_connections', async () => {
      const r = await status(withUrl);
      expect(r.verdict).toBe('CRIT');
      const layer = r.pgbouncer.bouncers[0];
      // dbpool's console connection takes one of the 50: 49 app clients, 191 of the 240 refused.
      expect(layer).toMatchObject({ read: true, clients: 50, consoleClients: 1, clientCapacity: 49, clientDemand: 240, serverLimit: 10 });
      expect(layer?.instances.sort()).toEqual([`${containers.prefix}php_swoole_app`, `${containers.prefix}php_swoole_app_new`]);
      expect(r.math.knownDemand).toBe(240);
      // Each instance is tied to PgBouncer by its DB_DSN, read from the container's environment.
      for (const inst of r.facts.instances.flatMap((s) => s.instances)) {
        expect(inst.dbEndpoint).toEqual({ host: '127.0.0.1', port: bouncer.port, variables: ['DB_DSN'] });
      }
      expect(r.pgbouncer.serverCapacity).toBeGreaterThanOrEqual(54);
      expect(layer?.serverConnections).toBeLessThanOrEqual(10);

      expect(codes(r)).toEqual(expect.arrayContaining(['pgbouncer_client_limit', 'pgbouncer_client_demand_exceeds', 'pgbouncer_errors_in_logs']));
      expect(codes(r)).not.toContain('demand_exceeds_capacity');
      const refusals = r.findings
        .filter((f) => f.code === 'pgbouncer_errors_in_logs')
        .reduce((n, f) => n + (f.code === 'pgbouncer_errors_in_logs' && f.params.error === 'max_client_conn' ? f.params.count : 0), 0);
      expect(refusals).toBe(240 - 49);

      expect(r.recommendations[0]).toMatchObject({ code: 'raise_max_client_conn', params: { current: 50, demand: 240 } });
      const suggested = r.recommendations[0]?.code === 'raise_max_client_conn' ? r.recommendations[0].params.suggested : 0;
      expect(suggested).toBeGreaterThanOrEqual(240 + 1);
      expect(recs(r)).not.toContain('raise_max_connections');
      expect(recs(r)).not.toContain('use_pooler');

      const en = renderText(r, { lang: 'en' });
      expect(en).toContain('The app cannot get its connections through PgBouncer');
      expect(en).toContain(`max_client_conn = ${suggested}`);
      expect(en).toContain("Clients: 50 / max_client_conn 50 (1 on the admin console); the app's full pools: 240");
      expect(en).not.toMatch(/ALTER SYSTEM|Short by/);
      const fa = renderText(r, { lang: 'fa' });
      expect(fa).toContain('برنامه از راه PgBouncer اتصال نمی‌گیرد');
      expect(fa).toContain(`max_client_conn = ${suggested}`);
      const json = JSON.parse(renderJson(r)) as Report;
      expect(json.pgbouncer.bouncers[0]).toMatchObject({ clientDemand: 240, clients: 50, settings: { maxClientConn: 50, defaultPoolSize: 10 } });
    });

    it('without DBPOOL_PGBOUNCER_URL: PgBouncer recognised from the app logs, said to be in the path, and how to let dbpool read it', async () => {
      const r = await status(withoutUrl);
      expect(r.verdict).toBe('CRIT');
      expect(r.pgbouncer).toMatchObject({ inPath: true, configured: false, unattributedDemand: 240 });
      expect(r.pgbouncer.signs).toContainEqual(expect.objectContaining({ kind: 'log', error: 'max_client_conn', count: 240 - 49 }));
      expect(codes(r)).toContain('pgbouncer_in_path_unread');
      expect(codes(r)).not.toContain('demand_exceeds_capacity');
      expect(recs(r).slice(0, 2)).toEqual(['raise_max_client_conn', 'read_pgbouncer']);
      // Where the refused app connects is PgBouncer: the URL to set names it.
      expect(r.recommendations[1]?.commands[0]?.text).toBe(`DBPOOL_PGBOUNCER_URL=postgres://dbpool:<password>@127.0.0.1:${bouncer.port}/pgbouncer`);
      expect(codes(r)).not.toContain('app_pool_exhausted');
      expect(recs(r)).not.toContain('raise_max_connections');
      expect(renderText(r, { lang: 'en' })).toContain('set DBPOOL_PGBOUNCER_URL to its admin console');
      expect(renderText(r, { lang: 'fa' })).toContain('DBPOOL_PGBOUNCER_URL');
    });
  });

  describe('healthy: the pools could ask for 240, max_connections is 60, PgBouncer keeps the server fine', () => {
    let bouncer: TestPgBouncer;
    const containers = new TestContainers();
    let services: Services;

    beforeAll(async () => {
      bouncer = await startPgBouncer({ postgres: db, users: [APP, DBPOOL], statsUsers: [DBPOOL.name], maxClientConn: 400, defaultPoolSize: 10 });
      services = await servicesFor(containers, bouncer);
      await ready(services);
      const env = { ...APP_ENV, DB_DSN: bouncer.dsn(APP, db.database) };
      await containers.startApp({ name: 'php_swoole_app', env, workers: 4 });
      await containers.startApp({ name: 'php_swoole_app_new', env, workers: 4 });
    });
    afterAll(async () => {
      await services?.close();
      await containers.removeAll();
      await bouncer?.stop();
    });

    it('is OK, not CRIT, and recommends nothing', async () => {
      const r = await status(services);
      expect(r.math.knownDemand).toBe(240);
      expect(r.pgbouncer.bouncers[0]).toMatchObject({ clients: 241, clientDemand: 240, serverLimit: 10 });
      expect(r.verdict).toBe('OK');
      expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(r.recommendations).toEqual([]);
      expect(renderText(r, { lang: 'en' })).toContain('Total: 240 connections over 2 instances, to PgBouncer');
    });
  });
});
