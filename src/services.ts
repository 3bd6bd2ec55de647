import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuditLog } from './actions/audit-log.js';
import type { InstanceStopper, ServiceScaler } from './actions/executors.js';
import type { RemediationFlow } from './actions/remediation-flow.js';
import type { CommandContext } from './commands/command-table.js';
import type { Config } from './config.js';
import type { InstanceSource } from './core/facts.js';
import type { SummaryDeps } from './diagnosis/build-summary.js';
import { createDiagnoser, type Diagnoser } from './diagnosis/diagnose.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics/metrics.js';
import type { PgBouncerProbe } from './probes/pgbouncer/pgbouncer-probe.js';
import { createPostgresProbe, type PostgresProbe } from './probes/postgres/postgres-probe.js';
import type { HistoryStore } from './state/history-store.js';
import type { StateDb } from './state/state-store.js';

/*
 * What a front end does not use is not even loaded: the Docker client only where Docker is the
 * instance source (and its stopper only when a stop runs), PgBouncer's probe only where one is
 * configured, the state file and the remediation flow only for commands that plan, audit or sum up,
 * prom-client only for the bot's /metrics. A CLI run is a whole process: every module it loads is
 * time the on-call engineer (or the monitoring system) waits.
 */

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
  /** Fed by every diagnosis and action; served on /metrics by the bot; null when not asked for. */
  metrics: Metrics | null;
  /** What a command step needs, for the CLI's local user; the bot adds the scheduler's summary. */
  context: CommandContext;
  close(): Promise<void>;
}

export interface ServiceOptions {
  now?: () => Date;
  /** Replaces the configured instance sources (tests, the demo). */
  instanceSources?: InstanceSource[];
  /** Where the configured sources read /proc (default /proc): the snapshot's rehearsal gives a made-up one. */
  procRoot?: string;
  /** Replaces the state file (tests: ':memory:'). */
  stateFile?: string;
  /** Opens the state file and sets up remediation, audit and history (default true; the CLI's report commands need none). */
  state?: boolean;
  /** Keeps Prometheus metrics of every diagnosis and action (default true; only the bot serves them). */
  metrics?: boolean;
}

/** Builds the parts in dependency order; nothing is assigned after it returns. */
export async function createServices(config: Config, logger: Logger, options: ServiceOptions = {}): Promise<Services> {
  const now = options.now ?? (() => new Date());
  const metrics = options.metrics === false ? null : (await import('./metrics/metrics.js')).createMetrics();
  const postgres = config.postgres
    ? createPostgresProbe(config.postgres, {
        logger: logger.child({ component: 'postgres' }),
        appDbUser: config.app.dbUser,
        appApplicationName: config.app.applicationName,
      })
    : null;
  postgres?.start();
  const pgbouncers = await pgbouncerProbes(config, logger);
  const instanceSources = options.instanceSources ?? (await instanceSourcesFor(config, logger, { procRoot: options.procRoot }));
  // Each source bounds its own calls; this bounds the whole source (the Docker source caps itself at 2x).
  const sourceTimeoutMs = config.probes.timeoutMs * 2;
  const diagnoser = postgres
    ? createDiagnoser({ postgres, pgbouncers, instanceSources, now, sourceTimeoutMs }, config, metrics ? { onReport: metrics.observeReport } : {})
    : null;
  const state = options.state === false ? null : await openState(options.stateFile ?? path.join(config.stateDir, 'dbpool.sqlite'), logger);
  const remediation = state && diagnoser ? await createRemediation(config, { ...state, diagnoser, postgres, metrics, now, logger }) : null;
  const history = state?.history ?? null;
  const audit = state?.audit ?? null;
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
    stateDb: state?.stateDb ?? null,
    audit,
    history,
    remediation,
    metrics,
    context: { config, now, diagnoser, remediation, summary, requester: { kind: 'cli', id: os.userInfo().username } },
    close: async () => {
      await Promise.all([postgres?.close(), ...pgbouncers.map((p) => p.close()), ...instanceSources.map((s) => s.close?.())]);
      state?.stateDb.close();
    },
  };
}

async function pgbouncerProbes(config: Config, logger: Logger): Promise<PgBouncerProbe[]> {
  if (config.pgbouncers.length === 0) return [];
  const { createPgBouncerProbe } = await import('./probes/pgbouncer/pgbouncer-probe.js');
  const probes = config.pgbouncers.map((c) => createPgBouncerProbe(c, { logger: logger.child({ component: 'pgbouncer', pgbouncer: `${c.host}:${c.port}` }) }));
  for (const p of probes) p.start();
  return probes;
}

