import { attributeConnections, type Attribution } from './attribution.js';
import { runningInstances, unreadSources } from './derived-facts.js';
import type { Facts } from './facts.js';
import { findFindings, type Finding } from './findings.js';
import { decideHeadline, orderByExplanation, type Headline } from './headline.js';
import { computePgBouncerMath, type PgBouncerMath } from './pgbouncer-math.js';
import { computePoolMath, instanceDemand, serverCapacity, type PoolMath } from './pool-math.js';
import { recommend, type Recommendation } from './recommendations.js';
import { groupServices, replicaDemands, type ServiceGroup } from './services.js';
import { findStopCandidates, type StopCandidate } from './stop-candidates.js';
import type { Thresholds } from './thresholds.js';
import { decideVerdict, VERDICT_EXIT_CODE, type Verdict } from './verdict.js';

/** Which part of the report a command shows; every view is built from the same model. Each is a command of its own name. */
export const REPORT_VIEWS = ['status', 'connections', 'instances', 'workers', 'config', 'idle', 'math'] as const;
export type ReportView = (typeof REPORT_VIEWS)[number];

export interface Report {
  view: ReportView;
  generatedAt: string;
  target: { host: string; database: string } | null;
  verdict: Verdict;
  /** The first line: the diagnosis and the fix (headline.ts). */
  headline: Headline;
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
  const found = findFindings({
    ...common,
    holding,
    expectedInstances: settings.expectedInstances,
    poolSizeVar: settings.poolSizeVar,
    workerNumVar: settings.workerNumVar,
  });
  const findings = orderByExplanation(found);
  const recommendations = recommend({ ...common, poolSizeVar: settings.poolSizeVar, monitorRole: settings.monitorRole });
  const pg = facts.postgres;
  const verdict = decideVerdict(findings);
  return {
    view,
    generatedAt: facts.observedAt,
    target: pg.ok ? { host: pg.facts.host, database: pg.facts.database } : { host: pg.host, database: pg.database },
    verdict,
    headline: decideHeadline(verdict, findings, recommendations, math, view === 'math'),
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

/**
 * The exit code of a report command. A live report exits with its verdict (Nagios/Icinga). `math` is
 * a calculation, never an incident: 0 when the full pools fit below the lines, 1 when they do not.
 */
export function reportExitCode(report: Pick<Report, 'view' | 'verdict' | 'headline'>): number {
  if (report.view === 'math') return report.headline.cause.code === 'fits' ? 0 : 1;
  return VERDICT_EXIT_CODE[report.verdict];
}
