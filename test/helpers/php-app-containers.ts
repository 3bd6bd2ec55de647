/**
 * Starts and removes the test containers: the real Swoole app (test/fixtures/swoole-app/server.php)
 * in a tiny busybox image, with the host's PHP and its Swoole extension bind-mounted read-only and
 * the host's network (or a user-defined one), so it reaches the test PostgreSQL on 127.0.0.1. No
 * vitest imports: the bench uses this too.
 *
 * Every container carries the labels dbpool.test=1 and dbpool.test.run=<run id>; removeAll() removes
 * the run's containers (call it in afterAll/afterEach: it runs even when a test failed).
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { testDocker } from './docker-engine.js';

const run = promisify(execFile);

export const TEST_IMAGE = process.env.DBPOOL_TEST_IMAGE ?? 'dbpool-test-base:latest';
export const TEST_LABEL = 'dbpool.test';
export const RUN_LABEL = 'dbpool.test.run';
const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/swoole-app');

/** Where a host program is, by PATH (the `which` lookup), symlinks resolved. */
export async function which(program: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    if (existsSync(candidate)) return realpath(candidate);
  }
  return null;
}

let hostPhp: Promise<{ php: string } | { reason: string }> | undefined;

/** The host's php with PDO for PostgreSQL (the app's pools); Swoole is checked by swooleUnavailable. */
export function findHostPhp(): Promise<{ php: string } | { reason: string }> {
  return (hostPhp ??= (async () => {
    const php = await which('php');
    if (!php) return { reason: 'no php on PATH (apt-get install php-cli php-pgsql)' };
    const { stdout } = await run(php, ['-m']);
    const modules = new Set(stdout.split('\n').map((m) => m.trim().toLowerCase()));
    return modules.has('pdo_pgsql') ? { php } : { reason: 'php lacks pdo_pgsql (apt-get install php-pgsql)' };
  })());
}

let hostSwoole: Promise<string | null> | undefined;

/**
 * Null when the host's php has the Swoole extension (and what the app needs besides); otherwise why
 * not. `bash ../shared/tools/install-swoole.sh` (relative to the repository) installs it.
 */
export function swooleUnavailable(): Promise<string | null> {
  return (hostSwoole ??= (async () => {
    const found = await findHostPhp();
    if ('reason' in found) return found.reason;
    const { stdout } = await run(found.php, ['-m']);
    const modules = new Set(stdout.split('\n').map((m) => m.trim().toLowerCase()));
    return modules.has('swoole') ? null : 'php lacks the swoole extension (bash ../shared/tools/install-swoole.sh installs it)';
  })());
}

export function swooleRequired(): boolean {
  return process.env.DBPOOL_REQUIRE_SWOOLE === '1';
}

/**
 * For dockerSkipReason(): null when the real Swoole app can run, else why not (dockerSkipReason
 * prints it and skips); throws when DBPOOL_REQUIRE_SWOOLE=1 (CI, after install-swoole.sh).
 */
export async function swooleSkipReason(): Promise<string | null> {
  const reason = await swooleUnavailable();
  if (reason !== null && swooleRequired()) throw new Error(`DBPOOL_REQUIRE_SWOOLE=1 but ${reason}`);
  return reason;
}

/** For a test running the Swoole app as local processes (no Docker): null, or the reason, printed. */
export async function localSwooleSkipReason(): Promise<string | null> {
  const reason = await swooleSkipReason();
  if (reason !== null) console.warn(`[swoole tests skipped] ${reason}`);
  return reason;
}

/** The app the Docker tests run is the real Swoole app: the host's PHP must have Swoole. */
export const phpSkipReason = swooleSkipReason;

/** Directories bind-mounted read-only so the host's php and its libraries work in the container (Swarm services too). */
export async function hostPhpBinds(php: string): Promise<string[]> {
  const dirs = ['/usr', '/lib', '/lib64', '/lib32', '/etc/php'].filter((d) => existsSync(d));
  const phpDir = path.dirname(php);
  if (!dirs.some((d) => phpDir === d || phpDir.startsWith(`${d}/`))) dirs.push(phpDir);
  return [...dirs.map((d) => `${d}:${d}:ro`), `${APP_DIR}:/app:ro`];
}

