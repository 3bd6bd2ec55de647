/**
 * terminate-idle touches only the app's sessions, on a real PostgreSQL with real idle sessions of
 * the app's role, another role (an ETL job), a superuser, a replication connection and dbpool's
 * own: only the app's are planned (said per role in the plan, the SQL and the confirm text) and
 * terminated, with dbpool connected as its own role or as a superuser.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCommand } from '../../src/commands/command-table.js';
import { parseCommandLine } from '../../src/commands/parse-command-line.js';
import { loadConfig } from '../../src/config.js';
import { en } from '../../src/i18n/en.js';
import { createFormatter } from '../../src/i18n/format.js';
import { silentLogger } from '../../src/logger.js';
import { planTitle } from '../../src/render/action-document.js';
import { createServices } from '../../src/services.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { waitUntil } from '../helpers/reliability-bot.js';
import { TEST_LIMITS } from '../helpers/test-limits.js';

const operator = { kind: 'cli' as const, id: 'oncall' };
const f = createFormatter('en');

describe('terminate-idle and whose sessions it touches (real PostgreSQL)', () => {
  let server: TestPostgres;
  let admin: pg.Client;
  let clients: pg.Client[] = [];

  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 40 });
    admin = await server.admin();
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    await admin.query(`CREATE ROLE etl LOGIN PASSWORD 'etl'`);
    await admin.query(`CREATE ROLE boss LOGIN SUPERUSER PASSWORD 'boss'`);
    await admin.query(`CREATE ROLE repl LOGIN REPLICATION PASSWORD 'repl'`);
    await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool' IN ROLE pg_monitor, pg_signal_backend`);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await admin?.end().catch(() => undefined);
    await server?.stop();
  });

  /** Idle sessions of every kind in the app's database; returns their pids by kind. */
  async function sessions(): Promise<Record<'app' | 'etl' | 'boss' | 'repl', number[]>> {
    const open = async (user: string, n: number, extra: Partial<pg.ClientConfig> = {}) =>
      Promise.all(
        Array.from({ length: n }, async () => {
          const c = new pg.Client({ connectionString: server.url(server.database, user, user), application_name: `${user}-job`, ...extra });
          c.on('error', () => undefined);
          await c.connect();
          clients.push(c);
          return (c as unknown as { processID: number }).processID;
        }),
      );
    const pids = { app: await open('app', 2), etl: await open('etl', 1), boss: await open('boss', 1), repl: await open('repl', 1, { replication: 'database' } as Partial<pg.ClientConfig>) };
    const all = Object.values(pids).flat();
    const kind = await admin.query('SELECT backend_type FROM pg_stat_activity WHERE pid = $1', [pids.repl[0]]);
    expect(kind.rows[0]?.backend_type).toBe('walsender');
    await waitUntil(
      async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1) AND state_change < now() - interval '1.3 seconds'`, [all])).rowCount === all.length,
      15_000,
      'every session idle',
    );
    return pids;
  }

  const alive = async (pids: number[]) => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).rowCount ?? 0;

  for (const [who, user, password] of [
    ['its own role', 'dbpool', 'dbpool'],
    // The test cluster's own superuser (its password is the helper's default for it).
    ['a superuser', 'postgres', undefined],
  ] as const) {
    it(`connected as ${who} with APP_DB_USER=app: only the app's sessions are planned, said per role, and terminated`, async () => {
      const pids = await sessions();
      const config = loadConfig({
        DATABASE_URL: server.url(server.database, user, password),
        APP_DB_USER: 'app',
        DBPOOL_INSTANCE_SOURCE: 'none',
        DBPOOL_VERIFY_DELAY_SECONDS: '0',
        DBPOOL_LOG_LEVEL: 'silent',
      });
      const services = await createServices(config, silentLogger(), { stateFile: ':memory:' });
      try {
        await waitUntil(() => services.postgres?.isConnected() ?? false, 15_000, 'the monitoring connection');
        const ownPid = services.postgres?.pid();
        const result = await prepareCommand(parseCommandLine(['terminate-idle', '--minutes', '0.02']), TEST_LIMITS).run({ ...services.context, requester: operator });
        if (result.kind !== 'plan' || result.plan.action !== 'terminate_idle') throw new Error(JSON.stringify(result));
        const plan = result.plan;
        expect(plan.sessions.map((s) => s.pid).sort()).toEqual([...pids.app].sort());
        // Said per role: in the plan's title (the confirm dialog's text) and in the SQL of the recommendation.
        expect(planTitle(plan, en, f)).toBe(`Terminate 2 sessions idle for more than 0.02 minutes in ${server.database}: app × 2`);
        const rec = result.report.recommendations.find((r) => r.code === 'terminate_idle');
        expect(rec?.commands[0]?.text).toContain("AND usename IN ('app')");
        // The report still lists the others: seen, not touched.
        const listed = result.report.facts.postgres.ok ? result.report.facts.postgres.facts.idleSessions.map((s) => s.pid) : [];
        expect(listed).toEqual(expect.arrayContaining([...pids.etl, ...pids.boss]));
        expect(listed).not.toContain(ownPid);

        // The statement that terminates re-checks too: handed another role's or a superuser's session, it leaves it.
        const facts = result.report.facts.postgres.ok ? result.report.facts.postgres.facts : null;
        const others = (facts?.idleSessions ?? []).filter((s) => !s.app);
        expect((await services.postgres!.terminateIdle(others, 0.02)).map((o) => o.outcome)).toEqual(others.map(() => 'no_longer_idle'));

        const approved = await services.remediation!.approve(plan.id, operator);
        expect(approved.ok && approved.outcome).toMatchObject({ sessions: pids.app.map(() => ({ outcome: 'terminated' })) });
        // pg_terminate_backend signals; the backend leaves pg_stat_activity a moment later.
        await waitUntil(async () => (await alive(pids.app)) === 0, 5_000, "the app's sessions to end");
        expect(await alive([...pids.etl, ...pids.boss, ...pids.repl])).toBe(3);
        expect(services.postgres?.pid()).toBe(ownPid);
      } finally {
        await services.close();
        await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
        clients = [];
      }
    });
  }
});
