import type { Attribution } from './attribution.js';
import { inTransaction, runningInstances, sumPatterns } from './derived-facts.js';
import type { Facts, ProbeError, ProbeHintRef, ProcessRole, ServiceKind } from './facts.js';
import { holdingFindings } from './holding-findings.js';
import { pgbouncerFindings, type PgBouncerFindingParams } from './pgbouncer-findings.js';
import { terminableIdleSessions, type PgBouncerMath } from './pgbouncer-math.js';
import { pgbouncerLogCounts } from './pgbouncer-signs.js';
import type { PoolMath } from './pool-math.js';
import { unfinishedRollouts } from './rollouts.js';
import type { ServiceGroup } from './services.js';
import type { StopCandidate } from './stop-candidates.js';
import { fitRatio, type Thresholds } from './thresholds.js';

export type Severity = 'crit' | 'warn' | 'info';

/** Parameters of each finding, by code. The message catalogs turn them into sentences. */
export interface FindingParams extends PgBouncerFindingParams {
  postgres_unreachable: { kind: ProbeError['kind']; source: string; message: string; hint: ProbeHintRef | null };
  server_refusing: { source: string; message: string; hint: ProbeHintRef | null };
  /** `connections`: the usage (app + other clients), which exceeds `usable` only by superuser sessions in the reserved slots; dbpool's own apart. */
  server_at_limit: { connections: number; app: number; other: number; own: number; usable: number; max: number };
  utilization_high: { connections: number; usable: number; percent: number; threshold: number };
  demand_exceeds_capacity: { demand: number; capacity: number; missing: number };
  demand_near_capacity: { demand: number; capacity: number; percent: number };
  /** `quote`: the latest matching line as logged, from the match on. */
  server_full_in_logs: { instance: string; count: number; lastSeen: string | null; quote: string | null };
  app_pool_exhausted: { instance: string; count: number; lastSeen: string | null; quote: string | null; idleInTransaction: number; free: number | null };
  extra_instances: { running: number; expected: number; candidates: string[] };
  /** Orchestrated services with more replicas than expected: the older service beside a newer one, or too many replicas. */
  extra_replicas: {
    running: number;
    expected: number;
    services: { kind: ServiceKind; name: string; from: number; to: number; createdAt: string | null }[];
    /** The services kept beside them (the newer ones). */
    beside: string[];
  };
  /**
   * Issue #18: a Deployment's old ReplicaSet still runs pods beside the new one (a rollout under
   * way or stuck): every one of them holds its pools.
   */
  rollout_incomplete: {
    deployment: string;
    namespace: string;
    current: { name: string; revision: number | null; ready: number; desired: number; pods: number };
    old: { name: string; revision: number | null; pods: number }[];
    stuck: boolean;
    paused: boolean;
  };
  /** Swarm tasks seen, their services not read: only this engine's tasks count, nothing can be scaled through it. */
  swarm_services_unread: { source: string; reason: 'not_manager' | 'error'; message: string; services: string[] };
  idle_sessions_old: { count: number; minutes: number; oldestSeconds: number };
  idle_in_transaction: { count: number; oldestSeconds: number | null };
  states_hidden: { hidden: number };
  instance_source_failed: { source: string; kind: ProbeError['kind']; message: string; hint: ProbeHintRef | null };
  instance_probe_failed: { instance: string; source: string; message: string; hint: ProbeHintRef | null };
  no_instances: { sources: string[] };
  pool_setting_unknown: { instance: string; variable: string };
  pool_setting_fallback: { instance: string; variable: string; value: number };
  workers_mismatch: { instance: string; running: number; configured: number };
  /**
   * Pool processes counted from the process tree (no titles tell workers from task workers or custom
   * processes) against the configured workers + task workers: fewer is a warning, more a note.
   */
  pool_processes_mismatch: { instance: string; running: number; workers: number; taskWorkers: number };
  /** Measured: every connection of the instance idle, none used for `minutes`: it serves no traffic. */
  instance_holds_idle: { instance: string; held: number; minutes: number };
  /** Measured: one process holds connections idle in transaction: a leak, and where it is. */
  process_idle_in_transaction: { instance: string; pid: number; role: ProcessRole; count: number; held: number; oldestSeconds: number | null };
}

export type FindingCode = keyof FindingParams;

export type Finding = {
  [K in FindingCode]: { code: K; severity: Severity; params: FindingParams[K] };
}[FindingCode];

export interface FindingInput {
  facts: Facts;
  math: PoolMath;
  stopCandidates: StopCandidate[];
  thresholds: Thresholds;
  expectedInstances: number;
  poolSizeVar: string;
  workerNumVar: string;
  /** The PgBouncer layer; absent or not in the path: PostgreSQL alone. */
  pgbouncer?: PgBouncerMath;
  /** Which instance and process holds each connection, where it could be measured. */
  holding?: Attribution | null;
  /** The orchestrated services (services.ts); absent: none. */
  services?: ServiceGroup[];
}

