import { appIdleSessions, inTransaction, sessionsByRole } from './derived-facts.js';
import type { Facts, ServiceKind } from './facts.js';
import { terminableIdleSessions, type PgBouncerMath } from './pgbouncer-math.js';
import { recommendForPgBouncer, type PgBouncerRecommendationParams } from './pgbouncer-recommendations.js';
import type { PoolMath } from './pool-math.js';
import { rolloutCommands, unfinishedRollouts } from './rollouts.js';
import type { ServiceGroup } from './services.js';
import { stopRecommendations } from './stop-recommendations.js';
import { leavingInstanceIds, type StopCandidate } from './stop-candidates.js';
import { fitRatio, type Thresholds } from './thresholds.js';

/** Parameters of each recommendation, by code; `command` is the exact line to apply. */
export interface RecommendationParams extends PgBouncerRecommendationParams {
  lower_pool_size: { variable: string; current: number | null; suggested: number; holders: number; capacity: number };
  raise_max_connections: { current: number; suggested: number; extraMemoryMb: number };
  /**
   * compose: candidates `docker compose up` starts again, with the file to change; restartAlways:
   * containers a daemon restart starts again (policy always); restartUnlessStopped: stopped for good.
   */
  stop_extra_instances: {
    candidates: string[];
    compose?: { name: string; project: string; service: string; file: string | null }[];
    restartAlways?: string[];
    restartUnlessStopped?: string[];
  };
  /** An orchestrated service scaled down (to 0: the older service beside a newer one). */
  scale_down_service: { kind: ServiceKind; service: string; from: number; to: number; beside: string[] };
  /** Issue #18: a Deployment whose old ReplicaSet still runs pods beside the new one: the controller's commands, never a pod deleted. */
  rollout_undo: { deployment: string; namespace: string; revision: number | null; back: number | null; stuck: boolean; paused: boolean };
  /** roles: what the plan touches, per role. behindPgBouncer: a PgBouncer dbpool cannot read is in the path, so some may be its server connections. */
  terminate_idle: { count: number; minutes: number; database: string; roles: { role: string; count: number }[]; behindPgBouncer?: boolean };
  use_pooler: { demand: number; suggestedPoolSize: number };
  idle_in_transaction_timeout: { database: string; count: number };
  grant_pg_monitor: { role: string };
}

export type RecommendationCode = keyof RecommendationParams;

/** Actions dbpool can carry out itself after a confirm click (issue: remediation). */
export type RemediationAction = 'terminate_idle' | 'stop_extra';

export type Recommendation = {
  [K in RecommendationCode]: {
    code: K;
    params: RecommendationParams[K];
    /** Exact lines an engineer would apply. */
    commands: { lang: 'sql' | 'env' | 'shell' | 'yaml' | 'ini'; text: string }[];
    action?: RemediationAction;
  };
}[RecommendationCode];

export interface RecommendationInput {
  facts: Facts;
  math: PoolMath;
  stopCandidates: StopCandidate[];
  thresholds: Thresholds;
  poolSizeVar: string;
  monitorRole: string | null;
  /** The PgBouncer layer; absent or not in the path: PostgreSQL alone. */
  pgbouncer?: PgBouncerMath;
  /** The orchestrated services (services.ts); absent: none. */
  services?: ServiceGroup[];
}

