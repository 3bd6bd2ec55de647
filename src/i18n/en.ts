import type { ProbeHintRef } from '../core/facts.js';
import type { Catalog } from './catalog.js';
import { PGBOUNCER_LOG_TEXT, type PgBouncerSign } from '../core/pgbouncer-signs.js';
import type { CountOrigin } from '../core/pool-math.js';
import type { Formatter } from './format.js';
import { K8S_EXEC_RULE, k8sRule } from '../core/kubernetes-rbac.js';

/** Nouns after a number, as Intl.PluralRules picks them (f.count). */
const W = {
  backgroundProcess: { one: 'background process', other: 'background processes' },
  client: { one: 'client', other: 'clients' },
  connection: { one: 'connection', other: 'connections' },
  customProcess: { one: 'custom process', other: 'custom processes' },
  databaseUserPair: { one: 'database/user pair', other: 'database/user pairs' },
  extraInstance: { one: 'extra instance', other: 'extra instances' },
  idleConnection: { one: 'idle connection', other: 'idle connections' },
  idleSession: { one: 'idle session', other: 'idle sessions' },
  instance: { one: 'instance', other: 'instances' },
  instanceSource: { one: 'instance source', other: 'instance sources' },
  line: { one: 'line', other: 'lines' },
  minute: { one: 'minute', other: 'minutes' },
  otherClient: { one: 'other client', other: 'other clients' },
  poolProcess: { one: 'pool process', other: 'pool processes' },
  postgresqlSession: { one: 'PostgreSQL session', other: 'PostgreSQL sessions' },
  sample: { one: 'sample', other: 'samples' },
  session: { one: 'session', other: 'sessions' },
  taskWorker: { one: 'task worker', other: 'task workers' },
  time: { one: 'time', other: 'times' },
  pod: { one: 'pod', other: 'pods' },
  worker: { one: 'worker', other: 'workers' },
  workerStart: { one: 'worker start', other: 'worker starts' },
  appInstance: { one: 'app instance', other: 'app instances' },
  is: { one: 'is', other: 'are' },
  has: { one: 'has', other: 'have' },
  wait: { one: 'waits', other: 'wait' },
} as const;
/** Why a usage can exceed the usable slots: said wherever it does. */
const overUsable = (p: { connections: number; usable: number }, f: Formatter) =>
  p.connections > p.usable ? `, ${f.num(p.connections - p.usable)} over the usable slots: superuser sessions in the reserved slots` : '';
const val = (n: number | null, f: Formatter) => (n === null ? '?' : f.num(n));
const ORIGIN: Record<CountOrigin, string> = {
  measured: 'measured',
  env: 'from env',
  spec: 'from the service spec',
  replica: 'as measured on its other replicas',
  fallback: 'configured fallback',
  unknown: 'unknown',
};
const originNote = (o: CountOrigin) => (o === 'env' || o === 'measured' ? '' : ` (${ORIGIN[o]})`);
const when = (iso: string | null, f: Formatter) => (iso ? `, last at ${f.dateTime(iso)}` : '');
const at = (address: string, f: Formatter) => `PgBouncer ${f.code(address)}`;
const SERVICE_KIND = { swarm: 'Swarm service', compose: 'Compose service', kubernetes: 'Kubernetes Deployment' } as const;
const ORCHESTRATOR = { swarm: 'Swarm', compose: 'Compose', kubernetes: 'Kubernetes' } as const;
const ago = (iso: string, now: string) => Math.max(0, (Date.parse(now) - Date.parse(iso)) / 1000);
const replicasOf = (n: number, f: Formatter) => f.count(n, { one: 'replica', other: 'replicas' });
const scaleStates = (services: { name: string; running: number; wanted: number }[], f: Formatter) =>
  f.list(services.map((s) => `${f.code(s.name)} runs ${f.num(s.running)} of ${replicasOf(s.wanted, f)}`));
const sign = (s: PgBouncerSign, f: Formatter) =>
  s.kind === 'endpoint'
    ? `${f.list(s.instances.map(f.code))} connect to ${f.code(`${s.host ?? '?'}:${s.port ?? '?'}`)} (${s.variables.join(', ')})`
    : s.kind === 'log'
      ? `${f.list(s.instances.map(f.code))} logged ${f.code(PGBOUNCER_LOG_TEXT[s.error])} ${f.count(s.count, W.time)}`
      : `${f.count(s.count, W.postgresqlSession)} of ${s.by} ${f.code(s.name)}`;
const PGBOUNCER_LOG_MEANING = {
  max_client_conn: 'PgBouncer refused its connections at max_client_conn.',
  cannot_connect: 'PgBouncer could not open a server connection to PostgreSQL (down, full, or refusing its login).',
  query_wait_timeout: 'queries waited longer than query_wait_timeout for a server connection: the server pool is too small, or queries too slow.',
  login_failing: "PgBouncer cannot log in to PostgreSQL (the password in its auth_file, pg_hba.conf, or a full server) and refuses clients meanwhile.",
} as const;

/** The variable holding the URL the hint is about. */
const url = (p: ProbeHintRef) => p.setting ?? 'DATABASE_URL';

const hint: Catalog['hint'] = {
  pg_tls_untrusted: (p) =>
    "the server's certificate is not signed by a CA dbpool trusts (node-postgres checks it even for sslmode=require). " +
    `Add sslrootcert=<the CA's file> to ${url(p)}, or uselibpqcompat=true&sslmode=require to encrypt without checking, as psql does`,
  pg_tls_wrong_name: () => 'connect by the host name the certificate was issued for',
  pg_tls_not_valid_now: () => "the server's certificate is not valid now (expired, or not yet valid)",
  pg_tls_client_certificate: (p) => `the server wants a client certificate it trusts: sslcert and sslkey in ${url(p)}`,
  pg_ssl_off: (p) => `${url(p)} asks for TLS (sslmode) but the server has ssl off: remove sslmode or turn ssl on`,
  pg_unreadable_file: (p, f) => `cannot read ${f.code(p.file ?? '?')}, named by sslrootcert, sslcert or sslkey in ${url(p)}`,
  docker_tls_untrusted: () => "TLS: the engine's certificate is not signed by the CA in DOCKER_CERT_PATH/ca.pem",
  docker_tls_wrong_name: () => "TLS: the engine's certificate is not for this address",
  docker_tls_not_valid_now: () => "TLS: the engine's certificate is not valid now",
  docker_tls_client_certificate: () => 'TLS refused by the engine: it wants a client certificate it trusts (cert.pem and key.pem in DOCKER_CERT_PATH)',
  docker_socket_group: (p, f) =>
    `dbpool's user may not use the Docker socket${p.file ? ` ${f.code(p.file)}` : ''}: give it the socket's group ` +
    `(its number: ${f.code(`stat -c %g ${p.file ?? '/var/run/docker.sock'}`)}), with ${f.code('group_add')} in compose or ${f.code('docker run --group-add <gid>')}`,
  no_answer: (p, f) => (p.ms === undefined ? 'no answer in time' : `no answer within ${f.num(p.ms)} ms`),
  pgbouncer_client_limit: () => "PgBouncer is at max_client_conn and refuses even dbpool's console connection",
  pgbouncer_not_allowed: (p, f) => `${f.code(p.user ?? '?')} may not use the admin console: add it to stats_users in pgbouncer.ini and RELOAD`,
  pgbouncer_auth: (p, f) => `check ${f.code(p.user ?? '?')}'s password in ${url(p)} against PgBouncer's auth_file (userlist.txt)`,
  pgbouncer_startup_parameter: (p) => `PgBouncer refuses that connection parameter: remove it from ${url(p)}`,
  engine_cannot_connect: () => 'cannot connect to the Docker engine (its address, or the TLS files in DOCKER_CERT_PATH)',
  no_matching_process: (p, f) =>
    `no process matches ${f.code(`/${p.pattern ?? ''}/`)} (APP_PROCESS_PATTERN) among the container's ${f.num(p.count ?? 0)}, listed by ${f.code(p.via ?? '?')}`,
  unreadable_path: (p, f) => `cannot read ${f.code(p.file ?? '?')}`,
  pgbouncer_not_console: (p) => `this is not PgBouncer's admin console: point ${url(p)} at PgBouncer's port (usually 6432)`,
  // Kubernetes.
  k8s_forbidden: (p, f) =>
    `dbpool may not ${p.verb ?? '?'} ${p.resource ?? '?'} in namespace ${f.code(p.namespace ?? '?')}: add this rule to its Role (deploy/kubernetes/role.yaml): ${f.code(k8sRule(p))}`,
  k8s_unauthorized: () => 'the API server does not accept dbpool\'s credentials (the token or client certificate of DBPOOL_KUBECONFIG, or the service account\'s)',
  k8s_tls_untrusted: () => "TLS: the API server's certificate is not signed by the CA of the kubeconfig (certificate-authority) or the service account (ca.crt)",
  k8s_exec_forbidden: (p, f) =>
    `dbpool may not create pods/exec in namespace ${f.code(p.namespace ?? '?')}: add this rule to its Role (deploy/kubernetes/role-exec.yaml): ${f.code(K8S_EXEC_RULE)}, or set ${f.code('DBPOOL_K8S_EXEC=false')}; until then every pod's workers are counted as configured`,
  k8s_exec_failed: () => "the pod's processes could not be listed through pods/exec: its workers are counted as configured",
};

