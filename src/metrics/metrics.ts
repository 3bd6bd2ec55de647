import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Report } from '../core/report.js';
import { VERDICT_EXIT_CODE } from '../core/verdict.js';
import { createPgBouncerMetrics } from './pgbouncer-metrics.js';

/** Prometheus metrics of dbpool, fed from the same reports everyone else reads. */
export interface Metrics {
  registry: Registry;
  observeReport(report: Report, durationSeconds: number): void;
  actionRun(action: string, outcome: 'ok' | 'failed'): void;
  actionRefused(action: string, reason: string): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'dbpool_process_' });
  const gauge = (name: string, help: string) => new Gauge({ name, help, registers: [registry] });
  const connections = gauge('dbpool_postgres_client_connections', 'Client connections on the server');
  const maxConnections = gauge('dbpool_postgres_max_connections', 'max_connections');
  const usable = gauge('dbpool_postgres_usable_connections', 'max_connections minus reserved slots');
  const utilization = gauge('dbpool_postgres_utilization_ratio', 'Client connections / usable connections');
  const demand = gauge('dbpool_app_pool_demand', 'Connections the app pools can ask for (workers x DB_POOL_SIZE, summed)');
  const capacity = gauge('dbpool_app_capacity', 'Connections available to the app');
  const instances = gauge('dbpool_app_instances_running', 'Running app instances');
  const reachable = gauge('dbpool_postgres_up', '1 when the last observation of PostgreSQL succeeded');
  const verdict = gauge('dbpool_verdict', 'Verdict of the last diagnosis: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN');
  const duration = new Histogram({
    name: 'dbpool_diagnosis_duration_seconds',
    help: 'Time of one diagnosis',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const runs = new Counter({ name: 'dbpool_actions_total', help: 'Remediation actions run', labelNames: ['action', 'outcome'], registers: [registry] });
  const refusals = new Counter({ name: 'dbpool_actions_refused_total', help: 'Remediation actions refused', labelNames: ['action', 'reason'], registers: [registry] });
  const observePgBouncers = createPgBouncerMetrics(registry);

  return {
    registry,
    observeReport(report, seconds) {
      duration.observe(seconds);
      verdict.set(VERDICT_EXIT_CODE[report.verdict]);
      const pg = report.facts.postgres;
      reachable.set(pg.ok ? 1 : 0);
      if (pg.ok) {
        connections.set(pg.facts.clientConnections);
        maxConnections.set(pg.facts.maxConnections);
      }
      if (report.math.usableSlots !== null) usable.set(report.math.usableSlots);
      if (report.math.utilization !== null) utilization.set(report.math.utilization);
      if (report.math.appCapacity !== null) capacity.set(report.math.appCapacity);
      demand.set(report.math.knownDemand);
      instances.set(report.math.instances.length);
      observePgBouncers(report);
    },
    actionRun: (action, outcome) => runs.inc({ action, outcome }),
    actionRefused: (action, reason) => refusals.inc({ action, reason }),
  };
}
