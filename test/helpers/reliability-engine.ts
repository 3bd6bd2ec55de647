/**
 * A Docker engine that can be "stopped" and "started" again at the same address: a unix-socket
 * proxy in front of the real test engine whose listener is closed (socket file gone, as when
 * dockerd stops) and re-opened on the same path, or which answers every request with an error.
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { forwardToTestEngine } from './docker-engine.js';

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
