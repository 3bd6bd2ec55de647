/**
 * A Docker engine that can be "stopped" and "started" again at the same address: a unix-socket
 * proxy in front of the real test engine whose listener is closed (socket file gone, as when
 * dockerd stops) and re-opened on the same path, or which answers every request with an error.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { forwardToTestEngine, testEngineAddress, testEngineSocket } from './docker-engine.js';

export type EngineMode = 'pass' | { status: number; message: string };

export interface RestartableEngine {
  /** unix://… address, for DBPOOL_DOCKER_HOSTS. */
  address: string;
  mode: EngineMode;
  /** Closes the listener and drops open connections: the engine is gone. */
  down(): Promise<void>;
  /** Listens again on the same socket path. */
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startRestartableEngine(): Promise<RestartableEngine> {
  const forward = forwardToTestEngine();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-engine-restart-'));
  const socketPath = path.join(dir, 'docker.sock');
  let server: http.Server | null = null;
  const engine: RestartableEngine = {
    address: `unix://${socketPath}`,
    mode: 'pass',
    async down() {
      const s = server;
      server = null;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async up() {
      if (server) return;
      const s = http.createServer((req, res) => {
        const mode = engine.mode;
        if (mode !== 'pass') {
          req.resume();
          res.writeHead(mode.status, { 'content-type': 'application/json' }).end(JSON.stringify({ message: mode.message }));
          return;
        }
        forward(req, res);
      });
      s.listen(socketPath);
      await once(s, 'listening');
      server = s;
    },
    async close() {
      await engine.down();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await engine.up();
  return engine;
}

export interface ConnectionDroppingEngine {
  address: string;
  /**
   * Every connection open now dies when the client next sends on it, unanswered: what a client
   * meets on a pooled connection after an engine restart it did not notice.
   */
  dropOpenConnections(): void;
  /** How many requests met a dropped connection. */
  dropped: number;
  close(): Promise<void>;
}

/** A byte-level unix-socket proxy to the real test engine (unix socket only). */
export async function startConnectionDroppingEngine(): Promise<ConnectionDroppingEngine> {
  const upstream = testEngineSocket();
  if (upstream === null) throw new Error(`the test engine ${testEngineAddress()} is not a unix socket`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-engine-drop-'));
  const socketPath = path.join(dir, 'docker.sock');
  const open = new Set<net.Socket>();
  const doomed = new WeakSet<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    const engineSide = net.connect(upstream);
    client.on('data', (chunk) => {
      if (doomed.has(client)) {
        engine.dropped += 1;
        client.destroy();
        engineSide.destroy();
        return;
      }
      engineSide.write(chunk);
    });
    engineSide.pipe(client);
    const done = () => {
      open.delete(client);
      client.destroy();
      engineSide.destroy();
    };
    client.on('close', done).on('error', done);
    engineSide.on('close', done).on('error', done);
  });
  server.listen(socketPath);
  await once(server, 'listening');
  const engine: ConnectionDroppingEngine = {
    address: `unix://${socketPath}`,
    dropped: 0,
    dropOpenConnections: () => open.forEach((s) => doomed.add(s)),
    async close() {
      open.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return engine;
}
