import pg from 'pg';
import type { TestPostgres } from './postgres-server.js';

/**
 * Real sessions of the app's role, left idle for `idleMs` so that a fractional `--minutes` threshold
 * finds them. Returns the clients (the caller ends them) and their backend pids.
 */
export async function openIdleSessions(
  server: TestPostgres,
  n: number,
  options: { user?: string; password?: string; applicationName?: string; idleMs?: number } = {},
): Promise<{ clients: pg.Client[]; pids: number[] }> {
  const clients = await Promise.all(
    Array.from({ length: n }, async () => {
      const c = new pg.Client({
        connectionString: server.url(server.database, options.user ?? 'app', options.password ?? 'app'),
        application_name: options.applicationName ?? 'php_swoole_app',
      });
      c.on('error', () => undefined);
      await c.connect();
      return c;
    }),
  );
  await new Promise((r) => setTimeout(r, options.idleMs ?? 1500));
  return { clients, pids: clients.map((c) => (c as unknown as { processID: number }).processID) };
}