async function createRemediation(
  config: Config,
  parts: { stateDb: StateDb; audit: AuditLog; diagnoser: Diagnoser; postgres: PostgresProbe | null; metrics: Metrics | null; now: () => Date; logger: Logger },
): Promise<RemediationFlow> {
  const [{ createPlanExecutor }, { PlanStore }, { RemediationFlow }] = await Promise.all([
    import('./actions/execute-plan.js'),
    import('./actions/plan-store.js'),
    import('./actions/remediation-flow.js'),
  ]);
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
      scalers: scalersFor(config),
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
    convergeTimeoutMs: r.convergeTimeoutSeconds * 1000,
    onRun: parts.metrics?.actionRun,
    onRefused: parts.metrics?.actionRefused,
  });
}

/** The state file and the stores over it; null when it cannot be opened (remediation is refused then). */
async function openState(file: string, logger: Logger): Promise<{ stateDb: StateDb; audit: AuditLog; history: HistoryStore } | null> {
  const [{ openStateDb }, { AuditLog }, { HistoryStore }] = await Promise.all([
    import('./state/state-store.js'),
    import('./actions/audit-log.js'),
    import('./state/history-store.js'),
  ]);
  let stateDb: StateDb;
  try {
    stateDb = openStateDb(file);
  } catch (err) {
    logger.error({ err, file }, 'state store unavailable: remediation is off');
    return null;
  }
  return { stateDb, audit: new AuditLog(stateDb, logger.child({ component: 'audit' })), history: new HistoryStore(stateDb) };
}

/** A part loaded on its first use, once: a plan made and declined never loads dockerode. */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/** Each stopper loads its client when a stop runs. */
function stoppersFor(config: Config): InstanceStopper[] {
  const processes = onFirstUse(async () => (await import('./probes/processes/process-stopper.js')).createProcessStopper());
  const docker = onFirstUse(async () => (await import('./probes/docker/docker-stopper.js')).createDockerStopper(config));
  return [
    { source: 'process', stop: async (candidate, grace) => (await processes()).stop(candidate, grace) },
    { source: 'docker', stop: async (candidate, grace) => (await docker()).stop(candidate, grace) },
  ];
}

/** Swarm's scaler loads dockerode when a scale runs, like the stoppers; Kubernetes' its client. */
function scalersFor(config: Config): ServiceScaler[] {
  const swarm = onFirstUse(async () => (await import('./probes/docker/service-scaler.js')).createSwarmScaler(config));
  const kubernetes = onFirstUse(async () => {
    const [{ createDeploymentScaler }, { openKubeAccess }] = await Promise.all([
      import('./probes/kubernetes/deployment-scaler.js'),
      import('./probes/kubernetes/kubernetes-instance-source.js'),
    ]);
    return createDeploymentScaler(config, await openKubeAccess(config));
  });
  return [
    { kind: 'swarm', scale: async (target, to, from) => (await swarm()).scale(target, to, from) },
    { kind: 'kubernetes', scale: async (target, to, from) => (await kubernetes()).scale(target, to, from) },
  ];
}

const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/**
 * `auto` uses Kubernetes inside a cluster (the kubelet sets KUBERNETES_SERVICE_HOST), Docker where
 * an engine is configured or its socket exists, local processes otherwise.
 */
export async function instanceSourcesFor(config: Config, logger: Logger, options: { procRoot?: string | undefined } = {}): Promise<InstanceSource[]> {
  const kind =
    config.app.instanceSource === 'auto'
      ? config.kubernetes.inCluster
        ? 'kubernetes'
        : config.docker.hosts.length > 0 || existsSync(DEFAULT_DOCKER_SOCKET)
          ? 'docker'
          : 'process'
      : config.app.instanceSource;
  if (kind === 'none') return [];
  if (kind === 'kubernetes') {
    const { createKubernetesInstanceSource, openKubeAccess } = await import('./probes/kubernetes/kubernetes-instance-source.js');
    return [createKubernetesInstanceSource(config, await openKubeAccess(config), logger.child({ component: 'kubernetes' }))];
  }
  if (kind === 'process') {
    const { createProcessInstanceSource } = await import('./probes/processes/process-instance-source.js');
    return [createProcessInstanceSource(config.app, { databasePorts: config.postgres ? [config.postgres.port] : [], procRoot: options.procRoot })];
  }
  const { createDockerInstanceSources } = await import('./probes/docker/docker-instance-source.js');
  return createDockerInstanceSources(config, logger.child({ component: 'docker' }), { procRoot: options.procRoot });
}
