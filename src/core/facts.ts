/**
 * Facts: what the probes observed, in plain data. The probes (src/probes) produce these;
 * the pure core (pool math, findings, recommendations, report) consumes them.
 */

/** Why a probe could not observe something. Always reported, never thrown past a probe. */
export type ProbeErrorKind =
  | 'unreachable'
  | 'auth_failed'
  | 'timeout'
  | 'server_full'
  | 'permission_denied'
  | 'not_found'
  | 'other';

/**
 * What dbpool can tell about a failure beyond the words of the server or the library (a TLS setting
 * to change, a file it cannot read): a sentence per code in each catalog, never prose in the probe.
 */
export type ProbeHint =
  | 'pg_tls_untrusted'
  | 'pg_tls_wrong_name'
  | 'pg_tls_not_valid_now'
  | 'pg_tls_client_certificate'
  | 'pg_ssl_off'
  | 'pg_unreadable_file'
  | 'docker_tls_untrusted'
  | 'docker_tls_wrong_name'
  | 'docker_tls_not_valid_now'
  | 'docker_tls_client_certificate'
  | 'docker_socket_group'
  | 'no_answer'
  | 'pgbouncer_client_limit'
  | 'pgbouncer_not_allowed'
  | 'pgbouncer_auth'
  | 'pgbouncer_startup_parameter'
  | 'pgbouncer_not_console'
  | 'engine_cannot_connect'
  | 'no_matching_process'
  | 'unreadable_path'
  /** Kubernetes RBAC refused a call: the verb, resource and namespace of the rule to add. */
  | 'k8s_forbidden'
  | 'k8s_unauthorized'
  | 'k8s_tls_untrusted'
  /** DBPOOL_K8S_EXEC is on but RBAC refuses pods/exec: the rule of role-exec.yaml, or turning it off. */
  | 'k8s_exec_forbidden'
  /** A pod's processes could not be listed through pods/exec: its workers stay the configured ones. */
  | 'k8s_exec_failed';

export interface ProbeHintRef {
  code: ProbeHint;
  /** The file the hint is about (pg_unreadable_file). */
  file?: string;
  /** The bound that passed (no_answer). */
  ms?: number;
  /** The variable holding the connection's URL, when not DATABASE_URL (DBPOOL_PGBOUNCER_URL). */
  setting?: string;
  /** The role that logged in (PgBouncer's console user). */
  user?: string;
  /** no_matching_process: the pattern, how many processes were looked at, and how they were listed. */
  pattern?: string;
  count?: number;
  via?: string;
  /** k8s_forbidden: what was refused, e.g. list pods in namespace shop (API group "" for the core group). */
  verb?: string;
  resource?: string;
  apiGroup?: string;
  namespace?: string;
}

export interface ProbeError {
  kind: ProbeErrorKind;
  /** Where it happened, e.g. "postgres 127.0.0.1:5432/madras" or "docker unix:///var/run/docker.sock php_swoole_app". */
  source: string;
  message: string;
  /** SQLSTATE or errno, when known. */
  code?: string;
  hint?: ProbeHintRef;
}

// ---------------------------------------------------------------- PostgreSQL

export interface CountByKey {
  key: string;
  count: number;
}

export interface ConnectionStates {
  active: number;
  idle: number;
  idleInTransaction: number;
  idleInTransactionAborted: number;
  /** fastpath function call, disabled, or anything newer. */
  other: number;
  /** state IS NULL for a client backend: hidden from a role without pg_read_all_stats. */
  hidden: number;
}

export interface IdleSession {
  pid: number;
  user: string | null;
  application: string | null;
  client: string | null;
  /** Seconds since state_change. */
  idleSeconds: number;
  backendStart: string;
  /**
   * One of the app's sessions (APP_DB_USER / APP_APPLICATION_NAME, never a superuser's): the only
   * ones terminate-idle may touch. Another role's or another tool's idle session is listed, not touched.
   */
  app: boolean;
}

/**
 * One client backend of the target database as pg_stat_activity shows it (dbpool's own left out):
 * what attributing it to an instance and a process needs.
 */
export interface ClientSession {
  pid: number;
  /** host(client_addr); null for a unix socket, or when hidden from dbpool's role. */
  clientAddr: string | null;
  /** client_port: -1 for a unix socket; null when hidden. */
  clientPort: number | null;
  state: string | null;
  user: string | null;
  application: string | null;
  /** Seconds since state_change; null when hidden. */
  stateSeconds: number | null;
}