const SEVERITY_ORDER: Record<Severity, number> = { crit: 0, warn: 1, info: 2 };

function finding<K extends FindingCode>(code: K, severity: Severity, params: FindingParams[K]): Finding {
  return { code, severity, params } as Finding;
}

/** Everything worth telling the on-call engineer, most severe first. */
export function findFindings(input: FindingInput): Finding[] {
  const out: Finding[] = [
    ...postgresFindings(input),
    ...capacityFindings(input),
    ...(input.pgbouncer ? pgbouncerFindings({ ...input, pgbouncer: input.pgbouncer }) : []),
    ...instanceFindings(input),
    ...holdingFindings(input),
  ];
  return out.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function postgresFindings({ facts, pgbouncer }: FindingInput): Finding[] {
  const pg = facts.postgres;
  if (!pg.ok) {
    if (pg.error.kind === 'server_full') {
      return [finding('server_refusing', 'crit', { source: pg.error.source, message: pg.error.message, hint: pg.error.hint ?? null })];
    }
    return [finding('postgres_unreachable', 'crit', { kind: pg.error.kind, source: pg.error.source, message: pg.error.message, hint: pg.error.hint ?? null })];
  }
  const f = pg.facts;
  const out: Finding[] = [];
  // PgBouncer's idle server connections are its pool, not a leak (pgbouncer_idle_servers says so).
  const idle = pgbouncer ? terminableIdleSessions(f.idleSessions, pgbouncer) : f.idleSessions;
  if (idle.length > 0) {
    out.push(
      finding('idle_sessions_old', 'warn', {
        count: idle.length,
        minutes: f.idleMinutes,
        oldestSeconds: Math.max(...idle.map((s) => s.idleSeconds)),
      }),
    );
  }
  const inTx = inTransaction(f.states);
  if (inTx > 0) {
    out.push(finding('idle_in_transaction', 'warn', { count: inTx, oldestSeconds: f.oldestIdleInTransactionSeconds }));
  }
  if (!f.statesVisible) out.push(finding('states_hidden', 'info', { hidden: f.states.hidden }));
  return out;
}

function capacityFindings({ facts, math, thresholds, pgbouncer }: FindingInput): Finding[] {
  const out: Finding[] = [];
  const server = math.server;
  if (server && math.usableSlots !== null && math.utilization !== null) {
    const percent = Math.round(math.utilization * 100);
    if (server.clientConnections >= math.usableSlots) {
      out.push(
        finding('server_at_limit', 'crit', {
          connections: server.used,
          app: server.appConnections,
          other: server.otherClients,
          own: server.ownConnections,
          usable: math.usableSlots,
          max: server.maxConnections,
        }),
      );
    } else if (math.utilization >= thresholds.warnUtilization) {
      const severity: Severity = math.utilization >= thresholds.critUtilization ? 'crit' : 'warn';
      out.push(
        finding('utilization_high', severity, {
          connections: server.used,
          usable: math.usableSlots,
          percent,
          threshold: Math.round(
            (severity === 'crit' ? thresholds.critUtilization : thresholds.warnUtilization) * 100,
          ),
        }),
      );
    }
  }
  // Behind PgBouncer the app's pools never reach PostgreSQL: the two-layer findings judge them.
  if (!pgbouncer?.inPath && math.appCapacity !== null && math.instances.length > 0 && math.knownDemand > 0) {
    if (math.knownDemand > math.appCapacity) {
      out.push(
        finding('demand_exceeds_capacity', 'crit', {
          demand: math.knownDemand,
          capacity: math.appCapacity,
          missing: math.knownDemand - math.appCapacity,
        }),
      );
    } else if (math.demandRatio !== null && math.demandRatio >= fitRatio(thresholds)) {
      out.push(
        finding('demand_near_capacity', 'warn', {
          demand: math.knownDemand,
          capacity: math.appCapacity,
          percent: Math.round(math.demandRatio * 100),
        }),
      );
    }
  }
  // The app's own pool is busy while the server still has room: a pool too small, or a leak.
  const serverHasRoom = facts.postgres.ok && math.utilization !== null && math.utilization < thresholds.critUtilization;
  const inTx = facts.postgres.ok ? inTransaction(facts.postgres.facts.states) : 0;
  for (const source of facts.instances) {
    for (const inst of source.instances) {
      const logs = inst.logs;
      if (!logs) continue;
      const full = sumPatterns(logs.serverFull);
      if (full.count > 0) {
        out.push(finding('server_full_in_logs', 'crit', { instance: inst.name, count: full.count, lastSeen: full.lastSeen, quote: full.quote }));
      }
      const exhausted = sumPatterns(logs.poolExhausted);
      // Refused by PgBouncer, the pool could not fill: pgbouncer_errors_in_logs says so, not "a leak".
      const refusedByPgBouncer = pgbouncerLogCounts(inst).length > 0;
      if (exhausted.count > 0 && !refusedByPgBouncer) {
        out.push(
          finding('app_pool_exhausted', serverHasRoom ? 'warn' : 'info', {
            instance: inst.name,
            count: exhausted.count,
            lastSeen: exhausted.lastSeen,
            quote: exhausted.quote,
            idleInTransaction: inTx,
            free: server && math.usableSlots !== null ? Math.max(0, math.usableSlots - server.used) : null,
          }),
        );
      }
    }
  }
  return out;
}

function instanceFindings(input: FindingInput): Finding[] {
  const { facts, math, stopCandidates, expectedInstances } = input;
  const out: Finding[] = [];
  const running = runningInstances(facts);
  for (const source of facts.instances) {
    if (source.swarmUnread) out.push(finding('swarm_services_unread', source.swarmUnread.reason === 'error' ? 'warn' : 'info', { source: source.source, ...source.swarmUnread }));
    if (!source.ok && source.error) {
      out.push(
        finding('instance_source_failed', 'warn', {
          source: source.source,
          kind: source.error.kind,
          message: source.error.message,
          hint: source.error.hint ?? null,
        }),
      );
    }
    for (const inst of source.instances) {
      for (const err of inst.errors) {
        out.push(finding('instance_probe_failed', 'warn', { instance: inst.name, source: err.source, message: err.message, hint: err.hint ?? null }));
      }
      for (const [setting, variable] of [
        [inst.poolSize, input.poolSizeVar],
        [inst.workerNum, input.workerNumVar],
      ] as const) {
        if (setting.origin === 'unknown') {
          out.push(finding('pool_setting_unknown', 'warn', { instance: inst.name, variable }));
        } else if (setting.origin === 'fallback') {
          out.push(finding('pool_setting_fallback', 'info', { instance: inst.name, variable, value: setting.value }));
        }
      }
    }
  }
  for (const d of math.instances) {
    const inst = running.find((i) => i.id === d.id);
    const configured = inst?.workerNum.value ?? null;
    if (!inst || d.workersOrigin !== 'measured' || configured === null) continue;
    if (d.untitled > 0) {
      // Like with like: every pool process under the manager against workers + task workers.
      const tasks = inst.taskWorkerNum.value;
      if (tasks !== null && d.holders !== null && d.holders !== configured + tasks) {
        const params = { instance: d.name, running: d.holders, workers: configured, taskWorkers: tasks };
        out.push(finding('pool_processes_mismatch', d.holders < configured + tasks ? 'warn' : 'info', params));
      }
    } else if (d.workers !== configured) {
      out.push(finding('workers_mismatch', 'warn', { instance: d.name, running: d.workers ?? 0, configured }));
    }
  }
  // Issue #13: a service is scaled, a container stopped; each is said in its own terms.
  const scaled = stopCandidates.filter((c) => c.scale);
  const stopped = stopCandidates.filter((c) => !c.scale);
  if (stopped.length > 0) {
    out.push(
      finding('extra_instances', 'warn', {
        running: running.length,
        expected: expectedInstances,
        candidates: stopped.map((c) => c.name),
      }),
    );
  }
  if (scaled.length > 0) {
    out.push(
      finding('extra_replicas', 'warn', {
        running: running.length,
        expected: expectedInstances,
        services: scaled.map((c) => ({ kind: c.scale!.kind, name: c.name, from: c.scale!.from, to: c.scale!.to, createdAt: c.createdAt ?? null })),
        beside: (input.services ?? []).filter((g) => g.kind !== 'compose' && g.running > 0 && !scaled.some((c) => c.id === g.id)).map((g) => g.name),
      }),
    );
  }
  for (const r of unfinishedRollouts(input.services ?? [])) {
    out.push(
      finding('rollout_incomplete', 'warn', {
        deployment: r.deployment,
        namespace: r.namespace,
        current: { name: r.current.name, revision: r.current.revision, ready: r.current.ready, desired: r.current.desired, pods: r.current.pods },
        old: r.old.map((o) => ({ name: o.name, revision: o.revision, pods: o.pods })),
        stuck: r.stuck,
        paused: r.paused,
      }),
    );
  }
  const sourcesOk = facts.instances.filter((s) => s.ok);
  if (facts.instances.length > 0 && sourcesOk.length === facts.instances.length && running.length === 0) {
    out.push(finding('no_instances', 'warn', { sources: facts.instances.map((s) => s.source) }));
  }
  return out;
}
