import type { Finding, FindingCode, FindingParams } from './findings.js';
import type { PoolMath } from './pool-math.js';
import type { Recommendation } from './recommendations.js';
import type { Verdict } from './verdict.js';

/**
 * The first line of every report: what is wrong and what to do, decided once here so that the
 * terminal, the Slack notification, its header and the plugin line say the same thing.
 */
export interface Headline {
  cause: HeadlineCause;
  /** The first fix, when one applies to the cause. */
  fix: HeadlineFix | null;
  /** True for `math`: a calculation, not a reading of a live server. */
  whatIf: boolean;
}

export type HeadlineCause =
  | { code: 'unreachable'; source: string }
  | { code: 'refusing' }
  | { code: 'server_full'; connections: number; usable: number }
  | { code: 'utilization_high'; connections: number; usable: number; percent: number }
  | { code: 'pool_exhausted'; quote: string | null; count: number; free: number | null }
  | { code: 'demand_exceeds'; demand: number; capacity: number }
  | { code: 'demand_near'; demand: number; capacity: number; percent: number }
  | { code: 'pgbouncer'; verdict: 'CRIT' | 'WARN' }
  | { code: 'extra_instances'; running: number; expected: number }
  | { code: 'idle_in_transaction'; count: number }
  | { code: 'idle_sessions'; count: number; minutes: number }
  /** Any other warning: the report's general words, the finding itself follows. */
  | { code: 'other'; verdict: Verdict }
  | { code: 'healthy'; connections: number | null; usable: number | null; percent: number | null }
  | { code: 'fits'; demand: number; capacity: number | null };

export type HeadlineFix =
  | { code: 'stop_extra'; running: number; expected: number; stop: string[] }
  | { code: 'scale_down'; running: number; expected: number; services: string[] }
  | { code: 'lower_pool_size'; variable: string; suggested: number }
  | { code: 'raise_max_connections'; suggested: number }
  | { code: 'terminate_idle'; count: number }
  | { code: 'use_pooler' };

/**
 * What explains an incident, first: the extra instance before the demand it adds, the demand before
 * the full server, the full server before the refusals the app logged. Lower ranks come first
 * among the warnings and criticals; notes (info) always come last.
 */
const EXPLAINS: Partial<Record<FindingCode, number>> = {
  postgres_unreachable: 0,
  server_refusing: 1,
  pgbouncer_down: 1,
  extra_instances: 2,
  extra_replicas: 2,
  process_idle_in_transaction: 2,
  demand_exceeds_capacity: 3,
  pgbouncer_client_demand_exceeds: 3,
  pgbouncer_server_pools_exceed: 3,
  idle_in_transaction: 3,
  server_at_limit: 4,
  pgbouncer_client_limit: 4,
  app_pool_exhausted: 4,
  utilization_high: 5,
  demand_near_capacity: 5,
  instance_holds_idle: 5,
  idle_sessions_old: 6,
  server_full_in_logs: 7,
  pgbouncer_errors_in_logs: 7,
  pgbouncer_clients_waiting: 7,
};
const LATER = 8;

/** Findings in the order a reader follows the incident: the cause first, the symptoms after, notes last. */
export function orderByExplanation(findings: Finding[]): Finding[] {
  const key = (f: Finding) => (f.severity === 'info' ? 100 : 0) + (EXPLAINS[f.code] ?? LATER);
  const severity = { crit: 0, warn: 1, info: 2 } as const;
  return [...findings].sort((a, b) => key(a) - key(b) || severity[a.severity] - severity[b.severity]);
}

function find<K extends FindingCode>(findings: Finding[], code: K): FindingParams[K] | undefined {
  return findings.find((f) => f.code === code)?.params as FindingParams[K] | undefined;
}

export function decideHeadline(verdict: Verdict, findings: Finding[], recommendations: Recommendation[], math: PoolMath, whatIf: boolean): Headline {
  if (whatIf) return { cause: whatIfCause(findings, math), fix: whatIfFix(recommendations), whatIf };
  const cause = causeOf(verdict, findings, math);
  const fix = cause.code === 'healthy' || cause.code === 'unreachable' || cause.code === 'pool_exhausted' || cause.code === 'pgbouncer' ? null : fixOf(findings, recommendations);
  return { cause, fix, whatIf };
}