export interface PostgresFacts {
  serverVersion: string;
  /** server_version_num, e.g. 160004. */
  serverVersionNum: number;
  database: string;
  host: string;
  maxConnections: number;
  superuserReservedConnections: number;
  /** reserved_connections (PostgreSQL 16+); 0 on older servers. */
  reservedConnections: number;
  /** Client backends on the whole server, dbpool's own included. */
  clientConnections: number;
  /**
   * dbpool's own client backends on the whole server (its monitoring connection, its other sessions):
   * shown apart, and left out of the usage, which is the app's and the other clients'.
   */
  ownConnections: number;
  /** Client backends connected to the target database. */
  databaseConnections: number;
  /** Background processes in pg_stat_activity (autovacuum, walwriter, ...); they do not use max_connections. */
  backgroundProcesses: number;
  /** Client backends of the app (see Config.app.dbUser / applicationName); all of the target database but dbpool itself when unset. */
  appConnections: number;
  /** States of the client backends in the target database. */
  states: ConnectionStates;
  /** False when the monitoring role cannot see other roles' state (no pg_monitor): counts by state are incomplete. */
  statesVisible: boolean;
  byApplication: CountByKey[];
  byUser: CountByKey[];
  byClient: CountByKey[];
  oldestIdleSeconds: number | null;
  oldestIdleInTransactionSeconds: number | null;
  /** Idle client backends of the target database older than idleMinutes, oldest first, dbpool's own excluded. */
  idleSessions: IdleSession[];
  idleMinutes: number;
  /** Backend pid of dbpool's monitoring connection. */
  ownPid: number;
  /** The server's port (current_setting('port')); absent when not read. */
  serverPort?: number;
  /** Every client backend of the target database but dbpool's own; absent when not read. */
  sessions?: ClientSession[];
}

export type PostgresObservation =
  | { ok: true; facts: PostgresFacts }
  | { ok: false; error: ProbeError; database: string; host: string };

// ---------------------------------------------------------------- App instances

/** A pool setting read from an instance's environment, a configured fallback, or unknown. */
export type SettingValue =
  | { value: number; origin: 'env' }
  | { value: number; origin: 'fallback' }
  /** From the service's spec (Swarm TaskTemplate.ContainerSpec.Env): for a replica whose container cannot be inspected. */
  | { value: number; origin: 'spec' }
  | { value: null; origin: 'unknown'; reason: string };

/**
 * A Swoole process's part. 'worker_or_task': a child of the manager without a title naming its
 * role, which Swoole gives workers, task workers and custom processes alike (it holds a pool, but
 * which kind it is cannot be known). 'custom': a child of the manager without a worker title among
 * titled workers ($server->addProcess). 'single': the whole server in one process (SWOOLE_BASE
 * with one worker), which is its worker.
 */
export type ProcessRole = 'master' | 'manager' | 'worker' | 'task_worker' | 'worker_or_task' | 'custom' | 'single' | 'unknown';

/** An established TCP connection a process holds to the database's port: its own end, the far end. */
export interface TcpConnection {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The socket's inode: one socket shared by several processes (inherited over fork) has one inode. */
  inode: number;
}

export interface AppProcess {
  pid: number;
  ppid?: number;
  role: ProcessRole;
  command: string;
  /**
   * Its TCP connections to the database's port, from /proc/<pid>/fd and the process's own
   * /proc/<pid>/net/tcp{,6}; absent when they could not be read (process not visible here).
   */
  connections?: TcpConnection[];
}

export interface LogPatternCount {
  pattern: string;
  count: number;
  /** ISO time of the latest matching line, when the source gives timestamps. */
  lastSeen: string | null;
  /** The latest matching line from where the pattern matched (at most 100 characters): quoted, never paraphrased. */
  lastMatch?: string | null;
}

export interface LogStats {
  linesRead: number;
  since: string | null;
  workerStarts: LogPatternCount;
  serverFull: LogPatternCount[];
  poolExhausted: LogPatternCount[];
  /** PgBouncer's own errors as the app logged them (PGBOUNCER_LOG_PATTERNS), when counted. */
  pgbouncerErrors?: LogPatternCount[];
}