/** Sessions per role: `app` × 3, `worker` × 1. */
const roleList = (roles: { role: string; count: number }[], f: Formatter) => roles.map((r) => `${f.code(r.role)} × ${f.num(r.count)}`).join(', ');

/** An option as typed, or the positional argument. */
const subject = (s: string, f: Formatter) => (s === 'argument' ? 'the argument' : f.code(s));

/** A probe's failure: its own words (quoted), then what dbpool can tell about it. */
const failure = (message: string, h: ProbeHintRef | null, f: Formatter) =>
  [message, h ? hint[h.code](h, f) : ''].filter(Boolean).join(': ');

export const en: Catalog = {
  dir: 'ltr',
  zoneName: (zone) => (zone === 'UTC' || zone === 'Etc/UTC' ? 'UTC' : `${(zone.split('/').pop() ?? zone).replace(/_/g, ' ')} time`),
  verdict: { OK: 'OK', WARN: 'WARNING', CRIT: 'CRITICAL', UNKNOWN: 'UNKNOWN' },
  verdictHeadline: {
    OK: 'Connections are healthy',
    WARN: 'Connections need attention',
    CRIT: 'The database is out of connections (or about to be)',
    UNKNOWN: 'The database could not be checked',
  },
  headline: {
    whatIfTitle: 'WHAT-IF',
    cause: {
      unreachable: (p, f) => `PostgreSQL ${f.code(p.source)} does not answer: the connections could not be checked`,
      refusing: () => "PostgreSQL full: it refuses even dbpool's connection",
      server_full: (p, f) => `PostgreSQL full (${f.num(p.connections)}/${f.num(p.usable)})`,
      utilization_high: (p, f) => `PostgreSQL at ${f.percent(p.percent)} of its usable connections (${f.num(p.connections)}/${f.num(p.usable)})`,
      pool_exhausted: (p, f) =>
        `app pool exhausted (${p.quote ? `"${p.quote}" x${f.num(p.count)}` : f.count(p.count, W.time)}) while PostgreSQL has ${p.free === null ? 'room' : `${f.num(p.free)} free`}`,
      demand_exceeds: (p, f) => `the app's full pools would need ${f.count(p.demand, W.connection)}, ${f.num(p.capacity)} available`,
      demand_near: (p, f) => `the app's full pools would take ${f.percent(p.percent)} of the ${f.num(p.capacity)} connections available`,
      pgbouncer: (p) => en.label.pgbouncerHeadline[p.verdict],
      extra_instances: (p, f) => `${f.count(p.running, W.appInstance)} running, ${f.num(p.expected)} expected`,
      idle_in_transaction: (p, f) => `${f.count(p.count, W.session)} idle in transaction: the app leaves transactions open`,
      idle_sessions: (p, f) => `${f.count(p.count, W.session)} idle for more than ${f.count(p.minutes, W.minute)}`,
      other: (p) => en.verdictHeadline[p.verdict],
      healthy: (p, f) =>
        p.connections === null || p.usable === null || p.percent === null
          ? 'Connections are healthy'
          : `Connections are healthy: ${f.num(p.connections)}/${f.num(p.usable)} in use (${f.percent(p.percent)})`,
      fits: (p, f) =>
        `full pools would need ${f.count(p.demand, W.connection)}${p.capacity === null ? '' : ` of the ${f.num(p.capacity)} available`}: they fit`,
    },
    fix: {
      stop_extra: (p, f) => `${f.count(p.running, W.appInstance)} running, ${f.num(p.expected)} expected → stop ${f.list(p.stop.map(f.code))}`,
      scale_down: (p, f) => `${f.count(p.running, { one: 'replica', other: 'replicas' })} running, ${f.num(p.expected)} expected → scale down ${f.list(p.services.map(f.code))}`,
      lower_pool_size: (p, f) => `lower ${f.code(p.variable)} to ${f.num(p.suggested)}`,
      raise_max_connections: (p, f) => `raise max_connections to ${f.num(p.suggested)}`,
      terminate_idle: (p, f) => `terminate ${f.count(p.count, W.idleSession)}`,
      use_pooler: () => 'put PgBouncer in front of PostgreSQL',
    },
    join: (cause, fix) => `${cause}: ${fix}`,
  },
  origin: ORIGIN,
  section: {
    connections: 'Connections',
    poolMath: 'Pool math',
    instances: 'App instances',
    workers: 'Workers',
    config: 'Pool settings',
    idle: 'Idle sessions',
    findings: 'Findings',
    recommendations: 'Recommendations',
    whatIf: 'What-if',
    pgbouncer: 'PgBouncer',
  },
  label: {
    usage: (p, f) =>
      `${f.num(p.connections)} / ${f.num(p.usable)} usable connections in use: the app ${f.num(p.app)}, other clients ${f.num(p.other)}` +
      ` (max_connections ${f.num(p.max)}, ${f.num(p.reserved)} reserved)${overUsable(p, f)}` +
      (p.own > 0 ? `; dbpool's own: ${f.num(p.own)}, not counted` : ''),
    database: (p, f) => `${f.num(p.connections)} in database ${f.code(p.database)}`,
    background: (p, f) => `${f.count(p.count, W.backgroundProcess)} (not counted against max_connections)`,
    states: 'By state',
    active: 'active',
    idle: 'idle',
    idleInTransaction: 'idle in transaction',
    idleInTransactionAborted: 'idle in transaction (aborted)',
    otherState: 'other',
    hiddenState: 'hidden',
    statesIncomplete: (p, f) =>
      `Counts by state are incomplete: the state of ${f.count(p.hidden, W.session)} is hidden from dbpool's role (grant it ${f.code('pg_monitor')}).`,
    byApplication: 'By application',
    byUser: 'By user',
    byClient: 'By client',
    oldestIdle: (p, f) => `oldest idle: ${f.duration(p.seconds)}`,
    oldestIdleInTransaction: (p, f) => `oldest idle in transaction: ${f.duration(p.seconds)}`,
    server: (p, f) => `${f.code(p.host)} / ${f.code(p.database)}, PostgreSQL ${p.version}`,
    generatedAt: (p) => `checked ${p.at}`,
    instanceLine: (p, f) => {
      const age = p.startedAt ? `, up ${f.duration((Date.parse(p.now) - Date.parse(p.startedAt)) / 1000)}` : '';
      const image = p.image ? `, image ${f.code(p.image)}` : '';
      return `${f.code(p.name)}: ${p.state}${age}${image} (${p.location})`;
    },
    health: (p) => `health: ${p.health}`,
    serviceLine: (p, f) => {
      const replicas =
        p.mode === 'global'
          ? `${replicasOf(p.running, f)} running (global: one per node)`
          : p.desired === null
            ? `${f.num(p.running)} running`
            : `${f.num(p.running)}/${replicasOf(p.desired, f)} running`;
      const created = p.createdAt ? `, created ${f.duration(ago(p.createdAt, p.now))} ago` : '';
      // Swarm stamps a new service as updated too, a moment after its creation.
      const updated =
        p.updatedAt && p.createdAt && Date.parse(p.updatedAt) - Date.parse(p.createdAt) > 1000 ? `, updated ${f.duration(ago(p.updatedAt, p.now))} ago` : '';
      const image = p.image ? `, image ${f.code(p.image)}` : '';
      const file = p.composeFile ? `, file ${f.code(p.composeFile)}` : '';
      const unread = p.read ? '' : '; known from its containers only';
      return `${SERVICE_KIND[p.kind]} ${f.code(p.name)}: ${replicas}${created}${updated}${image}${file} (${p.location})${unread}`;
    },
    replicaLine: (p, f) => {
      const node = p.node ? ` on node ${f.code(p.node)}` : '';
      const age = p.createdAt ? `, up ${f.duration(ago(p.createdAt, p.now))}` : '';
      const seen = p.inspected ? '' : ': its container could not be inspected (another node), so its pool settings come from the service spec';
      return `${f.code(p.name)}${node}: ${p.state}${age}${seen}`;
    },
    replicaSetLine: (p, f) =>
      `ReplicaSet ${f.code(p.name)} (revision ${val(p.revision, f)}, ${p.current ? 'new' : 'old'}): ${f.num(p.ready)}/${f.num(p.desired)} ready, ${f.num(p.pods)} running` +
      (p.held === null ? '' : `, holding ${f.count(p.held, W.connection)}`),
    serviceMathLine: (p, f) =>
      `${SERVICE_KIND[p.kind]} ${f.code(p.name)}: ${replicasOf(p.replicas, f)}, ${val(p.demand, f)} connections when every pool is full`,
    restartPolicy: (p, f) =>
      p.policy === 'always'
        ? `restart policy ${f.code('always')}: a restart of the Docker daemon starts it again even after a stop`
        : p.policy === 'unless-stopped'
          ? `restart policy ${f.code('unless-stopped')}: a stop holds, even across a daemon restart`
          : `restart policy ${f.code(p.policy)}`,
    mathLine: (p, f) => {
      const parts: string[] = [];
      if (p.workers !== 0 || (p.untold === 0 && p.customProcesses === 0)) parts.push(`${val(p.workers, f)} workers${originNote(p.workersOrigin)}`);
      if (p.taskWorkers > 0) parts.push(`${f.count(p.taskWorkers, W.taskWorker)}`);
      if (p.untold > 0) parts.push(`${f.count(p.untold, W.worker)} and task workers (can't tell which without process titles)`);
      if (p.customProcesses > 0) parts.push(`${f.count(p.customProcesses, W.customProcess)}`);
      const pool = `${p.poolSizeVar} ${val(p.poolSize, f)}${originNote(p.poolSizeOrigin)}`;
      return `${f.code(p.name)}: (${parts.join(' + ')}) x ${pool} = ${val(p.total, f)}`;
    },
    mathTotal: (p, f) => {
      const cap = p.capacity === null ? '' : ` against ${f.num(p.capacity)} available to the app`;
      const unknown = p.unknown > 0 ? ` (+ ${f.count(p.unknown, W.instance)} unknown)` : '';
      if (p.unread > 0) {
        const known = p.instances > 0 ? `; at least ${f.count(p.demand, W.connection)} over the ${f.count(p.instances, W.instance)} read` : '';
        return `Total: unknown, ${f.count(p.unread, W.instanceSource)} could not be read${known}${unknown}${cap}`;
      }
      return `Total: ${f.count(p.demand, W.connection)} over ${f.count(p.instances, W.instance)}${unknown}${cap}`;
    },
    capacityLine: (p, f) =>
      `Available to the app: max_connections ${f.num(p.max)} - ${f.num(p.reserved)} reserved - ${f.count(p.other, W.otherClient)} = ${f.num(p.capacity)}`,
    headroom: (p, f) => (p.headroom >= 0 ? `Headroom: ${f.num(p.headroom)}` : `Short by ${f.num(-p.headroom)}`),
    workersLine: (p, f) => {
      if (p.unlisted) return `${f.code(p.name)}: processes could not be listed`;
      if (p.single > 0 && p.master + p.manager + p.workers + p.taskWorkers + p.untold + p.custom === 0) {
        return `${f.code(p.name)}: ${f.num(1)} process, the whole server (SWOOLE_BASE with one worker)`;
      }
      const parts = [`${f.num(p.master)} master`, `${f.num(p.manager)} manager`, `${f.count(p.workers + p.single, W.worker)}`, `${f.count(p.taskWorkers, W.taskWorker)}`];
      if (p.untold > 0) parts.push(`${f.count(p.untold, W.worker)} or task workers (can't tell which without process titles)`);
      if (p.custom > 0) parts.push(`${f.count(p.custom, W.customProcess)}`);
      return `${f.code(p.name)}: ${parts.join(', ')}`;
    },
    logLine: (p, f) =>
      `${f.code(p.name)} log (last ${f.count(p.lines, W.line)}): ${f.count(p.starts, W.workerStart)}, ${f.num(p.full)} "server full", ${f.num(p.exhausted)} "pool exhausted"`,
    configLine: (p, f) => `${f.code(p.name)}: ${f.code(p.variable)} = ${val(p.value, f)}${originNote(p.origin)}`,
    idleHeader: (p, f) => `${f.count(p.count, W.session)} idle for more than ${f.count(p.minutes, W.minute)}`,
    idleSession: (p, f) =>
      `pid ${f.code(String(p.pid))} ${f.code(p.user ?? '?')} ${f.code(p.application || '-')} from ${f.code(p.client ?? 'local')}, idle ${f.duration(p.seconds)}`,
    noIdle: (p, f) => `No session has been idle for more than ${f.count(p.minutes, W.minute)}.`,
    noInstances: 'No app instance found.',
    sourceFailed: (p, f) => `${f.code(p.source)}: ${failure(p.message, p.hint, f)}`,
    postgresUnavailable: (p, f) => `PostgreSQL could not be read: ${failure(p.message, p.hint, f)}`,
    noFindings: 'Nothing wrong found.',
    noRecommendations: 'Nothing to do.',
    fixesElsewhere: (p, f) => `No idle session to terminate; ${f.code('dbpool status')} shows the ${f.plural(p.count, { one: 'fix that applies', other: `${f.num(p.count)} fixes that apply` })}.`,
    andMore: (p, f) => `… and ${f.num(p.count)} more`,
    none: 'none',
    pgbouncerHeader: (p, f) => `${f.code(p.address)}: ${p.version}, pool_mode ${p.poolMode}`,
    pgbouncerClients: (p, f) => {
      const console = p.console > 0 ? ` (${f.num(p.console)} on the admin console)` : '';
      const who = p.instances.length > 0 ? ` (${f.list(p.instances.map(f.code))})` : '';
      const unknown = p.unknown > 0 ? ` + ${f.count(p.unknown, W.instance)} unknown` : '';
      const demand = p.demand === null ? '' : `; the app's full pools: ${f.num(p.demand)}${who}${unknown}`;
      return `Clients: ${f.num(p.clients)} / max_client_conn ${f.num(p.max)}${console}${demand}`;
    },
    pgbouncerServers: (p, f) => {
      const size = p.poolSize === null ? 'pool sizes of each' : `pool_size ${f.num(p.poolSize)}`;
      const capped = p.cappedBy ? `, capped by ${p.cappedBy}` : '';
      return `Server pools: ${f.count(p.pairs, W.databaseUserPair)} x (${size} + reserve ${f.num(p.reserve)}) = ${f.num(p.limit)}${capped}; open now: ${f.num(p.open)}`;
    },
    pgbouncerWaiting: (p, f) => `Waiting for a server connection: ${f.count(p.waiting, W.client)}, the oldest for ${f.duration(p.maxWaitSeconds)}`,
    pgbouncerUnread: (p, f) => `${f.code(p.address)}: not read (${failure(p.message, p.hint, f)})`,
    pgbouncerServerTotal: (p, f) =>
      `PostgreSQL side: server pools ${f.num(p.servers)}${p.direct > 0 ? ` + pools connecting directly ${f.num(p.direct)}` : ''} against ${f.num(p.capacity)} available`,
    pgbouncerHeadline: {
      CRIT: 'The app cannot get its connections through PgBouncer (or is about to)',
      WARN: 'The PgBouncer layer needs attention',
    },
    pgbouncerNotConfigured: 'PgBouncer is in the path, but dbpool does not read it: set DBPOOL_PGBOUNCER_URL to its admin console.',
    mathTotalViaPgBouncer: (p, f) => {
      const unknown = p.unknown > 0 ? ` (+ ${f.count(p.unknown, W.instance)} unknown)` : '';
      return `Total: ${f.count(p.demand, W.connection)} over ${f.count(p.instances, W.instance)}${unknown}, to PgBouncer: they count against its max_client_conn, not against max_connections`;
    },
    role: {
      master: 'master',
      manager: 'manager',
      worker: 'worker',
      task_worker: 'task worker',
      worker_or_task: 'worker or task worker',
      custom: 'custom process',
      single: 'single process',
      unknown: 'process',
    },
    holding: (p, f) => {
      const h = p.held;
      const parts = [`idle ${f.num(h.idle)}`, `active ${f.num(h.active)}`];
      if (h.idleInTransaction > 0) parts.push(`idle in transaction ${f.num(h.idleInTransaction)}`);
      if (h.other > 0) parts.push(`other ${f.num(h.other)}`);
      const how = p.method === 'address' ? ' (found by its address: its processes are not visible here)' : '';
      return `holds ${f.num(h.total)} (${parts.join(', ')}), could ask for ${val(p.demand, f)}${how}`;
    },
    processHolding: (p, f) => {
      const pool = p.poolSize === null ? '' : `/${f.num(p.poolSize)}`;
      const notes: string[] = [];
      if (p.held.idleInTransaction > 0) notes.push(`${f.num(p.held.idleInTransaction)} idle in transaction`);
      if (p.poolSize !== null && p.held.total > p.poolSize) notes.push('more than its pool');
      return `pid ${f.code(String(p.pid))} ${f.num(p.held.total)}${pool}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
    },
    byProcess: 'by process',
    heldBy: 'Held by instance',
    unattributed: (p, f) => {
      const why: string[] = [];
      if (p.unixSocket > 0) why.push(`${f.num(p.unixSocket)} over a unix socket, whose other end /proc does not show`);
      if (p.hidden > 0) why.push(`${f.num(p.hidden)} hidden from dbpool's role`);
      if (p.ambiguous > 0) why.push(`${f.num(p.ambiguous)} matching two instances`);
      if (p.noMatch > 0) why.push(`${f.num(p.noMatch)} from no app process or container address dbpool can see`);
      return `${f.num(p.total)} not attributed to an instance: ${why.join('; ')}`;
    },
  },
  hint,
  finding: {
    postgres_unreachable: (p, f) => `PostgreSQL ${f.code(p.source)} is not reachable (${p.kind}): ${failure(p.message, p.hint, f)}`,
    server_refusing: (p, f) =>
      `PostgreSQL ${f.code(p.source)} refuses new connections: ${failure(p.message, p.hint, f)}. Even dbpool could not connect.`,
    server_at_limit: (p, f) => {
      const own = p.own === 0 ? '' : p.connections >= p.usable ? `; dbpool's own ${f.count(p.own, W.connection)} ${f.plural(p.own, { one: 'is in a reserved slot', other: 'are in reserved slots' })}` : ` and dbpool's own ${f.num(p.own)}`;
      return `The server is full: ${f.num(p.connections)} of ${f.num(p.usable)} usable connections in use (the app ${f.num(p.app)}, other clients ${f.num(p.other)})${own}${overUsable(p, f)}. PostgreSQL refuses the app's new connections.`;
    },
    utilization_high: (p, f) =>
      `${f.percent(p.percent)} of usable connections in use (${f.num(p.connections)} / ${f.num(p.usable)}), above the ${f.percent(p.threshold)} threshold.`,
    demand_exceeds_capacity: (p, f) =>
      `The app's pools can ask for ${f.count(p.demand, W.connection)} but only ${f.num(p.capacity)} are available to it: ${f.num(p.missing)} short when the pools fill up.`,
    demand_near_capacity: (p, f) =>
      `Full pools would take ${f.percent(p.percent)} of the app's capacity (${f.num(p.demand)} / ${f.num(p.capacity)}).`,
    server_full_in_logs: (p, f) =>
      `${f.code(p.instance)} logged "${p.quote ?? 'too many clients already'}" ${f.count(p.count, W.time)}${when(p.lastSeen, f)}: PostgreSQL refused it.`,
    app_pool_exhausted: (p, f) => {
      const what = `${f.code(p.instance)} logged ${p.quote ? `"${p.quote}"` : 'its own pool exhausted'} ${f.count(p.count, W.time)}${when(p.lastSeen, f)}`;
      // With the server full the pool cannot grow: the server is the cause, not the pool.
      if (p.free === 0) return `${what}, while PostgreSQL is full too: the pool waits for connections the server refuses.`;
      const leak = p.idleInTransaction > 0 ? ` (${f.count(p.idleInTransaction, W.session)} ${f.plural(p.idleInTransaction, W.is)} idle in transaction)` : '';
      return `${what} while PostgreSQL has room${p.free === null ? '' : ` (${f.num(p.free)} free)`}: its own pool is too small for the load, or connections leak${leak}.`;
    },
    extra_instances: (p, f) =>
      `${f.count(p.running, W.instance)} ${f.plural(p.running, W.is)} running where ${f.num(p.expected)} ${f.plural(p.expected, W.is)} expected: ${f.list(p.candidates.map(f.code))} should probably be stopped.`,
    extra_replicas: (p, f) => {
      const what = p.services.map((s) =>
        s.to === 0
          ? `the older ${SERVICE_KIND[s.kind]} ${f.code(s.name)}${s.createdAt ? ` (created ${f.dateTime(s.createdAt)})` : ''} runs beside ${p.beside.length > 0 ? f.list(p.beside.map(f.code)) : 'the newer instances'}`
          : `${SERVICE_KIND[s.kind]} ${f.code(s.name)} wants ${replicasOf(s.from, f)} where ${f.num(s.to)} would do`,
      );
      const kind = p.services[0]?.kind ?? 'swarm';
      const instead = kind === 'kubernetes' ? 'Scale the Deployment down; deleting its pods only makes its ReplicaSet create new ones.' : `Scale the service down; stopping its task containers only makes ${ORCHESTRATOR[kind]} start new ones.`;
      return `${replicasOf(p.running, f)} of the app ${f.plural(p.running, { one: 'runs', other: 'run' })} where ${f.num(p.expected)} ${f.plural(p.expected, W.is)} expected: ${what.join('; ')}. ${instead}`;
    },
    swarm_services_unread: (p, f) =>
      p.reason === 'not_manager'
        ? `${f.code(p.source)} runs Swarm tasks (${f.list(p.services.map(f.code))}) but is not a Swarm manager: dbpool sees only this node's tasks and cannot scale their services through it. Add a manager to ${f.code('DBPOOL_DOCKER_HOSTS')}.`
        : `The Swarm services on ${f.code(p.source)} could not be read (${f.code(p.message)}): tasks on other nodes are not counted.`,
    idle_sessions_old: (p, f) =>
      `${f.count(p.count, W.session)} ${f.plural(p.count, W.has)} been idle for more than ${f.count(p.minutes, W.minute)} (the oldest ${f.duration(p.oldestSeconds)}).`,
    idle_in_transaction: (p, f) =>
      `${f.count(p.count, W.session)} ${f.plural(p.count, W.is)} idle in transaction${p.oldestSeconds === null ? '' : ` (the oldest ${f.duration(p.oldestSeconds)})`}: they hold a connection and locks, a sign of leaking code.`,
    states_hidden: (p, f) =>
      `The state of ${f.count(p.hidden, W.session)} is hidden from dbpool's role: counts by state are incomplete.`,
    instance_source_failed: (p, f) => `App instances could not be listed from ${f.code(p.source)} (${p.kind}): ${failure(p.message, p.hint, f)}`,
    instance_probe_failed: (p, f) => `${f.code(p.instance)} could not be fully inspected (${p.source}): ${failure(p.message, p.hint, f)}`,
    no_instances: (p, f) => `No running app instance found (looked in ${f.list(p.sources.map(f.code))}).`,
    pool_setting_unknown: (p, f) => `${f.code(p.variable)} of ${f.code(p.instance)} is unknown: its demand cannot be computed.`,
    pool_setting_fallback: (p, f) =>
      `${f.code(p.variable)} of ${f.code(p.instance)} could not be read; using the configured fallback ${f.num(p.value)}.`,
    workers_mismatch: (p, f) =>
      `${f.code(p.instance)} runs ${f.count(p.running, W.worker)} but is configured for ${f.num(p.configured)}: workers may be crashing or restarting.`,
    pgbouncer_down: (p, f) =>
      `${at(p.address, f)} does not answer (${p.kind}): ${failure(p.message, p.hint, f)}. The app connects through it, so it cannot reach the database` +
      (p.connections === null || p.usable === null ? '.' : `, while PostgreSQL itself answers (${f.num(p.connections)} / ${f.num(p.usable)} usable connections in use).`),
    pgbouncer_unreadable: (p, f) => `dbpool cannot read the admin console of ${at(p.address, f)} (${p.kind}): ${failure(p.message, p.hint, f)}. The PgBouncer layer is not checked.`,
    pgbouncer_in_path_unread: (p, f) =>
      `PgBouncer is between the app and PostgreSQL (${p.signs.map((s) => sign(s, f)).join('; ')}), but dbpool does not read it: the app's pools count against PgBouncer's max_client_conn, not against max_connections, so they are not compared with PostgreSQL here.`,
    pgbouncer_client_limit: (p, f) =>
      `${at(p.address, f)} is at max_client_conn: ${f.num(p.clients)} of ${f.num(p.max)} client connections. New app connections are refused (${f.code(PGBOUNCER_LOG_TEXT.max_client_conn)}).`,
    pgbouncer_errors_in_logs: (p, f) =>
      `${f.code(p.instance)} logged ${f.code(PGBOUNCER_LOG_TEXT[p.error])} ${f.count(p.count, W.time)}${when(p.lastSeen, f)}: ${PGBOUNCER_LOG_MEANING[p.error]}`,
    pgbouncer_client_demand_exceeds: (p, f) =>
      `The app's pools can open ${f.num(p.demand)} client connections to ${at(p.address, f)}, but max_client_conn ${f.num(p.max)} leaves ${f.num(p.capacity)} for them: ${f.num(p.missing)} ${f.plural(p.missing, W.is)} refused when the pools fill up.`,
    pgbouncer_client_demand_near: (p, f) =>
      `The app's full pools would take ${f.percent(p.percent)} of the client slots of ${at(p.address, f)} (${f.num(p.demand)} / ${f.num(p.capacity)}, max_client_conn ${f.num(p.max)}).`,
    pgbouncer_clients_waiting: (p, f) =>
      `${f.count(p.waiting, W.client)} of ${f.code(`${p.database}/${p.user}`)} wait for a server connection on ${at(p.address, f)}, the oldest for ${f.duration(p.maxWaitSeconds)}; ${f.num(p.active)} of its pool of ${f.num(p.poolSize)} are busy: the server pool is too small for the load, or queries are slow.`,
    pgbouncer_server_pools_exceed: (p, f) =>
      `PgBouncer's server pools can open ${f.count(p.demand, W.connection)} to PostgreSQL, but only ${f.num(p.capacity)} are available: ${f.num(p.missing)} short when they fill up.`,
    pgbouncer_server_pools_near: (p, f) =>
      `PgBouncer's full server pools would take ${f.percent(p.percent)} of what PostgreSQL has for them (${f.num(p.demand)} / ${f.num(p.capacity)}).`,
    pgbouncer_idle_servers: (p, f) =>
      `${f.num(p.count)} of the sessions idle for more than ${f.count(p.minutes, W.minute)} ${f.plural(p.count, { one: "is PgBouncer's server connection", other: "are PgBouncer's server connections" })}, its pool kept open on purpose: terminating them only moves the problem (PgBouncer opens them again).`,
    pool_processes_mismatch: (p, f) => {
      const configured = p.taskWorkers > 0 ? `${f.count(p.workers, W.worker)} + ${f.count(p.taskWorkers, W.taskWorker)}` : `${f.count(p.workers, W.worker)}`;
      const what = `${f.code(p.instance)} runs ${f.count(p.running, W.poolProcess)} under its manager where ${configured} are configured (without process titles dbpool can't tell workers from task workers or custom processes, so it compares the sums)`;
      return p.running < p.workers + p.taskWorkers
        ? `${what}: workers may be crashing or failing to start.`
        : `${what}: the others are custom processes (${f.code('$server->addProcess')}) or workers being replaced; each is counted as a pool.`;
    },
    instance_holds_idle: (p, f) =>
      `${f.code(p.instance)} holds ${f.count(p.held, W.idleConnection)} and serves no traffic: none of them has been used for ${f.duration(p.minutes * 60)}.`,
    // Kubernetes.
    rollout_incomplete: (p, f) =>
      `Deployment ${f.code(p.deployment)} (namespace ${f.code(p.namespace)}) runs its old ReplicaSet beside the new one: ` +
      `${f.list(p.old.map((o) => `${f.code(o.name)} (revision ${val(o.revision, f)}) ${f.count(o.pods, W.pod)}`))} beside ` +
      `${f.code(p.current.name)} (revision ${val(p.current.revision, f)}) ${f.num(p.current.ready)}/${f.num(p.current.desired)} ready. ` +
      (p.stuck
        ? 'The rollout is stuck (its progress deadline passed): the new pods do not get ready, and every pod of both holds its pools.'
        : p.paused
          ? 'The rollout is paused: both ReplicaSets keep their pods, and every one holds its pools.'
          : 'A rollout is under way: until it ends, the pods of both hold their pools.'),
    process_idle_in_transaction: (p, f) =>
      `The ${en.label.role[p.role]} pid ${f.code(String(p.pid))} of ${f.code(p.instance)} holds ${f.num(p.count)} of its ${f.count(p.held, W.connection)} idle in transaction${p.oldestSeconds === null ? '' : ` (the oldest for ${f.duration(p.oldestSeconds)})`}: the code it runs leaves transactions open.`,
  },
  recommendation: {
    lower_pool_size: (p, f) =>
      `Lower ${f.code(p.variable)}${p.current === null ? '' : ` from ${f.num(p.current)}`} to ${f.num(p.suggested)}: ${f.num(p.holders)} pool-holding processes then fit in ${f.num(p.capacity)} with margin. Restart the app after the change.`,
    raise_max_connections: (p, f) =>
      `Raise max_connections from ${f.num(p.current)} to ${f.num(p.suggested)} (needs a PostgreSQL restart; about ${f.num(p.extraMemoryMb)} MB more memory).`,
    stop_extra_instances: (p, f) =>
      `Stop the extra instances: ${f.list(p.candidates.map(f.code))}.` +
      (p.compose ?? [])
        .map(
          (c) =>
            ` ${f.code(c.name)} belongs to Compose project ${f.code(c.project)}: \`docker compose up\` starts it again unless its service ${f.code(c.service)} is changed${c.file ? ` in ${f.code(c.file)}` : ''} (the lines below).`,
        )
        .join('') +
      (p.restartAlways?.length
        ? ` ${f.list(p.restartAlways.map(f.code))}: restart policy ${f.code('always')}, so a restart of the Docker daemon starts it again unless the policy is changed first (\`docker update --restart=no\`, below).`
        : '') +
      (p.restartUnlessStopped?.length
        ? ` ${f.list(p.restartUnlessStopped.map(f.code))}: restart policy ${f.code('unless-stopped')}, so the stop holds across a daemon restart.`
        : ''),
    scale_down_service: (p, f) =>
      (p.to === 0
        ? `Scale the older ${SERVICE_KIND[p.kind]} ${f.code(p.service)} from ${f.num(p.from)} to 0 replicas${p.beside.length > 0 ? `, keeping ${f.list(p.beside.map(f.code))}` : ''}`
        : `Scale ${SERVICE_KIND[p.kind]} ${f.code(p.service)} from ${f.num(p.from)} to ${replicasOf(p.to, f)}`) +
      (p.kind === 'kubernetes'
        ? ': its ReplicaSets then remove the extra pods and keep them removed. Do not delete its pods: the ReplicaSet creates new ones at once.'
        : `: ${ORCHESTRATOR[p.kind]} then stops the extra tasks and keeps them stopped. Do not \`docker stop\` its containers: ${ORCHESTRATOR[p.kind]} starts new ones within seconds.`),
    rollout_undo: (p, f) =>
      `Finish or undo the rollout of Deployment ${f.code(p.deployment)} through its controller: see where it is with \`rollout status\`` +
      (p.paused ? ', resume it if it should go on' : '') +
      `, or go back to revision ${val(p.back, f)} with \`rollout undo\` (the old ReplicaSet scales up, the new one down). Do not delete pods: their ReplicaSet creates new ones at once.`,
    terminate_idle: (p, f) =>
      `Terminate the app's ${f.count(p.count, W.session)} idle for more than ${f.count(p.minutes, W.minute)} in ${f.code(p.database)} (${roleList(p.roles, f)}).` +
      (p.behindPgBouncer ? " Behind PgBouncer some may be its server connections: terminating those only moves the problem (it opens them again); let dbpool read PgBouncer to tell them apart." : ''),
    use_pooler: (p, f) =>
      `The pools ask for ${f.count(p.demand, W.connection)}, more than one server should hold: put PgBouncer in transaction mode in front of PostgreSQL.`,
    idle_in_transaction_timeout: (p, f) =>
      `Let PostgreSQL end sessions left idle in transaction in ${f.code(p.database)}, and find the code that leaves them open. ` +
      `The setting applies to new sessions only: the ${f.count(p.count, W.session)} open now ${f.plural(p.count, { one: 'needs', other: 'need' })} terminating (${f.code('pg_terminate_backend')}) or a restart of the app.`,
    grant_pg_monitor: (p, f) => `Grant ${f.code('pg_monitor')} to dbpool's role ${f.code(p.role)} so that every session's state is visible.`,
    start_pgbouncer: (p, f) =>
      `Start ${at(p.address, f)} again and read its log for why it stopped: the app reaches PostgreSQL only through it. PostgreSQL needs no change.`,
    pgbouncer_console_access: (p, f) =>
      `Let dbpool read the admin console of ${at(p.address, f)}: add ${f.code(p.user)} to stats_users (read-only SHOW commands) with its password in the auth_file, then RELOAD.`,
    raise_max_client_conn: (p, f) =>
      `Raise max_client_conn of ${p.address === null ? 'PgBouncer' : at(p.address, f)}${p.current === null ? '' : ` from ${f.num(p.current)}`} to ${f.num(p.suggested)}` +
      (p.demand === null ? '' : `, so that the app's ${f.num(p.demand)} pooled connections fit`) +
      `: a client connection to PgBouncer is cheap (no PostgreSQL backend of its own), and PostgreSQL needs no change. PgBouncer needs a file descriptor per client: check its open-files limit (LimitNOFILE, ulimit -n).`,
    raise_default_pool_size: (p, f) =>
      `${f.count(p.waiting, W.client)} ${f.plural(p.waiting, W.wait)} for a server connection: raise default_pool_size of ${at(p.address, f)} from ${f.num(p.current)} to ${f.num(p.suggested)} (database ${f.code(p.database)}); PostgreSQL has room for it.` +
      (p.reserve === null ? '' : ` A reserve (reserve_pool_size ${f.num(p.reserve)}) takes bursts.`),
    cap_server_pools: (p, f) =>
      `The server pools of ${at(p.address, f)} may open ${f.count(p.limit, W.connection)}, more than PostgreSQL's ${f.num(p.capacity)} left for them: cap them with max_db_connections ${f.num(p.suggested)}` +
      (p.poolSize === null ? '' : ` (or default_pool_size ${f.num(p.poolSize)})`) +
      '. No client waits now, so smaller server pools cost nothing.',
    read_pgbouncer: (p, f) =>
      `Let dbpool read PgBouncer (${f.code(`${p.host}:${p.port}`)}): set DBPOOL_PGBOUNCER_URL to its admin console, with dbpool in stats_users. Then the report shows both layers: the app against max_client_conn, PgBouncer's server pools against max_connections.`,
    pgbouncer_idle_servers: (p, f) =>
      `Do not terminate PgBouncer's ${f.num(p.count)} idle server connections: it would open them again. Let it close idle ones sooner: server_idle_timeout from ${f.num(p.current)} to ${f.num(p.suggested)} seconds.`,
  },
  action: {
    planTerminate: (p, f) =>
      `Terminate ${f.count(p.count, W.session)} idle for more than ${f.count(p.minutes, W.minute)} in ${f.code(p.database)}: ${roleList(p.roles, f)}`,
    planStopTitle: (p, f) => {
      const what = [p.stop > 0 ? `stop ${f.count(p.stop, W.extraInstance)}` : '', p.scale > 0 ? `scale down ${f.count(p.scale, { one: 'service', other: 'services' })}` : ''].filter(Boolean).join(' and ');
      const keeping = p.keeping.length > 0 ? `, keeping ${f.list(p.keeping.map(f.code))}` : '';
      return `${what.charAt(0).toUpperCase()}${what.slice(1)}${keeping}`;
    },
    planStop: (p, f) => `Stop ${f.code(p.name)}${p.ageSeconds === null ? '' : `, created ${f.duration(p.ageSeconds)} ago`}`,
    planScale: (p, f) =>
      `Scale ${SERVICE_KIND[p.kind]} ${f.code(p.name)} from ${f.num(p.from)} to ${replicasOf(p.to, f)}${p.ageSeconds === null ? '' : `, created ${f.duration(p.ageSeconds)} ago`}`,
    planUndo: (p, f) => `Undo: scale ${SERVICE_KIND[p.kind]} ${f.code(p.name)} back from ${f.num(p.from)} to ${replicasOf(p.to, f)}`,
    scaledLine: (p, f) => `${f.code(p.name)}: scaled from ${f.num(p.from)} to ${replicasOf(p.to, f)}${p.reason ? ` (${p.reason})` : ''}`,
    buttonScale: (p, f) => `Scale down ${f.num(p.count)} extra`,
    buttonUndo: 'Undo',
    undoOffer: (p, f) =>
      `Undo scales ${f.list(p.services.map((s) => `${f.code(s.name)} back to ${replicasOf(s.to, f)}`))}. Like the action, it needs an approver's confirm; offered until ${p.at}.`,
    undoHint: (p, f) => `To undo: ${f.code(p.command)} (until ${p.at}).`,
    converged: (p, f) =>
      `Converged after ${f.duration(p.seconds)}: ${scaleStates(p.services, f)}${p.connections === null ? '' : `; the app's connections settled at ${f.num(p.connections)}`}.`,
    notConverged: (p, f) =>
      `Not converged after ${f.duration(p.seconds)}: ${scaleStates(p.services, f)}${p.connections === null ? '' : ` (the app holds ${f.count(p.connections, W.connection)})`}. The orchestrator is still at work, or cannot place the tasks: look again with \`dbpool status\`.`,
    comparedWithUndone: (p) => `Compared with the figures before the scale-down this undoes (${p.at}):`,
    confirmTitle: 'Are you sure?',
    confirmYes: 'Yes, do it',
    confirmNo: 'Cancel',
    buttonTerminate: (p, f) => `Terminate ${f.count(p.count, W.idleSession)}`,
    buttonStop: (p, f) => `Stop ${f.count(p.count, W.extraInstance)}`,
    buttonCancel: 'Cancel',
    ask: 'Proceed? [y/N] ',
    aborted: 'Nothing done.',
    noTerminal: 'There is no terminal to ask: pass --yes to confirm.',
    dryRun: 'Dry run: nothing done.',
    expiresAt: (p) => `This plan expires at ${p.at}.`,
    refused: {
      unknown_plan: 'This action is unknown or was tampered with: nothing done.',
      expired: 'This action has expired: run the diagnosis again. Nothing done.',
      already_ran: 'This action has already run (or is running): nothing done twice.',
      cancelled: 'This action was cancelled: nothing done.',
      not_approver: 'You are not allowed to approve actions: nothing done.',
      requester_cannot_approve: 'Two-person rule: someone other than the requester must approve. Nothing done.',
      read_only: 'dbpool is in read-only mode: actions are off. Nothing done.',
      hourly_cap: 'The hourly limit of actions is reached: nothing done.',
      cannot_cancel: 'Only the requester or an approver may cancel this action.',
      state_unavailable: "dbpool's state store is unavailable, so the action cannot be recorded: nothing done.",
      shutting_down: 'dbpool is stopping and starts nothing new: nothing done.',
      nothing_to_do: 'Nothing to do: the report shows nothing this action would touch.',
    },
    blind: 'No plan can be made: dbpool could not read what the action depends on. Nothing done.',
    unread: (p, f) => `${f.code(p.source)}: ${failure(p.message, p.hint, f)}`,
    executionFailed: (p, f) => `The action failed: ${f.code(p.detail)}`,
    approvedBy: (p) => `Approved by ${p.who} at ${p.at}`,
    cancelledBy: (p) => `Cancelled by ${p.who}`,
    session: {
      terminated: 'terminated',
      no_longer_idle: 'no longer idle, left alone',
      gone: 'already gone',
      not_permitted: 'not permitted',
      not_terminated: 'not terminated',
      error: 'error',
    },
    instance: { stopped: 'stopped', killed: 'killed after the grace period', already_stopped: 'already stopped', scaled: 'scaled', refused: 'left running', error: 'error' },
    instanceReason: {
      gone: "no longer running, or no longer the app's",
      replaced: 'another instance has this id now',
      below_expected: 'stopping it would leave fewer instances than expected',
      no_stopper: 'dbpool cannot stop this kind of instance',
      not_app: 'it no longer matches the app',
      unknown_engine: 'its Docker engine (or Kubernetes cluster and namespace) is not configured',
      not_a_process: 'not a process instance',
      not_permitted: 'not permitted to signal it',
      still_running: 'still running',
      no_such_container: 'no such container',
      no_answer: 'the engine did not answer in time',
      swarm_task: 'a task of a Swarm service: Swarm would start another, so the service is scaled instead',
      no_scaler: 'dbpool cannot scale this kind of service',
      global_service: 'a global service runs one task per node and has no replica count to scale',
      replicas_changed: 'its replica count changed since the plan: diagnose again',
      already_at: 'it wanted that many already',
      failed: 'it failed',
    },
    sessionLine: (p, f) => `pid ${f.code(String(p.pid))}: ${p.outcome}${p.detail ? ` (${f.code(p.detail)})` : ''}`,
    instanceLine: (p, f) => `${f.code(p.name)}: ${p.outcome}${p.reason ? `: ${p.reason}` : ''}${p.detail ? ` (${f.code(p.detail)})` : ''}`,
    summary: (p, f) => `${f.num(p.done)} of ${f.num(p.total)} done.`,
    verifyTitle: 'After the action',
    beforeAfter: (p, f) =>
      `Connections: ${p.before === null ? 'unknown' : f.num(p.before)} before, ${p.after === null ? 'unknown' : f.num(p.after)} now` +
      (p.usable === null ? '' : ` (of ${f.num(p.usable)} usable)`),
    instancesBeforeAfter: (p, f) =>
      `Instances running: ${p.before === null ? 'unknown' : f.num(p.before)} before, ${p.after === null ? 'unknown' : f.num(p.after)} now`,
    workersStarted: (p, f) => `In the logs since the action: ${f.count(p.starts, W.workerStart)}, ${f.num(p.fullErrors)} "server full" errors`,
    verifySkipped: {
      shutdown: 'dbpool stopped before the check after the action: run the status again to see the result.',
      failed: 'The check after the action could not be made: run the status again to see the result.',
    },
    reconciled: 'dbpool stopped while this action ran; at its restart the targets were checked again:',
    auditTitle: 'Audit trail (latest first)',
    auditEmpty: 'No entries yet.',
    auditLine: (p, f) => `${p.at}  ${p.event}  ${p.action ?? '-'}  ${p.actor ?? '-'}  ${f.code(p.detail)}`,
  },
  cli: {
    usage: 'Usage: dbpool <command> [options]   (dbpool help)',
    badArgument: (p) => `Wrong argument: ${p.detail}`,
    configError: (p) => `Configuration error:\n${p.detail}`,
  },
  argument: {
    unknown_command: (p, f) => `unknown command ${f.code(p.command)}`,
    unknown_option: (p, f) => `${f.code(p.command)}: unknown option ${p.options.map(f.code).join(', ')}`,
    required: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} is required`,
    range: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} must be a ${p.whole ? 'whole ' : ''}number from ${f.num(p.min)} to ${f.num(p.max)}`,
    one_of: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} must be ${p.allowed.map(f.code).join(' or ')}`,
    too_many_arguments: (p, f) =>
      p.max === 0 ? `${f.code(p.command)} takes no arguments` : `${f.code(p.command)} takes at most ${f.num(p.max)} argument${p.max === 1 ? '' : 's'}`,
    needs_value: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} needs a value`,
    takes_no_value: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} takes no value`,
    invalid: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} is not valid`,
    lone_dashes: (_p, f) => `a lone ${f.code('--')} is not an option`,
    no_database: (_p, f) => `no database configured: set ${f.code('DATABASE_URL')} (or the ${f.code('PG*')} variables)`,
    no_history: (_p, f) => `no history: set a writable ${f.code('DBPOOL_STATE_DIR')}`,
    warn_below_crit: (p, f) => `${f.code(p.command)}: the warning line (${f.code('-w')}) must be below the critical one (${f.code('-c')})`,
    lang_is_slack_only: (_p, f) => `the CLI takes the language from ${f.code('--lang')} or ${f.code('DBPOOL_LANG')}; ${f.code('lang')} sets it per user in Slack`,
  },
  plugin: {
    connections: (p, f) => `${f.num(p.connections)}/${f.num(p.usable)} usable connections`,
    demand: (p, f) =>
      `demand ${f.num(p.demand)}${p.unknown > 0 ? '+' : ''} ${p.demand > p.capacity ? '>' : '<='} ${f.num(p.capacity)} available`,
    unreachable: (p) => `${p.source}: ${p.kind} (${p.message})`,
  },
  help: {
    title: 'dbpool: why is PostgreSQL out of connections?',
    commands: {
      status: 'status - the whole diagnosis: connections, pool math, instances, findings, fixes',
      connections: 'connections - connections by state, application, user and client',
      instances: 'instances - the app instances found, with age and image',
      workers: 'workers - worker processes and log lines of each instance',
      config: 'config - DB_POOL_SIZE and SWOOLE_WORKER_NUM of each instance',
      idle: 'idle [minutes] - sessions idle for longer than N minutes (default 10)',
      math: 'math --workers 4 --pool 30 --instances 2 --max-connections 200 - what-if calculator (exits 0 when the pools fit, 1 when not)',
      check: 'check [-w 75%] [-c 90%] - the status as one Nagios/Icinga plugin line with perfdata',
      'terminate-idle': 'terminate-idle [--minutes N] [--yes] [--dry-run] - terminate idle sessions, after a confirm',
      'stop-extra': 'stop-extra [--yes] [--dry-run] - stop the older extra instances (scale down a Swarm service), after a confirm',
      undo: 'undo <id> [--yes] [--dry-run] - scale a service back after stop-extra scaled it down, after a confirm',
      audit: 'audit [--limit N] - the latest requests, approvals, refusals and outcomes',
      summary: 'summary - the last 24 hours: peak, p95, time above the thresholds, refusals, actions',
      lang: 'lang fa|en - the language of your reports',
      help: 'help - this text',
    },
    options: 'Options: --lang fa|en, --json (CLI), --minutes N (idle), --reserved N, --task-workers N, --other N (math)',
  },  slack: {
    checking: (p, f) => `:hourglass_flowing_sand: Checking ${f.code(p.command)}…`,
    notAllowed: 'You are not allowed to use dbpool here: nothing was run. Ask the on-call lead to add your user or this channel.',
    langSet: 'Your reports will be in English.',
    badAction: 'This button is unknown or was tampered with: nothing was run.',
    notInChannel: 'dbpool cannot post in this conversation: invite it first (`/invite @dbpool`).',
    failed: 'Something went wrong while preparing the report: nothing was changed. The details are in dbpool\'s log.',
    reportRefused: (p, f) => `The report could not be shown here: Slack refused it (${f.code(p.error)}). Nothing was changed; \`dbpool status\` in a terminal gives the same report.`,
    approvalHint: (p) => `Asked by ${p.user}. Nothing happens until an approver clicks Approve and confirms.`,
    buttonApprove: 'Approve',
    buttonMute: 'Mute 1h',
    muted: (p) => `Early warnings are muted until ${p.until}.`,
    running: 'Running…',
    buttonRefresh: 'Refresh',
    buttonIdle: 'Show idle sessions',
    buttonInstances: 'Show instances',
    buttonSwitchLanguage: 'فارسی',
    requestedBy: (p, f) => `${p.user} asked for ${f.code(p.command)}`,
  },
  summary: {
    title: (p) => `Daily connection summary, ${p.date}`,
    headline: {
      OK: 'A quiet day: utilization stayed below the warning line.',
      WARN: 'Utilization crossed the warning line (or extra instances ran) in the last 24 hours.',
      CRIT: 'Utilization reached the critical line or the server refused connections in the last 24 hours.',
      UNKNOWN: 'No data for the last 24 hours: dbpool could not sample the server.',
    },
    section: { usage: 'Last 24 hours', refusals: 'Refused connections', instances: 'Instances', poolNow: 'Pool math now', actions: 'Actions taken', change: 'Against the day before' },
    peak: (p, f) => `Peak ${f.num(p.connections)}${p.usable === null ? '' : ` of ${f.num(p.usable)} usable`} connections at ${p.at}`,
    utilization: (p, f) => `Utilization: average ${f.percent(p.avg)}, p95 ${f.percent(p.p95)}`,
    aboveThresholds: (p, f) => `${f.duration(p.warnMinutes * 60)} above ${f.percent(p.warn)}, ${f.duration(p.critMinutes * 60)} above ${f.percent(p.crit)}`,
    withoutData: (p, f) => `${f.count(p.minutes, W.minute)} without data (left out of these figures)`,
    noData: 'No successful sample in the last 24 hours.',
    refusals: (p, f) => `The server refused connections: seen in ${f.count(p.samples, W.sample)}, ${f.num(p.logLines)} "server full" lines in the app logs`,
    noRefusals: 'No refused connection was recorded in the last 24 hours (by dbpool or in the app logs).',
    instances: (p, f) => (p.min === p.max ? `${f.count(p.max, W.instance)} all day` : `Between ${f.num(p.min)} and ${f.count(p.max, W.instance)}`),
    extraInstances: (p, f) => `Up to ${f.count(p.extra, W.extraInstance)} ran at the same time`,
    instancesUnknown: 'No instance count was recorded in the last 24 hours.',
    poolNow: (p, f) => {
      const capacity = p.capacity === null ? '' : ` for ${f.num(p.capacity)} left to the app (${f.num(p.usable ?? 0)} usable)`;
      const unknown = p.unknown > 0 ? `, ${f.count(p.unknown, W.instance)} unknown` : '';
      const headroom = p.headroom === null ? '' : p.headroom >= 0 ? `, headroom ${f.num(p.headroom)}` : `, short by ${f.num(-p.headroom)}`;
      return `Full pools need ${f.count(p.demand, W.connection)}${capacity}${unknown}${headroom}`;
    },
    poolNowUnavailable: 'The pool math could not be computed now (server unreachable).',
    pgbouncerNow: (p, f) =>
      `PgBouncer ${f.code(p.address)}: ${f.num(p.clients)} / max_client_conn ${f.count(p.max, W.client)}` +
      (p.demand === null ? '' : ` (full app pools ${f.num(p.demand)})`) +
      (p.waiting > 0 ? `, ${f.num(p.waiting)} waiting` : '') +
      `; server pools up to ${f.num(p.servers)}${p.capacity === null ? '' : ` of ${f.num(p.capacity)} available in PostgreSQL`}`,
    pgbouncerNowUnread: (p, f) => `PgBouncer ${f.code(p.address)} could not be read now.`,
    action: (p, f) => `${p.at}: ${f.code(p.action)}${p.actor ? ` approved by ${p.actor}` : ''}${p.ok ? '' : ' (failed)'}`,
    noActions: 'No remediation action ran.',
    changePeak: (p, f) => `Peak ${p.delta >= 0 ? '+' : '−'}${f.count(Math.abs(p.delta), W.connection)}`,
    changeUtilization: (p, f) => `Average ${p.avgPoints >= 0 ? '+' : '−'}${f.num(Math.abs(p.avgPoints))} points, p95 ${p.p95Points >= 0 ? '+' : '−'}${f.num(Math.abs(p.p95Points))} points`,
    changeWarnMinutes: (p, f) => `Time above the warning line ${p.delta >= 0 ? '+' : '−'}${f.duration(Math.abs(p.delta) * 60)}`,
    noPrevious: 'No data for the day before to compare with.',
    sparkline: (p, f) => `Connections over 24 hours (scale 0–${f.num(p.max)}): ${p.line}`,
    chartTitle: (p) => `Connections, 24 hours to ${p.date}`,
    chartConnections: 'Connections',
    chartCapacity: 'Usable slots',
    chartWarn: (p, f) => `Warning (${f.percent(p.percent)})`,
    chartCrit: (p, f) => `Critical (${f.percent(p.percent)})`,
    chartRefusals: 'Connections refused',
    chartExtraInstances: 'Extra app instance running',
  },
  warning: {
    opened: (p, f) => `${p.severity === 'crit' ? ':rotating_light: Critical' : ':warning: Warning'}: connection utilization is ${f.percent(p.utilization)} (threshold ${f.percent(p.threshold)}).`,
    escalated: (p, f) => `:rotating_light: Now critical: utilization ${f.percent(p.utilization)} (threshold ${f.percent(p.threshold)}).`,
    relapsed: (p, f) => `${p.severity === 'crit' ? ':rotating_light: Critical' : ':warning: Warning'} again: utilization ${f.percent(p.utilization)} (threshold ${f.percent(p.threshold)}).`,
    recovered: (p, f) => `:white_check_mark: Back to normal: utilization ${f.percent(p.utilization)}.`,
  },
};