/** Builds the base image (as .ci/setup-docker.sh does) when the engine lacks it. */
export async function ensureTestImage(docker: Docker = testDocker()): Promise<void> {
  try {
    await docker.getImage(TEST_IMAGE).inspect();
    return;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  const busybox = await which('busybox');
  if (!busybox) throw new Error(`image ${TEST_IMAGE} is missing and there is no busybox to build it (apt-get install busybox-static)`);
  const work = await mkdtemp(path.join(os.tmpdir(), 'dbpool-image-'));
  try {
    const root = path.join(work, 'rootfs');
    await mkdir(root, { mode: 0o755 });
    await chmod(root, 0o755); // whatever the umask: a non-root user must traverse /
    for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'usr', 'lib', 'lib64', 'app', 'run']) await mkdir(path.join(root, d), { recursive: true });
    await chmod(path.join(root, 'tmp'), 0o1777);
    await copyFile(busybox, path.join(root, 'bin/busybox'));
    await chmod(path.join(root, 'bin/busybox'), 0o755);
    const { stdout } = await run(busybox, ['--list']);
    for (const applet of stdout.split('\n').map((a) => a.trim())) {
      if (applet && applet !== 'busybox') await symlink('busybox', path.join(root, 'bin', applet));
    }
    await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
    await writeFile(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    const tarball = path.join(work, 'rootfs.tar');
    await run('tar', ['-C', root, '-cf', tarball, '.']);
    const [repo, tag] = TEST_IMAGE.split(':');
    const progress = await docker.importImage(tarball, {
      repo,
      tag: tag ?? 'latest',
      changes: ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["/bin/sh"]'],
    } as object);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface ContainerSpec {
  name: string;
  env?: Record<string, string | undefined>;
  labels?: Record<string, string>;
  /** Default: the PHP app (`php server.php`). */
  cmd?: string[];
  tty?: boolean;
  /** Docker network: 'host' (default) or the name of a user-defined network. */
  network?: string;
  /** More bind mounts (`host:container:ro`). */
  binds?: string[];
  /** Docker's restart policy (always, unless-stopped, ...); default none. */
  restartPolicy?: string;
}

export interface StartedContainer {
  id: string;
  name: string;
  container: Docker.Container;
}

/** What the real Swoole app (test/fixtures/swoole-app/server.php) is asked to be; see its header. */
export interface SwooleAppSpec extends ContainerSpec {
  poolSize?: number;
  workers?: number;
  taskWorkers?: number;
  mode?: 'process' | 'base';
  titles?: 'plain' | 'hyperf' | 'octane' | 'named';
  /** $server->addProcess() with a pool of its own. */
  userProcess?: boolean;
  maxRequest?: number;
  crashOnce?: boolean;
  /** Connections worker 0 leaves idle in transaction. */
  leakTransactions?: number;
  /** libpq conninfo of the database. */
  dsn: string;
  readyTimeoutMs?: number;
}

export interface StartedSwooleApp extends StartedContainer {
  /** The HTTP port the server listens on (in the container's network namespace). */
  port: number;
  /** Pools the app filled: workers + task workers (+ the custom process). */
  pools: number;
}

/** One test file's containers: unique names, removed together. */
export class TestContainers {
  readonly runId = `${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  /** Prefix of this run's container names: `dbpool-<run>-`. */
  readonly prefix = `dbpool-${this.runId}-`;
  private readonly started: StartedContainer[] = [];

  constructor(readonly docker: Docker = testDocker()) {}

  /** A name pattern that matches this run's containers with the given base (e.g. php_swoole) only. */
  pattern(base = 'php_swoole'): string {
    return `^${this.prefix}${base}`;
  }

  /**
   * Starts the real Swoole app with the runbook's variables in `env` (DB_POOL_SIZE, SWOOLE_WORKER_NUM,
   * SWOOLE_TASK_WORKER_NUM, DB_DSN, and the app's APP_* options); resolves once every pool is
   * filled or failed to fill. Defaults as the app's: 2 workers, no task workers, pool 5.
   */
  async startApp(spec: ContainerSpec & { workers?: number; taskWorkers?: number; readyTimeoutMs?: number }): Promise<StartedContainer> {
    const found = await findHostPhp();
    if ('reason' in found) throw new Error(found.reason);
    const started = await this.start({ ...spec, cmd: spec.cmd ?? [found.php, 'server.php'] }, await hostPhpBinds(found.php));
    const holders = (spec.workers ?? Number(spec.env?.SWOOLE_WORKER_NUM ?? 2)) + (spec.taskWorkers ?? Number(spec.env?.SWOOLE_TASK_WORKER_NUM ?? 0));
    await waitForLog(started.container, / holds \d+ of \d+ connections/, holders, spec.readyTimeoutMs ?? 30_000);
    return started;
  }

  /**
   * Starts the real Swoole app (php server.php); resolves once every pool is filled (or failed to
   * fill): one "holds N of M connections" line per worker, task worker and custom process.
   */
  async startSwooleApp(spec: SwooleAppSpec): Promise<StartedSwooleApp> {
    const found = await findHostPhp();
    if ('reason' in found) throw new Error(found.reason);
    const workers = spec.workers ?? 2;
    const taskWorkers = spec.taskWorkers ?? 0;
    const env: Record<string, string | undefined> = {
      DB_DSN: spec.dsn,
      DB_POOL_SIZE: String(spec.poolSize ?? 5),
      SWOOLE_WORKER_NUM: String(workers),
      // Unset when there are none, as most apps leave it.
      SWOOLE_TASK_WORKER_NUM: taskWorkers > 0 ? String(taskWorkers) : undefined,
      APP_MODE: spec.mode,
      APP_TITLE_STYLE: spec.titles,
      APP_USER_PROCESS: spec.userProcess ? '1' : undefined,
      APP_MAX_REQUEST: spec.maxRequest === undefined ? undefined : String(spec.maxRequest),
      APP_CRASH_ONCE: spec.crashOnce ? '1' : undefined,
      APP_LEAK_TX: spec.leakTransactions === undefined ? undefined : String(spec.leakTransactions),
      ...spec.env,
    };
    const started = await this.start({ ...spec, env, cmd: spec.cmd ?? [found.php, 'server.php'] }, await hostPhpBinds(found.php));
    const pools = workers + taskWorkers + (spec.userProcess ? 1 : 0) + (spec.crashOnce ? 1 : 0);
    const timeout = spec.readyTimeoutMs ?? 30_000;
    await waitForLog(started.container, / holds \d+ of \d+ connections/, pools, timeout);
    const port = Number(/Server listening on port (\d+)/.exec(await readLog(started.container))?.[1]);
    return { ...started, port, pools: pools - (spec.crashOnce ? 1 : 0) };
  }

  /** Starts any command in the base image (busybox only, no PHP). */
  async startCommand(spec: ContainerSpec & { cmd: string[] }): Promise<StartedContainer> {
    return this.start(spec, []);
  }

  /** A user-defined bridge network of this run (removed by removeAll), with its subnet's gateway. */
  async createNetwork(name: string): Promise<{ name: string; id: string; gateway: string }> {
    const full = `${this.prefix}${name}`;
    const network = await this.docker.createNetwork({ Name: full, Driver: 'bridge', Labels: { [TEST_LABEL]: '1', [RUN_LABEL]: this.runId } });
    const info = (await network.inspect()) as { Id: string; IPAM?: { Config?: { Gateway?: string }[] } };
    const gateway = info.IPAM?.Config?.[0]?.Gateway;
    if (!gateway) throw new Error(`network ${full} has no gateway address`);
    return { name: full, id: info.Id, gateway };
  }

  private async start(spec: ContainerSpec, binds: string[]): Promise<StartedContainer> {
    await ensureTestImage(this.docker);
    const name = spec.name.startsWith(this.prefix) ? spec.name : `${this.prefix}${spec.name}`;
    const env = Object.entries({ APP_NAME: name, ...spec.env })
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    const container = await this.docker.createContainer({
      name,
      Image: TEST_IMAGE,
      Cmd: spec.cmd,
      WorkingDir: '/app',
      Env: env,
      Tty: spec.tty ?? false,
      Labels: { [TEST_LABEL]: '1', [RUN_LABEL]: this.runId, ...spec.labels },
      HostConfig: {
        NetworkMode: spec.network ?? 'host',
        Binds: [...binds, ...(spec.binds ?? [])],
        Init: false,
        ...(spec.restartPolicy ? { RestartPolicy: { Name: spec.restartPolicy } } : {}),
      },
    });
    const started = { id: container.id, name, container };
    this.started.push(started);
    await container.start();
    return started;
  }

  async stop(c: StartedContainer): Promise<void> {
    await c.container.stop({ t: 5 });
  }

  /** Removes every container of this run, running or not; never throws. */
  async removeAll(): Promise<void> {
    try {
      const list = await this.docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${this.runId}`] } });
      await Promise.all(list.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
      const networks = await this.docker.listNetworks({ filters: { label: [`${RUN_LABEL}=${this.runId}`] } });
      await Promise.all(networks.map((n) => this.docker.getNetwork(n.Id).remove().catch(() => undefined)));
    } catch {
      // The engine is gone: nothing left to remove there.
    }
    this.started.length = 0;
  }
}