function causeOf(verdict: Verdict, findings: Finding[], math: PoolMath): HeadlineCause {
  const unreachable = find(findings, 'postgres_unreachable');
  if (unreachable) return { code: 'unreachable', source: unreachable.source };
  if (verdict === 'OK' || verdict === 'UNKNOWN') return healthy(math);
  if (find(findings, 'server_refusing')) return { code: 'refusing' };
  const deciding = findings.filter((f) => f.severity === verdict.toLowerCase());
  if (deciding.length > 0 && deciding.every((f) => f.code.startsWith('pgbouncer_'))) return { code: 'pgbouncer', verdict };
  const full = find(findings, 'server_at_limit');
  // dbpool's own connections take usable slots until those are full (then the reserved ones): the
  // headline counts what fills the usable slots, so "full" never reads 16/17.
  if (full) return { code: 'server_full', connections: Math.min(full.connections + full.own, full.usable), usable: full.usable };
  const exhausted = findings.find((f) => f.code === 'app_pool_exhausted' && f.severity !== 'info');
  if (exhausted?.code === 'app_pool_exhausted') {
    const all = findings.flatMap((f) => (f.code === 'app_pool_exhausted' ? [f.params.count] : []));
    return { code: 'pool_exhausted', quote: exhausted.params.quote, count: all.reduce((s, n) => s + n, 0), free: exhausted.params.free };
  }
  const high = find(findings, 'utilization_high');
  if (high) return { code: 'utilization_high', connections: high.connections, usable: high.usable, percent: high.percent };
  const exceeds = find(findings, 'demand_exceeds_capacity');
  if (exceeds) return { code: 'demand_exceeds', demand: exceeds.demand, capacity: exceeds.capacity };
  const near = find(findings, 'demand_near_capacity');
  if (near) return { code: 'demand_near', demand: near.demand, capacity: near.capacity, percent: near.percent };
  const extra = find(findings, 'extra_instances') ?? find(findings, 'extra_replicas');
  if (extra) return { code: 'extra_instances', running: extra.running, expected: extra.expected };
  const inTx = find(findings, 'idle_in_transaction');
  if (inTx) return { code: 'idle_in_transaction', count: inTx.count };
  const idle = find(findings, 'idle_sessions_old');
  if (idle) return { code: 'idle_sessions', count: idle.count, minutes: idle.minutes };
  return { code: 'other', verdict };
}

function healthy(math: PoolMath): HeadlineCause {
  const s = math.server;
  const percent = math.utilization === null ? null : Math.round(math.utilization * 100);
  return { code: 'healthy', connections: s ? s.used : null, usable: math.usableSlots, percent };
}

function fixOf(findings: Finding[], recommendations: Recommendation[]): HeadlineFix | null {
  const stop = find(findings, 'extra_instances');
  if (stop) return { code: 'stop_extra', running: stop.running, expected: stop.expected, stop: stop.candidates };
  const scale = find(findings, 'extra_replicas');
  if (scale) return { code: 'scale_down', running: scale.running, expected: scale.expected, services: scale.services.map((s) => s.name) };
  return whatIfFix(recommendations);
}

function whatIfFix(recommendations: Recommendation[]): HeadlineFix | null {
  for (const r of recommendations) {
    if (r.code === 'lower_pool_size') return { code: 'lower_pool_size', variable: r.params.variable, suggested: r.params.suggested };
    if (r.code === 'raise_max_connections') return { code: 'raise_max_connections', suggested: r.params.suggested };
    if (r.code === 'terminate_idle') return { code: 'terminate_idle', count: r.params.count };
    if (r.code === 'use_pooler') return { code: 'use_pooler' };
  }
  return null;
}

/** `math`: only the demand against the capacity is the answer; the what-if server has no live usage. */
function whatIfCause(findings: Finding[], math: PoolMath): HeadlineCause {
  const exceeds = find(findings, 'demand_exceeds_capacity');
  if (exceeds) return { code: 'demand_exceeds', demand: exceeds.demand, capacity: exceeds.capacity };
  const near = find(findings, 'demand_near_capacity');
  if (near) return { code: 'demand_near', demand: near.demand, capacity: near.capacity, percent: near.percent };
  return { code: 'fits', demand: math.knownDemand, capacity: math.appCapacity };
}
