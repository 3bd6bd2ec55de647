/**
 * Is there a Docker engine for the tests? No vitest imports: the bench uses this too.
 *
 * The rule: a test that needs Docker and finds no engine prints why and skips, unless
 * DBPOOL_REQUIRE_DOCKER=1 (CI, after .ci/setup-docker.sh), where it fails instead.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';

/** The engine the tests use: DOCKER_HOST when set (dockerode reads it), else the default socket. */
export function testEngineAddress(): string {
  return process.env.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock';
}

/** The test engine's unix socket path, or null when it is reached over tcp. */
export function testEngineSocket(): string | null {
  const address = testEngineAddress();
  return address.startsWith('unix://') ? address.slice('unix://'.length) : null;
}

/** For dockerSkipReason: a test that talks to the engine's socket itself (mounts it, proxies it). */
export async function engineSocketReason(): Promise<string | null> {
  return testEngineSocket() === null ? `the test engine ${testEngineAddress()} is not a unix socket` : null;
}

export function testDocker(): Docker {
  return new Docker();
}

let availability: Promise<string | null> | undefined;

/** Null when an engine answers a ping within 3 s; otherwise why not, in a sentence. */
export function dockerAvailable(): Promise<string | null> {
  return (availability ??= (async () => {
    try {
      // The typings lack ping's options; dockerode passes abortSignal through.
      const docker = testDocker() as unknown as { ping(opts: object): Promise<unknown> };
      await docker.ping({ abortSignal: AbortSignal.timeout(3_000) });
      return null;
    } catch (err) {
      const e = err as { code?: string; message?: string; name?: string };
      const why = e.name === 'TimeoutError' ? 'no answer within 3 s' : (e.code ?? e.message ?? String(err));
      return `no Docker engine at ${testEngineAddress()} (${why}); run .ci/setup-docker.sh as root to start one`;
    }
  })());
}

export function dockerRequired(): boolean {
  return process.env.DBPOOL_REQUIRE_DOCKER === '1';
}

/**
 * For a test file's top level: null when Docker tests can run; the reason (printed) when they
 * should be skipped; throws when DBPOOL_REQUIRE_DOCKER=1 and they cannot run. `extra` adds other
 * prerequisites' reasons (e.g. the host's PHP).
 */
export async function dockerSkipReason(...extra: (() => Promise<string | null>)[]): Promise<string | null> {
  const reasons = [await dockerAvailable()];
  for (const check of extra) reasons.push(await check());
  const reason = reasons.filter((r): r is string => r !== null).join('; ') || null;
  if (reason === null) return null;
  if (dockerRequired()) throw new Error(`DBPOOL_REQUIRE_DOCKER=1 but ${reason}`);
  console.warn(`[docker tests skipped] ${reason}`);
  return reason;
}

/** What the fault proxy does with one request: pass it on, never answer, or answer with an error. */
export type EngineFault = 'pass' | 'hang' | { status: number; message: string };

export interface EngineProxy {
  /** unix://… address of the proxy, for a Docker instance source. */
  address: string;
  close(): Promise<void>;
}

/**
 * A unix-socket HTTP proxy in front of the test engine that can stall or fail chosen requests
 * (`GET /containers/<id>/top`, …): a real engine misbehaving for one container only.
 */
export async function startEngineProxy(fault: (method: string, url: string) => EngineFault): Promise<EngineProxy> {
  const forward = forwardToTestEngine();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-engine-proxy-'));
  const socketPath = path.join(dir, 'docker.sock');
  const hung = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const what = fault(req.method ?? 'GET', req.url ?? '/');
    if (what === 'hang') {
      hung.add(res);
      return;
    }
    if (what !== 'pass') {
      res.writeHead(what.status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: what.message }));
      return;
    }
    forward(req, res);
  });
  server.listen(socketPath);
  await once(server, 'listening');
  return {
    address: `unix://${socketPath}`,
    close: async () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Passes one request through to the test engine, as the proxies in front of it do. */
export function forwardToTestEngine(): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const target = testEngineAddress();
  const socketPath = testEngineSocket();
  const upstream: http.RequestOptions = socketPath
    ? { socketPath }
    : { host: new URL(target.replace(/^tcp:/, 'http:')).hostname, port: Number(new URL(target.replace(/^tcp:/, 'http:')).port) };
  return (req, res) => {
    const forward = http.request({ ...upstream, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (err) => res.destroy(err));
    req.pipe(forward);
  };
}
