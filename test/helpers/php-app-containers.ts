/**
 * Starts and removes the test containers: the real PHP app (test/fixtures/php-app/server.php) in a
 * tiny busybox image, with the host's PHP bind-mounted read-only and the host's network, so it
 * reaches the test PostgreSQL on 127.0.0.1. No vitest imports: the bench uses this too.
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
const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/php-app');

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

/** The host's php with the extensions the app needs (pgsql, pcntl, posix). */
export function findHostPhp(): Promise<{ php: string } | { reason: string }> {
  return (hostPhp ??= (async () => {
    const php = await which('php');
    if (!php) return { reason: 'no php on PATH (apt-get install php-cli php-pgsql)' };
    const { stdout } = await run(php, ['-m']);
    const modules = new Set(stdout.split('\n').map((m) => m.trim().toLowerCase()));
    const missing = ['pgsql', 'pcntl', 'posix'].filter((m) => !modules.has(m));
    return missing.length > 0 ? { reason: `php lacks ${missing.join(', ')} (apt-get install php-pgsql)` } : { php };
  })());
}

/** For dockerSkipReason(): null when the host's PHP can run the app. */
export async function phpSkipReason(): Promise<string | null> {
  const found = await findHostPhp();
  return 'reason' in found ? found.reason : null;
}

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
  /** Docker's restart policy (always, unless-stopped, ...); default none. */
  restartPolicy?: string;
}

export interface StartedContainer {
  id: string;
  name: string;
  container: Docker.Container;
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

  /** Starts the PHP app; resolves once every worker has opened (or failed to open) its pool. */
  async startApp(spec: ContainerSpec & { workers?: number; taskWorkers?: number; readyTimeoutMs?: number }): Promise<StartedContainer> {
    const found = await findHostPhp();
    if ('reason' in found) throw new Error(found.reason);
    const started = await this.start({ ...spec, cmd: spec.cmd ?? [found.php, 'server.php'] }, await hostPhpBinds(found.php));
    const holders = (spec.workers ?? Number(spec.env?.SWOOLE_WORKER_NUM ?? 2)) + (spec.taskWorkers ?? Number(spec.env?.SWOOLE_TASK_WORKER_NUM ?? 0));
    await waitForLog(started.container, / holds \d+ of \d+ connections/, holders, spec.readyTimeoutMs ?? 30_000);
    return started;
  }

  /** Starts any command in the base image (busybox only, no PHP). */
  async startCommand(spec: ContainerSpec & { cmd: string[] }): Promise<StartedContainer> {
    return this.start(spec, []);
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
      HostConfig: { NetworkMode: 'host', Binds: binds, Init: false, ...(spec.restartPolicy ? { RestartPolicy: { Name: spec.restartPolicy } } : {}) },
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
