import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InstanceSource } from '../core/facts.js';
import type { StateProblem } from '../state/state-store.js';
import type { SlackHealth } from './slack-client.js';

export interface Health {
  status: 'ok' | 'degraded';
  postgres: { configured: boolean; reachable: boolean };
  instanceSources: { name: string; ok: boolean; error?: string }[];
  /** Slack's Web API as the bot's own calls found it. */
  slack: SlackHealth;
  /** The state file: plans, audit, hourly cap. Actions are refused while it is not sound. */
  state: { ok: boolean; problem?: StateProblem | 'unavailable' };
}

export interface HealthTargets {
  postgres: { isConnected(): boolean } | null;
  instanceSources: InstanceSource[];
  slack: () => SlackHealth;
  /** Null when the state store could not be opened. */
  state: { problem(): StateProblem | null } | null;
  /** Below the container healthcheck's timeout (5 s in the Dockerfile). */
  timeoutMs: number;
}

/**
 * Whether PostgreSQL, each instance source, Slack and the state file are sound. Always HTTP 200 while
 * the bot runs: an unreachable database is exactly when the bot is needed, so it must not be
 * restarted for it.
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
  const slack = targets.slack();
  const problem: StateProblem | 'unavailable' | null = targets.state ? targets.state.problem() : 'unavailable';
  const state: Health['state'] = problem ? { ok: false, problem } : { ok: true };
  const ok = postgres.reachable && sources.every((s) => s.ok) && slack.ok && state.ok;
  return { status: ok ? 'ok' : 'degraded', postgres, instanceSources: sources, slack, state };
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