/** Where an instance sends its database connections, from its environment (DB_HOST, DB_PORT, a DSN, ...). */
export interface DbEndpoint {
  host: string | null;
  port: number | null;
  /** The variables it was read from, e.g. ["DB_HOST", "DB_PORT"]. */
  variables: string[];
}

export interface AppInstance {
  /** Stable id: container id, "pid:<master pid>", or a pod's uid. */
  id: string;
  name: string;
  source: 'docker' | 'process' | 'kubernetes';
  /** Docker engine address, or the host name for local processes. */
  location: string;
  image?: string;
  createdAt?: string;
  /** When it last started (a container restarted since its creation): what "up" counts from. */
  startedAt?: string;
  state: string;
  health?: string;
  poolSize: SettingValue;
  workerNum: SettingValue;
  taskWorkerNum: SettingValue;
  /** Processes seen inside the instance; null when they could not be listed. */
  processes: AppProcess[] | null;
  /** The container's IP addresses on its networks (inspect); none on the host's network. */
  addresses?: string[];
  logs?: LogStats;
  /** Where the instance connects, when its environment says; undefined or null when unknown. */
  dbEndpoint?: DbEndpoint | null;
  /** The service that manages it (Swarm, Compose, ...); absent for a bare container or process. */
  service?: ServiceRef;
  /** The node it runs on, when an orchestrator says. */
  node?: string | null;
  /** Docker's restart policy (always, unless-stopped, on-failure, no); absent when unknown. */
  restartPolicy?: string | null;
  errors: ProbeError[];
}

export interface InstanceObservation {
  /** "docker unix:///var/run/docker.sock", "process localhost", ... */
  source: string;
  ok: boolean;
  instances: AppInstance[];
  error?: ProbeError;
  /** The services the instances belong to, as their orchestrator describes them (services.ts). */
  services?: AppService[];
  /**
   * Swarm tasks were seen but the services could not be read (the engine is a worker, not a
   * manager, or the call failed): only this node's tasks are known, and nothing can be scaled here.
   */
  swarmUnread?: { reason: 'not_manager' | 'error'; message: string; services: string[] };
}

export interface ObserveOptions {
  /** Count only log lines written since then: the check after an action, not the incident before it. */
  logsSince?: Date;
}

/** One way of finding the app's instances (Docker engine, local /proc, ...). */
export interface InstanceSource {
  readonly name: string;
  observe(signal?: AbortSignal, options?: ObserveOptions): Promise<InstanceObservation>;
  /** Whether the source answers at all, as cheaply as it can be asked (an engine's ping); throws when not. Absent: nothing to ask. */
  ping?(signal: AbortSignal): Promise<void>;
  /** Closes what the source keeps open between observations (an engine's pooled connections). Absent: nothing kept. */
  close?(): Promise<void>;
}

// ---------------------------------------------------------------- Services: what manages the instances

/**
 * What starts an instance, and starts it again after a stop: the unit an action must address.
 * Docker's sources give Swarm and Compose services; a Kubernetes source gives Deployments the same way.
 */
export type ServiceKind = 'swarm' | 'compose' | 'kubernetes';

/** An instance's place in its service. */
export interface ServiceRef {
  kind: ServiceKind;
  /** Swarm service ID; "project/service" for Compose; "namespace/name" for a Deployment. */
  id: string;
  name: string;
  /** The replica's number (Swarm task slot, Compose container number), when it has one. */
  slot?: number | null;
  /** A pod's ReplicaSet (its owner), with the Deployment's revision it runs. */
  replicaSet?: { name: string; revision: number | null };
}

/** One replica as the orchestrator lists it (a Swarm task, a pod), seen or not by dbpool. */
export interface ServiceReplica {
  id: string;
  slot: number | null;
  node: string | null;
  /** What it is doing: running, starting, shutdown, ... */
  state: string;
  /** What the orchestrator wants of it: running, shutdown, ... */
  desiredState: string;
  containerId: string | null;
  createdAt: string | null;
}