export function recommend(input: RecommendationInput): Recommendation[] {
  const { facts, math, thresholds } = input;
  const out: Recommendation[] = [];
  const pg = facts.postgres.ok ? facts.postgres.facts : null;
  const database = pg?.database ?? (facts.postgres.ok ? '' : facts.postgres.database);
  const behindPgBouncer = input.pgbouncer?.inPath ?? false;

  // The layer that refuses or queues the app comes first, said in its own settings.
  if (input.pgbouncer && behindPgBouncer) {
    out.push(
      ...recommendForPgBouncer({
        ...input,
        pgbouncer: input.pgbouncer,
        raiseMaxConnections: (demand, others) => raiseMaxConnections(math, thresholds, demand, others),
      }),
    );
  }

  // Services are scaled through their orchestrator, containers stopped (stop-recommendations.ts).
  out.push(...stopRecommendations(input.stopCandidates, input.services));
  for (const r of unfinishedRollouts(input.services ?? [])) {
    out.push({
      code: 'rollout_undo',
      params: { deployment: r.deployment, namespace: r.namespace, revision: r.current.revision, back: r.old[0]?.revision ?? null, stuck: r.stuck, paused: r.paused },
      commands: rolloutCommands(r).map((text) => ({ lang: 'shell' as const, text })),
    });
  }

  // Only the app's idle sessions: another role's, a superuser's or another tool's are listed, never proposed;
  // nor PgBouncer's own idle server connections: it would open them again at once.
  const appIdle = pg ? (input.pgbouncer ? terminableIdleSessions(appIdleSessions(pg), input.pgbouncer) : appIdleSessions(pg)) : [];
  if (pg && appIdle.length > 0) {
    const roles = sessionsByRole(appIdle);
    const unread = behindPgBouncer && !input.pgbouncer?.bouncers.some((b) => b.read);
    out.push({
      code: 'terminate_idle',
      params: { count: appIdle.length, minutes: pg.idleMinutes, database, roles, ...(unread ? { behindPgBouncer: true } : {}) },
      commands: [{ lang: 'sql', text: terminateIdleSql(pg.idleMinutes, roles.map((r) => r.role)) }],
      action: 'terminate_idle',
    });
  }

  const fit = fitRatio(thresholds);
  // Behind PgBouncer the app's pools are judged against PgBouncer, not PostgreSQL (above).
  const overloaded = !behindPgBouncer && math.demandRatio !== null && math.knownDemand > 0 && math.demandRatio >= fit;
  if (overloaded && math.appCapacity !== null && math.server) {
    // Demand after stopping the extra instances is what the remaining pools must fit in.
    const leaving = new Set(input.stopCandidates.flatMap(leavingInstanceIds));
    const remaining = math.instances.filter((i) => !leaving.has(i.id));
    const holders = remaining.reduce((s, i) => s + (i.holders ?? 0), 0);
    // The largest pool size whose full pools stay strictly below the fit line.
    const suggested = holders > 0 ? Math.ceil((math.appCapacity * fit) / holders) - 1 : 0;
    const poolSizes = new Set(remaining.map((i) => i.poolSize));
    const current = poolSizes.size === 1 ? ([...poolSizes][0] ?? null) : null;
    if (suggested >= 1 && (current === null || suggested < current)) {
      out.push({
        code: 'lower_pool_size',
        params: { variable: input.poolSizeVar, current, suggested, holders, capacity: math.appCapacity },
        commands: [{ lang: 'env', text: `${input.poolSizeVar}=${suggested}` }],
      });
    }

    const remainingDemand = remaining.reduce((s, i) => s + (i.demand ?? 0), 0);
    const raise = raiseMaxConnections(math, thresholds, remainingDemand, math.server.otherClients);
    if (raise) out.push(raise);
    if (math.knownDemand >= thresholds.poolerThreshold) {
      const poolSize = Math.max(10, Math.floor((math.appCapacity * fit) / 2));
      out.push({
        code: 'use_pooler',
        params: { demand: math.knownDemand, suggestedPoolSize: poolSize },
        commands: [{ lang: 'ini', text: `pool_mode = transaction\ndefault_pool_size = ${poolSize}\nmax_client_conn = ${roundUp(math.knownDemand * 1.2, 100)}` }],
      });
    }
  }

  const inTx = pg ? inTransaction(pg.states) : 0;
  if (pg && inTx > 0) {
    out.push({
      code: 'idle_in_transaction_timeout',
      params: { database, count: inTx },
      commands: [{ lang: 'sql', text: `ALTER DATABASE ${quoteIdent(database)} SET idle_in_transaction_session_timeout = '60s';` }],
    });
  }

  if (pg && !pg.statesVisible && input.monitorRole) {
    out.push({
      code: 'grant_pg_monitor',
      params: { role: input.monitorRole },
      commands: [{ lang: 'sql', text: `GRANT pg_monitor TO ${quoteIdent(input.monitorRole)};` }],
    });
  }
  return out;
}

/** max_connections for `demand` connections beside `others`, below the fit line; null when the current one suffices. */
function raiseMaxConnections(math: PoolMath, thresholds: Thresholds, demand: number, others: number): Recommendation | null {
  if (!math.server) return null;
  const needed = roundUp(Math.floor((demand + others) / fitRatio(thresholds)) + 1 + math.server.reservedSlots, 10);
  if (needed <= math.server.maxConnections) return null;
  return {
    code: 'raise_max_connections',
    params: {
      current: math.server.maxConnections,
      suggested: needed,
      extraMemoryMb: Math.round((needed - math.server.maxConnections) * thresholds.memoryPerConnectionMb),
    },
    commands: [
      { lang: 'sql', text: `ALTER SYSTEM SET max_connections = ${needed};  -- takes effect after a restart of PostgreSQL` },
      { lang: 'yaml', text: `command: postgres -c max_connections=${needed}  # or in docker compose, the postgres service` },
    ],
  };
}

/** The runbook's fix 4, with the configured age, for the app's roles only (never a superuser's or another tool's session). */
export function terminateIdleSql(minutes: number, roles: string[]): string {
  return [
    'SELECT pg_terminate_backend(pid)',
    'FROM pg_stat_activity',
    'WHERE datname = current_database()',
    "  AND backend_type = 'client backend'",
    `  AND usename IN (${roles.map(quoteLiteral).join(', ')})`,
    "  AND state = 'idle'",
    `  AND state_change < NOW() - INTERVAL '${minutes} minutes';`,
  ].join('\n');
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function roundUp(n: number, step: number): number {
  return Math.ceil(n / step) * step;
}

export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
