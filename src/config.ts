import { z } from 'zod';
import { engineAddressProblem } from './probes/docker/engine-address.js';

/**
 * The one zod schema over the environment, and the only module that reads process.env.
 * Everything else receives a typed Config. Every variable is documented in .env.example.
 */

/** A whole number in [min, max]. Whatever is wrong (not a number, a fraction, out of range), the refusal states the range. */
const wholeNumber = (min: number, max: number) => {
  const range = max === Number.MAX_SAFE_INTEGER ? `must be a whole number, at least ${min}` : `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: range }).int({ error: range }).min(min, { error: range }).max(max, { error: range });
};
const int = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => wholeNumber(min, max).default(def);
const optionalInt = (min = 0, max = Number.MAX_SAFE_INTEGER) => z.preprocess(emptyToUndefined, wholeNumber(min, max).optional());
/** A share written as a fraction: 75 % is 0.75 (a newcomer writes 75). */
const fraction = (def: number, example: string, zeroAllowed = false) => {
  const says = `must be a fraction ${zeroAllowed ? 'from 0 to below 1' : 'between 0 and 1'}, like ${example}`;
  const n = z.coerce.number({ error: says });
  return (zeroAllowed ? n.min(0, { error: says }) : n.gt(0, { error: says })).lt(1, { error: says }).default(def);
};
const ratio = (def: number) => fraction(def, `${def} for ${Math.round(def * 100)} %`);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
/** A Slack token of one kind: a token of another kind in its place is the usual copy-paste slip. */
const slackToken = (prefix: string, kind: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? emptyToUndefined(v.trim()) : v),
    z.string().startsWith(prefix, `must be ${kind}, starting with ${prefix}`).optional(),
  );
/** Comma-separated values, blanks dropped; each checked by `item`. */
const commaList = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item).default([]));
const list = commaList(z.string());
const engineAddress = z.string().superRefine((address, ctx) => {
  const problem = engineAddressProblem(address);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const regex = (def: string) =>
  z.string().default(def).refine(isValidRegex, { message: 'is not a valid regular expression' });
const regexList = (def: string[]) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.split('||').map((s) => s.trim()).filter(Boolean) : v),
    z.array(z.string().refine(isValidRegex, { message: 'is not a valid regular expression' })).default(def),
  );
const bool = (def: boolean) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
    z.enum(['true', 'false', '1', '0', 'yes', 'no']).default(def ? 'true' : 'false'),
  ).transform((v) => v === 'true' || v === '1' || v === 'yes');

function isValidTimeZone(zone: string): boolean {
  // The canonical names first: a DateTimeFormat costs a CLI run ~10 ms of ICU set-up; aliases
  // (US/Eastern) are only known to it.
  if (zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function emptyToUndefined(v: unknown): unknown {
  return typeof v === 'string' && v.trim() === '' ? undefined : v;
}

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

const postgresUrl = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v) && URL.canParse(v), {
      message: 'must be a postgresql:// or postgres:// URL',
    })
    .optional(),
);

/** PgBouncer's admin console: a postgres:// URL whose database is the console's, "pgbouncer". */
const pgbouncerUrl = z.string().superRefine((v, ctx) => {
  if (!/^postgres(ql)?:\/\//.test(v) || !URL.canParse(v)) {
    ctx.addIssue({ code: 'custom', message: 'must be postgres:// URLs of PgBouncer\'s admin console, comma-separated' });
  } else if (decodeURIComponent(new URL(v).pathname.replace(/^\//, '')) !== 'pgbouncer') {
    ctx.addIssue({ code: 'custom', message: 'must name the admin console\'s database: postgres://dbpool@pgbouncer:6432/pgbouncer' });
  }
});

export const envSchema = z
  .object({
    DATABASE_URL: postgresUrl,
    PGHOST: optionalString,
    PGPORT: optionalInt(1, 65535),
    PGUSER: optionalString,
    PGPASSWORD: optionalString,
    PGDATABASE: optionalString,
    DBPOOL_CONNECT_TIMEOUT_MS: int(5000, 100, 120_000),
    DBPOOL_STATEMENT_TIMEOUT_MS: int(5000, 100, 120_000),
    DBPOOL_PGBOUNCER_URL: commaList(pgbouncerUrl),

    DBPOOL_LANG: z.enum(['en', 'fa']).default('en'),
    DBPOOL_TZ: z.preprocess(emptyToUndefined, z.string().refine(isValidTimeZone, { message: 'is not a known IANA time zone' }).optional()),
    DBPOOL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DBPOOL_INSTANCE_SOURCE: z.enum(['auto', 'docker', 'kubernetes', 'process', 'none']).default('auto'),
    DBPOOL_KUBECONFIG: optionalString,
    APP_K8S_NAMESPACE: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: 'is not a Kubernetes namespace name (lowercase letters, digits and -)' }).optional(),
    ),
    APP_K8S_SELECTOR: z.preprocess(
      emptyToUndefined,
      z.string().regex(/^[A-Za-z0-9_.\-/=!,() ]+$/, { message: 'is not a label selector (e.g. app=php-swoole-app or app in (shop,shop-new))' }).optional(),
    ),
    // Opt-in: reading each pod's process list needs pods/exec (deploy/kubernetes/role-exec.yaml).
    DBPOOL_K8S_EXEC: bool(false),
    // Set by the kubelet in every container: dbpool runs inside a cluster.
    KUBERNETES_SERVICE_HOST: optionalString,
    KUBERNETES_SERVICE_PORT: optionalInt(1, 65535),
    APP_PROCESS_PATTERN: regex('php.*server\\.php'),
    APP_CONTAINER_PATTERN: regex('php_swoole'),
    APP_CONTAINER_LABEL: optionalString,
    DOCKER_HOST: z.preprocess(emptyToUndefined, engineAddress.optional()),
    DBPOOL_DOCKER_HOSTS: commaList(engineAddress),
    DOCKER_TLS_VERIFY: optionalString,
    DOCKER_CERT_PATH: optionalString,
    APP_POOL_SIZE_VAR: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('DB_POOL_SIZE'),
    APP_WORKER_NUM_VAR: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('SWOOLE_WORKER_NUM'),
    APP_TASK_WORKER_NUM_VAR: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('SWOOLE_TASK_WORKER_NUM'),
    APP_POOL_SIZE_FALLBACK: optionalInt(1, 100_000),
    APP_WORKER_NUM_FALLBACK: optionalInt(1, 100_000),
    APP_EXPECTED_INSTANCES: int(1, 1, 1000),
    APP_DB_USER: optionalString,
    APP_APPLICATION_NAME: optionalString,
    APP_LOG_TAIL_LINES: int(5000, 10, 1_000_000),
    APP_LOG_SINCE_MINUTES: int(60, 1, 60 * 24 * 30),
    APP_LOG_WORKER_START_PATTERN: regex('Worker.*starting'),
    APP_LOG_SERVER_FULL_PATTERNS: regexList(['too many clients already', 'remaining connection slots are reserved']),
    APP_LOG_POOL_EXHAUSTED_PATTERNS: regexList(['All \\d+ connections are in use', 'Connection pool exhausted']),

    DBPOOL_WARN_UTILIZATION: ratio(0.75),
    DBPOOL_CRIT_UTILIZATION: ratio(0.9),
    DBPOOL_SAFETY_MARGIN: fraction(0.1, '0.1 for 10 %', true),
    DBPOOL_IDLE_MINUTES: int(10, 1, 60 * 24 * 7),
    DBPOOL_MEMORY_PER_CONNECTION_MB: z.coerce.number().positive().max(10_000).default(10),
    DBPOOL_POOLER_THRESHOLD: int(500, 1),
    DBPOOL_PROBE_TIMEOUT_MS: int(5000, 100, 120_000),

    SLACK_BOT_TOKEN: slackToken('xoxb-', 'the Bot User OAuth Token (OAuth & Permissions)'),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: slackToken('xapp-', 'an app-level token with connections:write (Basic Information → App-Level Tokens)'),
    SLACK_API_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    PORT: int(3000, 0, 65535),
    DBPOOL_ALLOWED_CHANNELS: list,
    DBPOOL_ALLOWED_USERS: list,
    DBPOOL_STATE_DIR: z.string().min(1).default('.dbpool-state'),

    DBPOOL_READ_ONLY: bool(false),
    DBPOOL_APPROVERS: list,
    DBPOOL_APPROVER_GROUP: optionalString,
    DBPOOL_TWO_PERSON_RULE: bool(false),
    DBPOOL_MAX_ACTIONS_PER_HOUR: int(6, 0, 1000),
    DBPOOL_PLAN_TTL_MINUTES: int(15, 1, 24 * 60),
    DBPOOL_STOP_GRACE_SECONDS: int(30, 0, 3600),
    DBPOOL_VERIFY_DELAY_SECONDS: int(30, 0, 3600),
    DBPOOL_CONVERGE_TIMEOUT_SECONDS: int(120, 0, 3600),

    DBPOOL_SAMPLE_SECONDS: int(60, 1, 3600),
    DBPOOL_HISTORY_DAYS: int(30, 1, 3650),
    DBPOOL_SUMMARY_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)').default('09:00'),
    // The older name of DBPOOL_TZ, from when only the summary had a zone.
    DBPOOL_SUMMARY_TZ: z.preprocess(emptyToUndefined, z.string().refine(isValidTimeZone, { message: 'is not a known IANA time zone' }).optional()),
    DBPOOL_SUMMARY_CHANNEL: optionalString,
    DBPOOL_WARNING_CHANNEL: optionalString,
    DBPOOL_SUMMARY_LANG: z.preprocess(emptyToUndefined, z.enum(['en', 'fa']).optional()),
  })
  .superRefine((env, ctx) => {
    // Only between two fractions: a 75 already has its own refusal, and comparing it would add a wrong one.
    const fractions = [env.DBPOOL_WARN_UTILIZATION, env.DBPOOL_CRIT_UTILIZATION].every((v) => v > 0 && v < 1);
    if (fractions && env.DBPOOL_WARN_UTILIZATION >= env.DBPOOL_CRIT_UTILIZATION) {
      ctx.addIssue({
        code: 'custom',
        path: ['DBPOOL_WARN_UTILIZATION'],
        message: 'must be lower than DBPOOL_CRIT_UTILIZATION',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export interface PostgresTarget {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** Extra libpq-style parameters from the URL (sslmode, application_name, ...). */
  connectionString: string | undefined;
}

export type PostgresConfig = PostgresTarget & { connectTimeoutMs: number; statementTimeoutMs: number };

/** PgBouncer's admin console, reached the way PostgreSQL is (the same timeouts). */
export type PgBouncerConfig = PostgresConfig;

export interface Config {
  /** Undefined when neither DATABASE_URL nor PG* is set: only `math` and `help` work then. */
  postgres: PostgresConfig | undefined;
  /** DBPOOL_PGBOUNCER_URL: one admin console per PgBouncer between the app and PostgreSQL. */
  pgbouncers: PgBouncerConfig[];
  lang: 'en' | 'fa';
  /** The one clock of every time dbpool shows and of the summary's day (IANA zone). */
  timeZone: string;
  logLevel: Env['DBPOOL_LOG_LEVEL'];
  app: {
    instanceSource: Env['DBPOOL_INSTANCE_SOURCE'];
    processPattern: string;
    containerPattern: string;
    containerLabel: string | undefined;
    poolSizeVar: string;
    workerNumVar: string;
    taskWorkerNumVar: string;
    poolSizeFallback: number | undefined;
    workerNumFallback: number | undefined;
    expectedInstances: number;
    dbUser: string | undefined;
    applicationName: string | undefined;
    logTailLines: number;
    logSinceMinutes: number;
    logWorkerStartPattern: string;
    logServerFullPatterns: string[];
    logPoolExhaustedPatterns: string[];
  };
  thresholds: {
    warnUtilization: number;
    critUtilization: number;
    safetyMargin: number;
    idleMinutes: number;
    memoryPerConnectionMb: number;
    poolerThreshold: number;
  };
  /** The Docker engines the app runs on, as the docker CLI reads them. */
  docker: {
    /** DBPOOL_DOCKER_HOSTS, else DOCKER_HOST; empty: the default socket. */
    hosts: string[];
    /** DOCKER_TLS_VERIFY set (not 0/false/no): verify the engine's certificate against DOCKER_CERT_PATH/ca.pem. */
    tlsVerify: boolean;
    /** DOCKER_CERT_PATH: directory of ca.pem, cert.pem, key.pem for tcp engines. */
    certPath: string | undefined;
  };
  /** The cluster the app runs in, when its pods are the instances. */
  kubernetes: {
    /** DBPOOL_KUBECONFIG: a kubeconfig file (outside a cluster); its current context is used. */
    kubeconfig: string | undefined;
    /** APP_K8S_NAMESPACE; undefined: the kubeconfig context's, or the service account's own. */
    namespace: string | undefined;
    /** APP_K8S_SELECTOR: the label selector of the app's pods; undefined: pods whose Deployment matches APP_CONTAINER_PATTERN. */
    selector: string | undefined;
    /** KUBERNETES_SERVICE_HOST/PORT: the API server as seen from a pod; undefined outside a cluster. */
    inCluster: { host: string; port: number } | undefined;
    /**
     * DBPOOL_K8S_EXEC: list each running pod's processes through pods/exec, so that workers are
     * measured as for containers; off: SWOOLE_WORKER_NUM (+ task workers) from the spec.
     */
    exec: boolean;
  };
  /** Per-instance probes: how many at once (fixed), and how long each may take. */
  probes: { concurrency: number; timeoutMs: number };
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    appToken: string | undefined;
    apiUrl: string | undefined;
    port: number;
    allowedChannels: string[];
    allowedUsers: string[];
  };
  stateDir: string;
  remediation: {
    readOnly: boolean;
    approvers: string[];
    approverGroup: string | undefined;
    twoPersonRule: boolean;
    maxActionsPerHour: number;
    planTtlMinutes: number;
    stopGraceSeconds: number;
    verifyDelaySeconds: number;
    /** How long the check after a scale waits for the orchestrator to converge (tasks gone, connections released). */
    convergeTimeoutSeconds: number;
  };
  schedule: {
    sampleSeconds: number;
    historyDays: number;
    /** HH:MM, local to timeZone. */
    summaryTime: string;
    /** Slack channel ID; undefined: no scheduled summary. */
    summaryChannel: string | undefined;
    /** Slack channel ID of the early warnings; undefined: none. */
    warningChannel: string | undefined;
    /** Language of the summary and the warnings. */
    summaryLang: 'en' | 'fa';
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment. Throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '(environment)'), message: i.message })),
    );
  }
  const e = parsed.data;
  return {
    postgres: postgresConfig(e),
    pgbouncers: e.DBPOOL_PGBOUNCER_URL.map((url) => pgbouncerConfig(url, e)),
    lang: e.DBPOOL_LANG,
    timeZone: e.DBPOOL_TZ ?? e.DBPOOL_SUMMARY_TZ ?? 'Asia/Tehran',
    logLevel: e.DBPOOL_LOG_LEVEL,
    app: {
      instanceSource: e.DBPOOL_INSTANCE_SOURCE,
      processPattern: e.APP_PROCESS_PATTERN,
      containerPattern: e.APP_CONTAINER_PATTERN,
      containerLabel: e.APP_CONTAINER_LABEL,
      poolSizeVar: e.APP_POOL_SIZE_VAR,
      workerNumVar: e.APP_WORKER_NUM_VAR,
      taskWorkerNumVar: e.APP_TASK_WORKER_NUM_VAR,
      poolSizeFallback: e.APP_POOL_SIZE_FALLBACK,
      workerNumFallback: e.APP_WORKER_NUM_FALLBACK,
      expectedInstances: e.APP_EXPECTED_INSTANCES,
      dbUser: e.APP_DB_USER,
      applicationName: e.APP_APPLICATION_NAME,
      logTailLines: e.APP_LOG_TAIL_LINES,
      logSinceMinutes: e.APP_LOG_SINCE_MINUTES,
      logWorkerStartPattern: e.APP_LOG_WORKER_START_PATTERN,
      logServerFullPatterns: e.APP_LOG_SERVER_FULL_PATTERNS,
      logPoolExhaustedPatterns: e.APP_LOG_POOL_EXHAUSTED_PATTERNS,
    },
    thresholds: {
      warnUtilization: e.DBPOOL_WARN_UTILIZATION,
      critUtilization: e.DBPOOL_CRIT_UTILIZATION,
      safetyMargin: e.DBPOOL_SAFETY_MARGIN,
      idleMinutes: e.DBPOOL_IDLE_MINUTES,
      memoryPerConnectionMb: e.DBPOOL_MEMORY_PER_CONNECTION_MB,
      poolerThreshold: e.DBPOOL_POOLER_THRESHOLD,
    },
    docker: {
      hosts: e.DBPOOL_DOCKER_HOSTS.length > 0 ? e.DBPOOL_DOCKER_HOSTS : e.DOCKER_HOST ? [e.DOCKER_HOST] : [],
      tlsVerify: e.DOCKER_TLS_VERIFY !== undefined && !['0', 'false', 'no'].includes(e.DOCKER_TLS_VERIFY.trim().toLowerCase()),
      certPath: e.DOCKER_CERT_PATH,
    },
    kubernetes: {
      kubeconfig: e.DBPOOL_KUBECONFIG,
      namespace: e.APP_K8S_NAMESPACE,
      selector: e.APP_K8S_SELECTOR,
      inCluster: e.KUBERNETES_SERVICE_HOST ? { host: e.KUBERNETES_SERVICE_HOST, port: e.KUBERNETES_SERVICE_PORT ?? 443 } : undefined,
      exec: e.DBPOOL_K8S_EXEC,
    },
    // Eight containers probed at once keep an engine busy without flooding it; nobody tunes this.
    probes: { concurrency: 8, timeoutMs: e.DBPOOL_PROBE_TIMEOUT_MS },
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      port: e.PORT,
      allowedChannels: e.DBPOOL_ALLOWED_CHANNELS,
      allowedUsers: e.DBPOOL_ALLOWED_USERS,
    },
    stateDir: e.DBPOOL_STATE_DIR,
    remediation: {
      readOnly: e.DBPOOL_READ_ONLY,
      approvers: e.DBPOOL_APPROVERS,
      approverGroup: e.DBPOOL_APPROVER_GROUP,
      twoPersonRule: e.DBPOOL_TWO_PERSON_RULE,
      maxActionsPerHour: e.DBPOOL_MAX_ACTIONS_PER_HOUR,
      planTtlMinutes: e.DBPOOL_PLAN_TTL_MINUTES,
      stopGraceSeconds: e.DBPOOL_STOP_GRACE_SECONDS,
      verifyDelaySeconds: e.DBPOOL_VERIFY_DELAY_SECONDS,
      convergeTimeoutSeconds: e.DBPOOL_CONVERGE_TIMEOUT_SECONDS,
    },
    schedule: {
      sampleSeconds: e.DBPOOL_SAMPLE_SECONDS,
      historyDays: e.DBPOOL_HISTORY_DAYS,
      summaryTime: e.DBPOOL_SUMMARY_TIME,
      summaryChannel: e.DBPOOL_SUMMARY_CHANNEL,
      warningChannel: e.DBPOOL_WARNING_CHANNEL,
      summaryLang: e.DBPOOL_SUMMARY_LANG ?? e.DBPOOL_LANG,
    },
  };
}

/** For front ends that cannot work without a database: stops start-up naming the variable. */
export function requirePostgres(config: Config): PostgresConfig {
  if (!config.postgres) {
    throw new ConfigError([
      { variable: 'DATABASE_URL', message: 'is required (or set PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)' },
    ]);
  }
  return config.postgres;
}

function postgresConfig(e: Env): PostgresConfig | undefined {
  const target = postgresTarget(e);
  if (!target) return undefined;
  return { ...target, connectTimeoutMs: e.DBPOOL_CONNECT_TIMEOUT_MS, statementTimeoutMs: e.DBPOOL_STATEMENT_TIMEOUT_MS };
}

function pgbouncerConfig(connectionString: string, e: Env): PgBouncerConfig {
  const url = new URL(connectionString);
  return {
    host: decodeURIComponent(url.hostname) || url.searchParams.get('host') || 'localhost',
    port: url.port ? Number(url.port) : 6432,
    user: decodeURIComponent(url.username) || 'dbpool',
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: 'pgbouncer',
    connectionString,
    connectTimeoutMs: e.DBPOOL_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: e.DBPOOL_STATEMENT_TIMEOUT_MS,
  };
}

/** DATABASE_URL wins; the libpq PG* variables fill in when it is absent. */
function postgresTarget(e: Env): PostgresTarget | undefined {
  if (e.DATABASE_URL) {
    const url = new URL(e.DATABASE_URL);
    return {
      host: decodeURIComponent(url.hostname) || url.searchParams.get('host') || 'localhost',
      port: url.port ? Number(url.port) : 5432,
      user: decodeURIComponent(url.username) || 'postgres',
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres',
      connectionString: e.DATABASE_URL,
    };
  }
  if (!e.PGHOST && !e.PGDATABASE && !e.PGUSER) return undefined;
  return {
    host: e.PGHOST ?? 'localhost',
    port: e.PGPORT ?? 5432,
    user: e.PGUSER ?? 'postgres',
    password: e.PGPASSWORD,
    database: e.PGDATABASE ?? e.PGUSER ?? 'postgres',
    connectionString: undefined,
  };
}

/** The process's environment, for the entry points that hand it to loadConfig. */
export function processEnvironment(): Record<string, string | undefined> {
  return process.env;
}

/** Colours only into a terminal, and never with NO_COLOR set (no-color.org): a redirected output stays plain text. */
export function wantsColor(stream: { isTTY?: boolean }): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** True when the process writes to an interactive terminal (pretty logs, colours). */
export function isInteractiveTerminal(): boolean {
  return Boolean(process.stdout.isTTY) && process.env.CI === undefined;
}