/** libpq conninfo for the app, from the test PostgreSQL. */
export function dbDsn(pg: { host: string; port: number; user: string; password: string; database: string }): string {
  return `host=${pg.host} port=${pg.port} dbname=${pg.database} user=${pg.user} password=${pg.password}`;
}

/** Waits until the container's log (both streams) has `count` lines matching `pattern`. */
export async function waitForLog(container: Docker.Container, pattern: RegExp, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const raw = (await container.logs({ stdout: true, stderr: true, follow: false, tail: 2000 })) as Buffer;
    const text = stripFrames(raw);
    const seen = text.split('\n').filter((l) => pattern.test(l)).length;
    if (seen >= count) return;
    const info = await container.inspect();
    if (!info.State.Running) throw new Error(`container ${info.Name} exited (${info.State.ExitCode}) before ${count} lines matched ${pattern}:\n${text.slice(-2000)}`);
    if (Date.now() > deadline) throw new Error(`container ${info.Name}: ${seen}/${count} lines matched ${pattern} within ${timeoutMs} ms:\n${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The container's whole log so far, both streams. */
export async function readLog(container: Docker.Container): Promise<string> {
  return stripFrames((await container.logs({ stdout: true, stderr: true, follow: false, tail: 2000 })) as Buffer);
}

function stripFrames(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length && (buf[at] === 1 || buf[at] === 2) && buf[at + 1] === 0) {
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return at === 0 ? buf.toString('utf8') : Buffer.concat(parts).toString('utf8');
}
