import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InstanceSource } from '../core/facts.js';

export interface Health {
  status: 'ok' | 'degraded';
  postgres: { configured: boolean; reachable: boolean };
  instanceSources: { name: string; ok: boolean; error?: string }[];
}

export interface HealthTargets {
  postgres: { isConnected(): boolean } | null;
  instanceSources: InstanceSource[];
  /** Below the container healthcheck's timeout (5 s in the Dockerfile). */
  timeoutMs: number;
}

/**
 * Whether PostgreSQL and each instance source answer. Always HTTP 200 while the bot runs: an
 * unreachable database is exactly when the bot is needed, so it must not be restarted for it.
 */
export async function checkHealth(targets: HealthTargets): Promise<Health> {
  const sources = await Promise.all(
    targets.instanceSources.map(async (source) => {
      const signal = AbortSignal.timeout(targets.timeoutMs);
      const timedOut = new Promise<{ ok: false; error: { message: string } }>((resolve) =>
        signal.addEventListener('abort', () => resolve({ ok: false, error: { message: `no answer within ${targets.timeoutMs} ms` } })),
      );
      const observed = await Promise.race([
        source.observe(signal).catch((err: unknown) => ({ ok: false as const, error: { message: String((err as Error)?.message ?? err) } })),
        timedOut,
      ]);
      return { name: source.name, ok: observed.ok, ...(observed.ok ? {} : { error: observed.error?.message ?? 'failed' }) };
    }),
  );
  const postgres = { configured: targets.postgres !== null, reachable: targets.postgres?.isConnected() ?? false };
  const ok = postgres.reachable && sources.every((s) => s.ok);
  return { status: ok ? 'ok' : 'degraded', postgres, instanceSources: sources };
}

export function healthzRoute(targets: HealthTargets) {
  return {
    path: '/healthz',
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      checkHealth(targets).then(
        (health) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(health));
        },
        () => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end('{"status":"error"}');
        },
      );
    },
  };
}
