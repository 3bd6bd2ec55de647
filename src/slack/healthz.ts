import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Facts, InstanceSource } from '../core/facts.js';
import type { StateProblem } from '../state/state-store.js';
import { deadlineSignal } from '../deadline-signal.js';
import type { SlackHealth } from './slack-client.js';
import type { SocketModeHealth } from './socket-mode-connection.js';

export interface Health {
  status: 'ok' | 'degraded';
  postgres: { configured: boolean; reachable: boolean };
  /**
   * Each instance source: `ok` whether it answers now (an engine's ping), `observed` what the latest
   * full look (the sampler's, or a command's) found and when; null before the first one.
   */
  instanceSources: { name: string; ok: boolean; error?: string; observed: { at: string; ok: boolean; instances: number; error?: string } | null }[];
  /** Slack's Web API as the bot's own calls found it. */
  slack: SlackHealth;
  /** The Socket Mode connection: its state, reconnects and latest disconnect; null in HTTP mode. */
  socketMode: SocketModeHealth | null;
  /** The state file: plans, audit, hourly cap. Actions are refused while it is not sound. */
  state: { ok: boolean; problem?: StateProblem | 'unavailable' };
}

export interface HealthTargets {
  postgres: { isConnected(): boolean } | null;
  instanceSources: InstanceSource[];
  /** The facts of the latest finished diagnosis; null before the first. */
  latest: () => Facts | null;
  slack: () => SlackHealth;
  /** Null in HTTP mode. */
  socketMode?: () => SocketModeHealth | null;
  /** Null when the state store could not be opened. */
  state: { problem(): StateProblem | null } | null;
  /** Below the container healthcheck's timeout (5 s in the Dockerfile). */
  timeoutMs: number;
}

/**
 * Whether PostgreSQL, each instance source, Slack and the state file are sound, without a diagnosis:
 * the Docker HEALTHCHECK asks every 30 s, and a full look (list, inspect, top and a log tail per
 * container) that often would cost the engine more than the incident it watches. PostgreSQL is the
 * monitoring connection's state, an engine its ping, and what the instances looked like comes from
 * the latest diagnosis the bot made anyway. Always HTTP 200 while the bot runs: an unreachable
 * database is exactly when the bot is needed, so it must not be restarted for it.
 */
export async function checkHealth(targets: HealthTargets): Promise<Health> {
  const latest = targets.latest();
  const sources = await Promise.all(
    targets.instanceSources.map(async (source) => {
      const seen = latest?.instances.find((o) => o.source === source.name);
      const observed = latest && seen
        ? { at: latest.observedAt, ok: seen.ok, instances: seen.instances.length, ...(seen.error ? { error: seen.error.message } : {}) }
        : null;
      const answer = await ping(source, targets.timeoutMs);
      return { name: source.name, ...answer, observed };
    }),
  );
  const postgres = { configured: targets.postgres !== null, reachable: targets.postgres?.isConnected() ?? false };
  const slack = targets.slack();
  const socketMode = targets.socketMode?.() ?? null;
  const problem: StateProblem | 'unavailable' | null = targets.state ? targets.state.problem() : 'unavailable';
  const state: Health['state'] = problem ? { ok: false, problem } : { ok: true };
  const connected = socketMode === null || socketMode.state === 'connected';
  const ok = postgres.reachable && sources.every((s) => s.ok) && slack.ok && connected && state.ok;
  return { status: ok ? 'ok' : 'degraded', postgres, instanceSources: sources, slack, socketMode, state };
}

async function ping(source: InstanceSource, timeoutMs: number): Promise<{ ok: boolean; error?: string }> {
  if (!source.ping) return { ok: true };
  const deadline = deadlineSignal(timeoutMs);
  const { signal } = deadline;
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () => reject(new Error(`no answer within ${timeoutMs} ms`)), { once: true }),
  );
  try {
    await Promise.race([source.ping(signal), timedOut]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: String((err as Error)?.message ?? err) };
  } finally {
    deadline.release();
  }
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
