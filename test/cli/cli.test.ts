import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { waitUntil } from '../helpers/reliability-bot.js';
import { TEST_LIMITS } from '../helpers/test-limits.js';
import { spawnApp } from '../helpers/spawn-app.js';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** runCli in this process, with the test's idle thresholds (the seam a spawned bin cannot reach). */
async function cli(args: string[], answer: string | null = null): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTerminal: false, ask: async () => answer },
    { PATH: process.env.PATH ?? '', DBPOOL_LOG_LEVEL: 'silent', DBPOOL_INSTANCE_SOURCE: 'none', ...env },
    { limits: TEST_LIMITS },
  );
  return { code, stdout, stderr };
}

/** Runs the built `dbpool` bin as a user would, with only the given environment. */
function dbpool(args: string[], env: Record<string, string> = {}, input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', DBPOOL_LOG_LEVEL: 'warn', DBPOOL_INSTANCE_SOURCE: 'none', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let server: TestPostgres;
let admin: pg.Client;
let stateDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startPostgres({ maxConnections: 30 });
  admin = await server.admin();
  await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
  await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD 'dbpool' IN ROLE pg_monitor, pg_signal_backend`);
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-cli-'));
  env = { DATABASE_URL: server.url(server.database, 'dbpool', 'dbpool'), DBPOOL_STATE_DIR: stateDir, DBPOOL_VERIFY_DELAY_SECONDS: '0' };
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await server?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe('dbpool CLI, end to end', () => {
  it('math: the runbook example is a calculation: its headline says so, exit 1 when the pools do not fit, 0 when they do', async () => {
    const args = ['math', '--workers', '4', '--pool', '30', '--instances', '2', '--max-connections', '200'];
    const en = await dbpool(args);
    expect(en.code).toBe(1);
    expect(en.stdout.split('\n')[0]).toBe("WHAT-IF — the app's full pools would need 240 connections, 197 available: lower DB_POOL_SIZE to 18");
    expect(en.stdout).toContain('Total: 240 connections over 2 instances');
    const fa = await dbpool([...args, '--lang', 'fa']);
    fa.stdout = fa.stdout.replace(/\u200F/g, ''); // right-to-left marks: test/render/every-view-both-languages.test.ts
    expect(fa.stdout).toMatch(/^محاسبه‌ی فرضی — /);
    expect(fa.stdout).toContain('جمع: ۲۴۰ اتصال');
    const json = JSON.parse((await dbpool([...args, '--json'])).stdout);
    expect(json).toMatchObject({ verdict: 'CRIT', exitCode: 1, headline: { whatIf: true, cause: { code: 'demand_exceeds' } }, math: { knownDemand: 240 } });
    expect((await dbpool(['math', '--workers', '4', '--pool', '15', '--max-connections', '100'])).code).toBe(0);
  });

  it('a wrong argument prints usage, exits 3 and runs nothing', async () => {
    const r = await dbpool(['status', '--frobnicate'], env);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('status: unknown option --frobnicate');
    expect(r.stderr).toContain('Usage: dbpool');
  });

  it('a bad configuration value stops it with a message naming the variable', async () => {
    const r = await dbpool(['status'], { ...env, DBPOOL_WARN_UTILIZATION: 'lots' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('DBPOOL_WARN_UTILIZATION');
  });

  it('status against a real server and real app processes: the pool math of each instance', async () => {
    const app = spawnApp({ DB_POOL_SIZE: '3', SWOOLE_WORKER_NUM: '2', DATABASE_URL: server.url(server.database, 'app', 'app') });
    try {
      await app.started;
      // The workers' pools are open once the server shows them: a positive signal, not a wait.
      await waitUntil(async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE usename = 'app'`)).rowCount === 6, 15_000, "the app's 6 connections");
      const r = await dbpool(['status', '--json'], { ...env, DBPOOL_INSTANCE_SOURCE: 'process', APP_PROCESS_PATTERN: app.pattern, APP_DB_USER: 'app' });
      const report = JSON.parse(r.stdout);
      expect(report.math.instances).toEqual([expect.objectContaining({ workers: 2, poolSize: 3, demand: 6, workersOrigin: 'measured' })]);
      expect(report.facts.postgres.facts.appConnections).toBe(6);
      expect(r.code).toBe(report.exitCode);
      const text = await dbpool(['status'], { ...env, DBPOOL_INSTANCE_SOURCE: 'process', APP_PROCESS_PATTERN: app.pattern });
      expect(text.stdout).toMatch(/\(2 workers\) x DB_POOL_SIZE 3 = 6/);
    } finally {
      await app.stop();
    }
  });

  it('an unreachable database is UNKNOWN (exit 3), within the timeout, with a clear message', async () => {
    const r = await dbpool(['status'], { ...env, DATABASE_URL: 'postgresql://dbpool:x@127.0.0.1:1/madras', DBPOOL_CONNECT_TIMEOUT_MS: '1000' });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^UNKNOWN/);
    expect(r.stdout).toContain('not reachable');
    expect(r.stdout).not.toContain(':x@');
  });

  it('terminate-idle: --dry-run and "n" change nothing; --yes terminates; the audit shows it all', async () => {
    const pg = (await import('pg')).default;
    const apps = await Promise.all(
      [1, 2].map(async () => {
        const c = new pg.Client({ connectionString: server.url(server.database, 'app', 'app'), application_name: 'php' });
        c.on('error', () => undefined);
        await c.connect();
        return c;
      }),
    );
    const pids = apps.map((c) => (c as unknown as { processID: number }).processID);
    const alive = async () => (await admin.query('SELECT pid FROM pg_stat_activity WHERE pid = ANY($1)', [pids])).rowCount;
    await waitUntil(async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1) AND state_change < now() - interval '1.3 seconds'`, [pids])).rowCount === 2, 10_000, 'idle sessions');
    try {
      // The product takes 1 minute and more: the test's 0.02 minutes go through the CLI's seam, in process.
      const args = ['terminate-idle', '--minutes', '0.02'];
      const dry = await cli([...args, '--dry-run']);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('Terminate');
      expect(dry.stdout).toContain('Dry run: nothing done.');
      expect(await alive()).toBe(2);

      const no = await cli(args, 'n');
      expect(no.code).toBe(1);
      expect(no.stdout).toContain('Nothing done.');
      expect(await alive()).toBe(2);

      const noTerminal = await cli(args, null);
      expect(noTerminal.code).toBe(1);
      expect(noTerminal.stdout).toContain('pass --yes');
      expect(await alive()).toBe(2);

      const yes = await cli([...args, '--yes']);
      expect(yes.code).toBe(0);
      expect(yes.stdout).toMatch(/terminated/);
      expect(yes.stdout).toContain('After the action');
      expect(await alive()).toBe(0);

      // Nothing left to terminate: a dry run says so and exits 0, not 1 (nothing failed).
      const nothing = await cli([...args, '--dry-run']);
      expect(nothing.stderr).toContain('Nothing to do');
      expect(nothing.code).toBe(0);
    } finally {
      await Promise.all(apps.map((c) => c.end().catch(() => undefined)));
    }
    const audit = JSON.parse((await dbpool(['audit', '--json'], env)).stdout) as { event: string; actor: string }[];
    expect(audit.map((e) => e.event).slice(0, 5)).toEqual(['verified', 'executed', 'executing', 'approved', 'requested']);
    // A dry run and a "no" are not refusals: the plan was shown, then withdrawn by whoever asked.
    expect(audit.filter((e) => e.event === 'refused')).toEqual([]);
    expect(audit.filter((e) => e.event === 'cancelled')).toHaveLength(2);
    expect(audit.filter((e) => e.event === 'dry_run')).toHaveLength(1);
    expect(audit[1]?.actor).toMatch(/^cli:/);
  });

  it('summary prints the last 24 hours, with the sparkline in place of the chart', async () => {
    const r = await dbpool(['summary'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Daily connection summary');
    const fa = await dbpool(['summary', '--lang', 'fa'], env);
    expect(fa.code).toBe(0);
    expect(fa.stdout).not.toMatch(/Daily/);
  });

  it('read-only mode refuses remediation', async () => {
    const r = await dbpool(['terminate-idle', '--yes'], { ...env, DBPOOL_READ_ONLY: 'true' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('read-only');
  });
});

describe('dbpool check: the monitoring plugin line', () => {
  it('one line with perfdata against a real server, the exit code of the verdict, -w/-c as the plugin convention takes them', async () => {
    const ok = await dbpool(['check'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^DBPOOL OK - \d+\/27 usable connections \| connections=\d+;20;24;0;27 dbpool_own=1;;;0 max_connections=30;;;0 /);
    expect(ok.stdout.trim().split('\n')).toHaveLength(1);
    // 30 - 3 reserved = 27 usable; three more connections put it above 5 % and 10 %: the lines given on the command line decide.
    const pg = (await import('pg')).default;
    const clients = await Promise.all([1, 2, 3].map(async () => {
      const c = new pg.Client({ connectionString: server.url(server.database, 'app', 'app') });
      await c.connect();
      return c;
    }));
    try {
      const warn = await dbpool(['check', '-w', '5%', '-c', '90%'], env);
      expect(warn.code).toBe(1);
      expect(warn.stdout).toMatch(/^DBPOOL WARNING - /);
      expect(warn.stdout).toMatch(/connections=\d+;1;24;0;27/);
      const crit = await dbpool(['check', '--warning', '5', '--critical', '10'], env);
      expect(crit.code).toBe(2);
      expect(crit.stdout).toMatch(/^DBPOOL CRITICAL - /);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('a wrong threshold is refused with the range and runs nothing; warn must stay below crit', async () => {
    const over = await dbpool(['check', '-w', '150%'], env);
    expect(over.code).toBe(3);
    expect(over.stdout).toBe('');
    expect(over.stderr).toContain('check: -w must be a number from 1 to 99');
    const crossed = await dbpool(['check', '-w', '90', '-c', '80'], env);
    expect(crossed.code).toBe(3);
    expect(crossed.stderr).toContain('check: the warning line (-w) must be below the critical one (-c)');
    const fa = await dbpool(['check', '-c', 'x', '--lang', 'fa'], env);
    expect(fa.stderr).toContain('باید عددی از ۱ تا ۹۹ باشد');
  });

  it('an unreachable database: UNKNOWN (exit 3) and no perfdata made up', async () => {
    const r = await dbpool(['check'], { ...env, DATABASE_URL: 'postgresql://dbpool:x@127.0.0.1:1/madras', DBPOOL_CONNECT_TIMEOUT_MS: '1000' });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^DBPOOL UNKNOWN - postgres 127\.0\.0\.1:1\/madras: unreachable/);
    expect(r.stdout).not.toContain('|');
  });
});
