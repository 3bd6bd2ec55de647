import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { runningCount } from '../core/derived-facts.js';
import type { Report } from '../core/report.js';
import { VERDICT_EXIT_CODE } from '../core/verdict.js';
import type { Refusal } from '../actions/approval-guard.js';
import type { RemediationAction } from '../actions/remediation-plan.js';
import { createPgBouncerMetrics } from './pgbouncer-metrics.js';

const ACTIONS = ['terminate_idle', 'stop_extra', 'undo_scale'] as const satisfies readonly RemediationAction[];
const OUTCOMES = ['ok', 'failed'] as const;
const REFUSALS = [
  'unknown_plan', 'expired', 'already_ran', 'cancelled', 'not_approver', 'requester_cannot_approve',
  'read_only', 'hourly_cap', 'cannot_cancel', 'state_unavailable', 'shutting_down',
] as const satisfies readonly Refusal[];
// A new action or refusal that is not listed above fails to compile here.
const allListed: [Exclude<RemediationAction, (typeof ACTIONS)[number]>, Exclude<Refusal, (typeof REFUSALS)[number]>] extends [never, never] ? true : never = true;
void allListed;

/**
 * prom-client's process and Node.js metrics under the names every dashboard knows (process_*,
 * nodejs_*), without the three gauges it names *_total (active handles, requests, resources):
 * Prometheus keeps that suffix for counters, and their per-type gauges (nodejs_active_handles{type})
 * carry the same figures.
 */
function processMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
}

/** Prometheus metrics of dbpool, fed from the same reports everyone else reads. */
export interface Metrics {
  registry: Registry;
  observeReport(report: Report, durationSeconds: number): void;
  actionRun(action: string, outcome: 'ok' | 'failed'): void;
  actionRefused(action: string, reason: string): void;
}

/**
 * The figures carry the server they are about (`target="host/database"`), so that a figure dbpool
 * could not read is dropped rather than repeated: with postgres_up 0 the connection figures vanish,
 * and with an instance source blind the instance figures do, instead of the last values standing
 * in (or, for a gauge without labels, a guessed zero).
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) processMetrics(registry);
  const figure = (name: string, help: string) => new Gauge({ name, help, labelNames: ['target'], registers: [registry] });
  const connections = figure('dbpool_postgres_client_connections', 'Client connections on the server');
  const maxConnections = figure('dbpool_postgres_max_connections', 'max_connections');
  const usable = figure('dbpool_postgres_usable_connections', 'max_connections minus reserved slots');
  const utilization = figure('dbpool_postgres_utilization_ratio', 'Client connections / usable connections');
  const capacity = figure('dbpool_app_capacity_connections', 'Connections available to the app');
  const demand = figure('dbpool_app_pool_demand_connections', 'Connections the app pools can ask for (workers x DB_POOL_SIZE, summed)');
  const instances = figure('dbpool_app_instances_running', 'Running app instances');
  const reachable = new Gauge({ name: 'dbpool_postgres_up', help: '1 when the last observation of PostgreSQL succeeded', registers: [registry] });
  const verdict = new Gauge({ name: 'dbpool_verdict', help: 'Verdict of the last diagnosis: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN', registers: [registry] });
  // Before the first diagnosis nothing is known: UNKNOWN, not a default 0 that reads as OK.
  verdict.set(VERDICT_EXIT_CODE.UNKNOWN);
  const duration = new Histogram({
    name: 'dbpool_diagnosis_duration_seconds',
    help: 'Time of one diagnosis',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const runs = new Counter({ name: 'dbpool_actions_total', help: 'Remediation actions run', labelNames: ['action', 'outcome'], registers: [registry] });
  const refusals = new Counter({ name: 'dbpool_actions_refused_total', help: 'Remediation actions refused', labelNames: ['action', 'reason'], registers: [registry] });
  // Every series at 0 from the start, so that rate() and increase() see the first action.
  for (const action of ACTIONS) {
    for (const outcome of OUTCOMES) runs.inc({ action, outcome }, 0);
    for (const reason of REFUSALS) refusals.inc({ action, reason }, 0);
  }
  const observePgBouncers = createPgBouncerMetrics(registry);

  /** Sets the figure for this target, or drops it when it could not be read. */
  const show = (gauge: Gauge, target: string, value: number | null) => {
    gauge.reset();
    if (value !== null) gauge.set({ target }, value);
  };

  return {
    registry,
    observeReport(report, seconds) {
      duration.observe(seconds);
      verdict.set(VERDICT_EXIT_CODE[report.verdict]);
      const pg = report.facts.postgres;
      const target = report.target ? `${report.target.host}/${report.target.database}` : '';
      reachable.set(pg.ok ? 1 : 0);
      const math = report.math;
      show(connections, target, pg.ok ? pg.facts.clientConnections : null);
      show(maxConnections, target, pg.ok ? pg.facts.maxConnections : null);
      show(usable, target, math.usableSlots);
      show(utilization, target, math.utilization);
      show(capacity, target, math.appCapacity);
      const running = runningCount(report.facts);
      show(instances, target, running);
      show(demand, target, running === null ? null : math.knownDemand);
      observePgBouncers(report);
    },
    actionRun: (action, outcome) => runs.inc({ action, outcome }),
    actionRefused: (action, reason) => refusals.inc({ action, reason }),
  };
}
