import { attributeConnections, type Attribution } from './attribution.js';
import { runningInstances, unreadSources } from './derived-facts.js';
import type { Facts } from './facts.js';
import { findFindings, type Finding } from './findings.js';
import { computePgBouncerMath, type PgBouncerMath } from './pgbouncer-math.js';
import { computePoolMath, instanceDemand, serverCapacity, type PoolMath } from './pool-math.js';
import { recommend, type Recommendation } from './recommendations.js';
import { groupServices, replicaDemands, type ServiceGroup } from './services.js';
import { findStopCandidates, type StopCandidate } from './stop-candidates.js';
import type { Thresholds } from './thresholds.js';
import { decideVerdict, type Verdict } from './verdict.js';

/** Which part of the report a command shows; every view is built from the same model. Each is a command of its own name. */
export const REPORT_VIEWS = ['status', 'connections', 'instances', 'workers', 'config', 'idle', 'math'] as const;
export type ReportView = (typeof REPORT_VIEWS)[number];

export interface Report {
  view: ReportView;
  generatedAt: string;
  target: { host: string; database: string } | null;
  verdict: Verdict;
  facts: Facts;
  math: PoolMath;
  /** The orchestrated services (Swarm, Compose, ...) with their replicas; bare instances are in math and facts. */
  services: ServiceGroup[];
  /** The PgBouncer layer: app pools against max_client_conn, server pools against PostgreSQL. */
  pgbouncer: PgBouncerMath;
  /** Which instance and process holds each connection, where measurable; null otherwise. */
  holding: Attribution | null;
  stopCandidates: StopCandidate[];
  findings: Finding[];
  recommendations: Recommendation[];
  settings: ReportSettings;
}

/** The configuration a reader needs to interpret the report. */
export interface ReportSettings {
  thresholds: Thresholds;
  expectedInstances: number;
  poolSizeVar: string;
  workerNumVar: string;
  taskWorkerNumVar: string;
  monitorRole: string | null;
}

/** facts -> pool math -> findings -> recommendations -> report. Pure: no I/O, no clock. */
export function buildReport(view: ReportView, facts: Facts, settings: ReportSettings): Report {
  const running = runningInstances(facts);
  const server = facts.postgres.ok ? serverCapacity(facts.postgres.facts) : null;
  // Replicas dbpool could not look into take their pool processes from the ones it could (services.ts).
  const demands = replicaDemands(running, running.map(instanceDemand));
  const math = computePoolMath(demands, server, unreadSources(facts).length);
  const services = groupServices(facts, running, demands);
  const stopCandidates = findStopCandidates(running, settings.expectedInstances, services);
  const pgbouncer = computePgBouncerMath(facts, math);
  const holding = facts.postgres.ok ? attributeConnections(facts.postgres.facts, running) : null;
  const common = { facts, math, stopCandidates, thresholds: settings.thresholds, pgbouncer, services };
  const findings = findFindings({
    ...common,
    holding,
    expectedInstances: settings.expectedInstances,
    poolSizeVar: settings.poolSizeVar,
    workerNumVar: settings.workerNumVar,
  });
  const recommendations = recommend({ ...common, poolSizeVar: settings.poolSizeVar, monitorRole: settings.monitorRole });
  const pg = facts.postgres;
  return {
    view,
    generatedAt: facts.observedAt,
    target: pg.ok ? { host: pg.facts.host, database: pg.facts.database } : { host: pg.host, database: pg.database },
    verdict: decideVerdict(findings),
    facts,
    math,
    services,
    pgbouncer,
    holding,
    stopCandidates,
    findings,
    recommendations,
    settings,
  };
}
