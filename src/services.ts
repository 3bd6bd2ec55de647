import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from './actions/audit-log.js';
import type { InstanceStopper } from './actions/executors.js';
import { PlanStore } from './actions/plan-store.js';
import { RemediationService } from './actions/remediation-service.js';
import { openStateDb, type StateDb } from './state/state-store.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { observeInstanceSources } from './diagnosis/collect-facts.js';
import { diagnose } from './diagnosis/diagnose.js';
import { HistoryStore } from './schedule/history-store.js';
import type { SummaryDeps } from './schedule/summary-job.js';
import type { Config } from './config.js';
import type { InstanceSource } from './core/facts.js';
import type { CommandContext } from './commands/command-table.js';
import type { Logger } from './logger.js';
import { createDockerInstanceSources } from './probes/docker/docker-instance-source.js';
import { createDockerStopper } from './probes/docker/docker-stopper.js';
import { createSwarmScaler } from './probes/docker/service-scaler.js';
import { dedupeInstances } from './core/services.js';
import { createPgBouncerProbe, type PgBouncerProbe } from './probes/pgbouncer/pgbouncer-probe.js';
import { createPostgresProbe, type PostgresProbe } from './probes/postgres/postgres-probe.js';
import { createProcessInstanceSource } from './probes/processes/process-instance-source.js';
import { createProcessStopper } from './probes/processes/process-stopper.js';

/** The long-lived parts every front end shares: one monitoring connection, the instance sources. */
export interface Services {
  context: CommandContext;
  postgres: PostgresProbe | null;
  /** One kept admin-console connection per configured PgBouncer. */
  pgbouncers: PgBouncerProbe[];
  instanceSources: InstanceSource[];
  /** Null when the state store could not be opened: remediation is refused then. */
  stateDb: StateDb | null;
  remediation: RemediationService | null;
  /** Fed by every diagnosis and action; served on /metrics by the bot. */
  metrics: Metrics;
  /** The audit trail and connection history, when the state store opened. */
  audit: AuditLog | null;
  history: HistoryStore | null;
  close(): Promise<void>;
}

export interface ServiceOptions {
  now?: () => Date;
  /** Replaces the configured instance sources (tests, the demo). */
  instanceSources?: InstanceSource[];
  /** Replaces the state file (tests: ':memory:'). */
  stateFile?: string;
}

export function createServices(config: Config, logger: Logger, options: ServiceOptions = {}): Services {
  const now = options.now ?? (() => new Date());
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
  const metrics = createMetrics();
  // Each source bounds its own calls; this bounds the whole source (the Docker source caps itself at 2x).
  const sourceTimeoutMs = config.probes.timeoutMs * 2;
  const sources = postgres
    ? { postgres, pgbouncers, instanceSources, now, sourceTimeoutMs, onReport: metrics.observeReport }
    : null;
  const stateDb = openState(options.stateFile ?? path.join(config.stateDir, 'dbpool.sqlite'), logger);
  const audit = stateDb ? new AuditLog(stateDb, logger.child({ component: 'audit' })) : null;
  const history = stateDb ? new HistoryStore(stateDb) : null;
  const summary: SummaryDeps | null = history
    ? { history, audit, config, currentReport: async () => (sources ? diagnose(sources, config, 'status') : null) }
    : null;
  const remediation =
    stateDb && audit && postgres
      ? new RemediationService({
          store: new PlanStore(stateDb),
          audit,
          policy: {
            readOnly: config.remediation.readOnly,
            approvers: config.remediation.approvers,
            twoPersonRule: config.remediation.twoPersonRule,
            maxActionsPerHour: config.remediation.maxActionsPerHour,
          },
          terminator: postgres,
          stoppers: stoppersFor(config),
          scalers: [createSwarmScaler(config)],
          // A stop plan is re-checked against a fresh look, bounded like a diagnosis; a replica two engines see counts once.
          observeInstances: async () =>
            dedupeInstances((await observeInstanceSources(instanceSources, sourceTimeoutMs)).flatMap((o) => o.instances)),
          now,
          logger: logger.child({ component: 'remediation' }),
          planTtlMinutes: config.remediation.planTtlMinutes,
          stopGraceSeconds: config.remediation.stopGraceSeconds,
          onRun: metrics.actionRun,
          onRefused: metrics.actionRefused,
        })
      : null;
  return {
    postgres,
    pgbouncers,
    instanceSources,
    stateDb,
    remediation,
    metrics,
    audit,
    history,
    context: { config, now, sources, remediation, summary, requester: { kind: 'cli', id: os.userInfo().username } },
    close: async () => {
      await Promise.all([postgres?.close(), ...pgbouncers.map((p) => p.close())]);
      stateDb?.close();
    },
  };
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
      ? config.app.dockerHosts.length > 0 || existsSync(DEFAULT_DOCKER_SOCKET)
        ? 'docker'
        : 'process'
      : config.app.instanceSource;
  if (kind === 'none') return [];
  if (kind === 'process') return [createProcessInstanceSource(config.app)];
  return createDockerInstanceSources(config, logger.child({ component: 'docker' }));
}
