import type { Server } from 'node:http';

/**
 * Why the bot could not listen on PORT, as the one line an operator needs (which variable to change),
 * instead of a stack trace. Null for any other failure, which stays an error with its stack.
 */
export function listenRefusal(err: unknown, port: number): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') return `PORT: port ${port} is already in use by another process; set PORT to a free port (it serves /healthz, /metrics and, in HTTP mode, /slack/events)`;
  if (code === 'EACCES') return `PORT: port ${port} needs privileges dbpool's user does not have; set PORT to 1024 or above`;
  return null;
}

/**
 * Settles when the Socket Mode receiver's HTTP server (/healthz, /metrics) listens, or rejects with
 * its listen error: Bolt calls listen() without an error handler, so a port in use would otherwise
 * end the process with an unhandled 'error' event. Bolt keeps the server in a private field.
 */
export function socketModeListening(receiver: object): Promise<void> {
  const server = (receiver as { httpServer?: Server }).httpServer;
  if (!server) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
}