export interface AppService {
  kind: ServiceKind;
  id: string;
  name: string;
  /** The engine or cluster it was read from. */
  location: string;
  /** replicated: a desired count that can be scaled; global: one per node; containers: Compose's, no count kept. */
  mode: 'replicated' | 'global' | 'containers';
  /** Replicas the orchestrator keeps running; null when it keeps no count (global, Compose). */
  desiredReplicas: number | null;
  createdAt: string | null;
  updatedAt: string | null;
  image: string | null;
  /** Swarm's version index of the spec, which an update must name. */
  version: number | null;
  /** The pool settings in the service's spec, for replicas whose own environment cannot be read. */
  poolSize: SettingValue;
  workerNum: SettingValue;
  taskWorkerNum: SettingValue;
  /** Replicas the orchestrator lists (Swarm: the tasks with a container running or about to). */
  replicas: ServiceReplica[];
  /** Compose: what `docker compose up` reads, so the report can show the line to change. */
  compose?: { project: string; service: string; configFiles: string[]; workingDir: string | null };
  /** A Deployment: its namespace, current revision and ReplicaSets (old and new), as the controller keeps them. */
  kubernetes?: KubernetesDeployment;
}

/** One ReplicaSet of a Deployment: a revision of its pod template. */
export interface KubernetesReplicaSet {
  name: string;
  revision: number | null;
  /** spec.replicas: what the Deployment controller asks of it now. */
  desired: number;
  ready: number;
  /** The app's pods of it that dbpool saw running. */
  pods: number;
  createdAt: string | null;
}

export interface KubernetesDeployment {
  namespace: string;
  /** The Deployment's current revision (its newest ReplicaSet's). */
  revision: number | null;
  /** Newest first. */
  replicaSets: KubernetesReplicaSet[];
  /** The controller's Progressing condition said ProgressDeadlineExceeded: the rollout is stuck. */
  progressDeadlineExceeded: boolean;
  paused: boolean;
}

// ---------------------------------------------------------------- PgBouncer

/** SHOW CONFIG: the settings that decide the two layers (0 means "no limit" where PgBouncer says so). */
export interface PgBouncerSettings {
  maxClientConn: number;
  defaultPoolSize: number;
  minPoolSize: number;
  reservePoolSize: number;
  reservePoolTimeoutSeconds: number;
  /** 0: no limit. */
  maxDbConnections: number;
  /** 0: no limit. */
  maxUserConnections: number;
  poolMode: string;
  /** 0: clients wait forever. */
  queryWaitTimeoutSeconds: number;
  serverIdleTimeoutSeconds: number;
  listenPort: number;
}

/** SHOW DATABASES, one configured database (the admin console's own left out). */
export interface PgBouncerDatabase {
  name: string;
  host: string | null;
  port: number | null;
  /** The PostgreSQL database it connects to. */
  database: string;
  forceUser: string | null;
  poolSize: number;
  minPoolSize: number;
  reservePool: number;
  poolMode: string | null;
  /** max_db_connections for this database; 0: no limit. */
  maxConnections: number;
  currentConnections: number;
  paused: boolean;
  disabled: boolean;
}

/** SHOW POOLS, one database/user pair (the admin console's own left out). */
export interface PgBouncerPool {
  database: string;
  user: string;
  clientsActive: number;
  clientsWaiting: number;
  serversActive: number;
  serversIdle: number;
  serversUsed: number;
  serversTested: number;
  serversLogin: number;
  /** How long the oldest waiting client has waited. */
  maxWaitSeconds: number;
  poolMode: string;
}

export interface PgBouncerFacts {
  /** host:port of the admin console, as configured. */
  address: string;
  version: string;
  settings: PgBouncerSettings;
  databases: PgBouncerDatabase[];
  pools: PgBouncerPool[];
  /** Client connections PgBouncer holds (SHOW LISTS used + login clients): these count against max_client_conn. */
  clients: number;
  /** Of those, connections to the admin console (dbpool's own among them). */
  consoleClients: number;
  /** The app's client connections by application_name (SHOW CLIENTS). */
  clientsByApplication: CountByKey[];
  /** Backend pids on PostgreSQL of PgBouncer's server connections (SHOW SERVERS remote_pid). */
  serverPids: number[];
}

/** `user` is the console user dbpool logs in as (DBPOOL_PGBOUNCER_URL), when known. */
export type PgBouncerObservation =
  | { ok: true; address: string; user?: string; facts: PgBouncerFacts }
  | { ok: false; address: string; user?: string; error: ProbeError };

// ---------------------------------------------------------------- Everything together

export interface Facts {
  observedAt: string;
  postgres: PostgresObservation;
  instances: InstanceObservation[];
  /** One observation per configured PgBouncer (DBPOOL_PGBOUNCER_URL); absent or empty when none is. */
  pgbouncers?: PgBouncerObservation[];
}
