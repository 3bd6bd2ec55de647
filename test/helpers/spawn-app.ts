import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../demo/swoole-like-app.mjs');

export interface SpawnedApp {
  child: ChildProcess;
  tag: string;
  /** A process pattern that matches this app's processes and no other test's. */
  pattern: string;
  /** Resolves once every worker printed "Worker #N starting". */
  started: Promise<void>;
  stop(): Promise<void>;
}

/** Starts the Node stand-in of the Swoole app as real local processes. */
export function spawnApp(
  env: { DB_POOL_SIZE?: string; SWOOLE_WORKER_NUM?: string; DATABASE_URL?: string; APP_NAME?: string; APP_SHUTDOWN_SECONDS?: string },
  tag = randomUUID().slice(0, 8),
  options: { cwd?: string } = {},
): SpawnedApp {
  const child = spawn(process.execPath, [APP, '--tag', tag], {
    cwd: options.cwd,
    env: Object.fromEntries(Object.entries({ PATH: process.env.PATH, ...env }).filter(([, v]) => v !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const workers = Number(env.SWOOLE_WORKER_NUM ?? 4);
  let seen = 0;
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      seen = (output.match(/Worker #\d+ starting/g) ?? []).length;
      if (seen >= workers) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`app exited (${code}) before its workers started:\n${output}`)));
  });
  return {
    child,
    tag,
    pattern: `swoole-like-app\\.mjs --tag ${tag}`,
    started,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Waits until the app's workers have finished opening their connections (or failing to). */
export async function settle(ms = 300): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

const SWOOLE_APP = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/swoole-app');

export interface SpawnedSwooleApp {
  child: ChildProcess;
  /** Everything it printed so far, both streams. */
  output(): string;
  stop(): Promise<void>;
}

/** The real Swoole app's script, to copy where a unique command line is wanted (`php <dir>/server.php`). */
export const SWOOLE_APP_SCRIPT = path.join(SWOOLE_APP, 'server.php');

/**
 * Starts the real Swoole app (test/fixtures/swoole-app/server.php, or `script`) as local processes
 * with the host's php; resolves once `pools` "holds N of M connections" lines were printed.
 */
export async function spawnSwooleApp(
  php: string,
  env: Record<string, string | undefined>,
  pools: number,
  timeoutMs = 30_000,
  script = 'server.php',
): Promise<SpawnedSwooleApp> {
  const child = spawn(php, [script], {
    cwd: SWOOLE_APP,
    env: Object.fromEntries(Object.entries({ PATH: process.env.PATH, ...env }).filter(([, v]) => v !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const app: SpawnedSwooleApp = {
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Swoole app filled fewer than ${pools} pools within ${timeoutMs} ms:\n${output.slice(-2000)}`)), timeoutMs);
    const seen = () => (output.match(/ holds \d+ of \d+ connections/g) ?? []).length;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (seen() >= pools) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Swoole app exited (${code}) before its pools were filled:\n${output.slice(-2000)}`));
    });
  }).catch(async (err: unknown) => {
    await app.stop();
    throw err;
  });
  return app;
}
