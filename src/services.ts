import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from './actions/audit-log.js';
import { createPlanExecutor } from './actions/execute-plan.js';
import type { InstanceStopper } from './actions/executors.js';
import { PlanStore } from './actions/plan-store.js';
import { RemediationFlow } from './actions/remediation-flow.js';
import type { CommandContext } from './commands/command-table.js';
import type { Config } from './config.js';
import type { InstanceSource } from './core/facts.js';
import type { SummaryDeps } from './diagnosis/build-summary.js';
import { createDiagnoser, type Diagnoser } from './diagnosis/diagnose.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { createDockerInstanceSources } from './probes/docker/docker-instance-source.js';
import { createDockerStopper } from './probes/docker/docker-stopper.js';
import { createPgBouncerProbe, type PgBouncerProbe } from './probes/pgbouncer/pgbouncer-probe.js';
import { createPostgresProbe, type PostgresProbe } from './probes/postgres/postgres-probe.js';
import { createProcessInstanceSource } from './probes/processes/process-instance-source.js';
import { createProcessStopper } from './probes/processes/process-stopper.js';
import { HistoryStore } from './state/history-store.js';
import { openStateDb, type StateDb } from './state/state-store.js';

/** The long-lived parts every front end shares: one monitoring connection, the instance sources, the state file. */
export interface Services {
  config: Config;
  now: () => Date;
  postgres: PostgresProbe | null;
  /** One kept admin-console connection per configured PgBouncer. */
  pgbouncers: PgBouncerProbe[];
  instanceSources: InstanceSource[];
  /** Shared, bounded diagnoses; null when no database is configured. */
  diagnoser: Diagnoser | null;
  /** Null when the state store could not be opened: remediation is refused then. */
  stateDb: StateDb | null;
  audit: AuditLog | null;
  history: HistoryStore | null;
  remediation: RemediationFlow | null;
  /** Fed by every diagnosis and action; served on /metrics by the bot. */
  metrics: Metrics;
  /** What a command step needs, for the CLI's local user; the bot adds the scheduler's summary. */
  context: CommandContext;
  close(): Promise<void>;
}

export interface ServiceOptions {
  now?: () => Date;
  /** Replaces the configured instance sources (tests, the demo). */
  instanceSources?: InstanceSource[];
  /** Replaces the state file (tests: ':memory:'). */
  stateFile?: string;
}

/** Builds the parts in dependency order; nothing is assigned after it returns. */
export function createServices(config: Config, logger: Logger, options: ServiceOptions = {}): Services {
  const now = options.now ?? (() => new Date());
  const metrics = createMetrics();
  const postgres = config.postgres
    ? createPostgresProbe(config.postgres, {
        logger: logger.child({ component: 'postgres' }),
        appDbUser: config.app.dbUser,
        appApplicationName: config.app.applicationName,
      })
    : null;
  postgres?.start();
  const pgbouncers = config.pgbouncers.map((c) => createPgBouncerProbe(c, { logger: logger.child({ component: 'pgbouncer', pgbouncer: `${c.host}:${c.port}` }) }));
  for (const p of pgbouncers) p.start();
  const instanceSources = options.instanceSources ?? instanceSourcesFor(config, logger);
  // Each source bounds its own calls; this bounds the whole source (the Docker source caps itself at 2x).
  const sourceTimeoutMs = config.probes.timeoutMs * 2;
  const diagnoser = postgres
    ? createDiagnoser({ postgres, pgbouncers, instanceSources, now, sourceTimeoutMs }, config, { onReport: metrics.observeReport })
    : null;
  const stateDb = openState(options.stateFile ?? path.join(config.stateDir, 'dbpool.sqlite'), logger);
  const audit = stateDb ? new AuditLog(stateDb, logger.child({ component: 'audit' })) : null;
  const history = stateDb ? new HistoryStore(stateDb) : null;
  const remediation = stateDb && audit && diagnoser ? createRemediation(config, { stateDb, audit, diagnoser, postgres, metrics, now, logger }) : null;
  const summary: SummaryDeps | null = history
    ? { history, audit, config, currentReport: async () => (diagnoser ? diagnoser.diagnose('status') : null) }
    : null;
  return {
    config,
    now,
    postgres,
    pgbouncers,
    instanceSources,
    diagnoser,
    stateDb,
    audit,
    history,
    remediation,
    metrics,
    context: { config, now, diagnoser, remediation, summary, requester: { kind: 'cli', id: os.userInfo().username } },
    close: async () => {
      await Promise.all([postgres?.close(), ...pgbouncers.map((p) => p.close())]);
      stateDb?.close();
    },
  };
}

function createRemediation(
  config: Config,
  parts: { stateDb: StateDb; audit: AuditLog; diagnoser: Diagnoser; postgres: PostgresProbe | null; metrics: Metrics; now: () => Date; logger: Logger },
): RemediationFlow {
  const { stateDb, audit, diagnoser } = parts;
  const r = config.remediation;
  return new RemediationFlow({
    store: new PlanStore(stateDb),
    audit,
    stateProblem: () => stateDb.problem(),
    policy: { readOnly: r.readOnly, approvers: r.approvers, twoPersonRule: r.twoPersonRule, maxActionsPerHour: r.maxActionsPerHour },
    executor: createPlanExecutor({
      terminator: parts.postgres,
      stoppers: stoppersFor(config),
      // A stop plan is re-checked against a fresh look, bounded like a diagnosis.
      observeInstances: () => diagnoser.observeInstances(),
      stopGraceSeconds: r.stopGraceSeconds,
    }),
    // Step 7 of the runbook: only log lines written since the action count.
    diagnoseAfter: (plan, since) =>
      diagnoser.diagnose('status', { idleMinutes: plan.action === 'terminate_idle' ? plan.minutes : undefined, logsSince: since }),
    now: parts.now,
    logger: parts.logger.child({ component: 'remediation' }),
    planTtlMinutes: r.planTtlMinutes,
    verifyDelayMs: r.verifyDelaySeconds * 1000,
    onRun: parts.metrics.actionRun,
    onRefused: parts.metrics.actionRefused,
  });
}

function openState(file: string, logger: Logger): StateDb | null {
  try {
    return openStateDb(file);
  } catch (err) {
    logger.error({ err, file }, 'state store unavailable: remediation is off');
    return null;
  }
}

function stoppersFor(config: Config): InstanceStopper[] {
  return [createProcessStopper(), createDockerStopper(config)];
}

const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** `auto` uses Docker where an engine is configured or its socket exists, local processes otherwise. */
export function instanceSourcesFor(config: Config, logger: Logger): InstanceSource[] {
  const kind =
    config.app.instanceSource === 'auto'
      ? config.docker.hosts.length > 0 || existsSync(DEFAULT_DOCKER_SOCKET)
        ? 'docker'
        : 'process'
      : config.app.instanceSource;
  if (kind === 'none') return [];
  if (kind === 'process') return [createProcessInstanceSource(config.app, { databasePorts: config.postgres ? [config.postgres.port] : [] })];
  return createDockerInstanceSources(config, logger.child({ component: 'docker' }));
}
