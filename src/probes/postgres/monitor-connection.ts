import pg from 'pg';
import type { PostgresConfig } from '../../config.js';
import type { ProbeError } from '../../core/facts.js';
import type { Logger } from '../../logger.js';
import { classifyPostgresError } from './classify-error.js';
import { monitorClientOptions } from './client-options.js';
// For its effect: pg's SCRAM login through node:crypto rather than WebCrypto's thread-pool jobs.
import './scram-crypto.js';
import { PostgresTimeoutError, withTimeout } from './with-timeout.js';

/**
 * dbpool's one long-lived monitoring connection. It is opened at start and kept open, because when
 * the server is full nobody gets a new connection, while an existing one still answers: that is how
 * dbpool diagnoses an incident in which psql cannot get in. When it drops, it is re-opened with a
 * capped exponential backoff; there is never more than one connection (or attempt) at a time.
 */
export interface MonitorConnection {
  /** Begins connecting in the background. Idempotent. */
  start(): void;
  /**
   * Runs one statement. Waits for an in-progress (re)connect at most connectTimeoutMs, and for the
   * answer at most statementTimeoutMs (+ a small grace), so a hung socket never hangs the caller.
   * Throws the raw error (the last connect failure when not connected); callers classify it.
   */
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  isConnected(): boolean;
  /** Backend pid of the connection, null while disconnected. */
  pid(): number | null;
  close(): Promise<void>;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export interface MonitorConnectionOptions {
  config: PostgresConfig;
  logger: Logger;
  applicationName: string;
  backoff?: BackoffOptions;
  /** Another server speaking PostgreSQL's protocol (PgBouncer's admin console); PostgreSQL's by default. */
  dialect?: MonitorDialect;
}

/** What differs between a PostgreSQL server and another server the same connection machinery keeps open. */
export interface MonitorDialect {
  clientOptions: pg.ClientConfig;
  /**
   * Done once on every new connection, before it is used: the server's id of it, or null when it
   * has none. A query here goes without parameters (so in the simple query protocol).
   */
  identify(client: pg.Client, timeoutMs: number): Promise<number | null>;
  describe(err: unknown): ProbeError;
}

/**
 * A plain PostgreSQL server: server-side timeouts too. The backend's pid is the one the server sent
 * at start-up (BackendKeyData): no query before the first real one, which a CLI run waits for.
 */
function postgresDialect(config: PostgresConfig, applicationName: string): MonitorDialect {
  return {
    clientOptions: monitorClientOptions(config, applicationName),
    identify: async (client) => (client as pg.Client & { processID?: number | null }).processID ?? null,
    describe: (err) => classifyPostgresError(err, config),
  };
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };
/** Past the server's statement_timeout, the client gives its error this long to arrive. */
export const CLIENT_GRACE_MS = 500;
/** A connection lost sooner than this after opening counts as a failed attempt (no reconnect storm). */
const STABLE_AFTER_MS = 10_000;

export function createMonitorConnection(options: MonitorConnectionOptions): MonitorConnection {
  const { config, logger, applicationName } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const dialect = options.dialect ?? postgresDialect(config, applicationName);
  let started = false;
  let closed = false;
  let client: pg.Client | null = null;
  let backendPid: number | null = null;
  let connecting: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let failures = 0;
  let openedAt = 0;
  let lastError: unknown = null;

  const describe = (err: unknown) => dialect.describe(err);

  function connect(): Promise<void> {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    connecting ??= attempt().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  async function attempt(): Promise<void> {
    const next = new pg.Client(dialect.clientOptions);
    // A pg Client emits 'error' when the server dies or the socket breaks: never leave it unhandled.
    next.on('error', (err) => onLost(next, err));
    next.on('end', () => onLost(next, null));
    try {
      await withTimeout(next.connect(), config.connectTimeoutMs + CLIENT_GRACE_MS, 'connect');
      const pid = await dialect.identify(next, config.statementTimeoutMs + CLIENT_GRACE_MS);
      if (closed) {
        await endQuietly(next);
        return;
      }
      client = next;
      backendPid = pid;
      openedAt = Date.now();
      lastError = null;
      logger.info({ pid: backendPid }, 'monitoring connection open');
    } catch (err) {
      destroy(next);
      lastError = err;
      failures += 1;
      const problem = describe(err);
      logger.warn({ kind: problem.kind, code: problem.code, err: problem.message, failures }, 'monitoring connection failed');
      scheduleRetry();
    }
  }

  function onLost(which: pg.Client, err: Error | null): void {
    if (which !== client) return; // a failed attempt, already handled where it was made
    client = null;
    backendPid = null;
    if (closed) return;
    lastError = err ?? new Error('Connection terminated unexpectedly');
    const problem = describe(lastError);
    logger.warn({ kind: problem.kind, code: problem.code, err: problem.message }, 'monitoring connection lost; reconnecting');
    // A connection that had been up for a while reconnects at once; one that keeps dropping backs off.
    if (Date.now() - openedAt >= STABLE_AFTER_MS) {
      failures = 0;
      void connect();
    } else {
      failures += 1;
      scheduleRetry();
    }
  }

  function scheduleRetry(): void {
    if (closed) return;
    const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(failures - 1, 30));
    // Jitter, so several dbpool processes do not knock on a full server in step.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void connect(), delay);
    retryTimer.unref();
  }

  /** Waits (at most the connect timeout) for a connection, starting an attempt if none is running. */
  async function ready(): Promise<pg.Client> {
    if (closed) throw new Error('the monitoring connection is closed');
    started = true;
    if (client) return client;
    // In backoff, a caller who asks now gets a fresh attempt rather than a stale error.
    await withTimeout(connect(), config.connectTimeoutMs, 'waiting for the connection');
    if (client) return client;
    throw lastError ?? new Error('not connected');
  }

  return {
    start() {
      if (started || closed) return;
      started = true;
      void connect();
    },

    async query<R extends object>(text: string, values: unknown[] = []) {
      const current = await ready();
      try {
        // Without values pg uses the simple query protocol, the only one PgBouncer's console speaks.
        const result = await withTimeout(
          values.length === 0 ? current.query<R & pg.QueryResultRow>(text) : current.query<R & pg.QueryResultRow>(text, values),
          config.statementTimeoutMs + CLIENT_GRACE_MS,
          'query',
        );
        return { rows: result.rows as R[] };
      } catch (err) {
        // No answer at all means a hung socket or server: drop it, the next caller gets a fresh one.
        if (err instanceof PostgresTimeoutError && current === client) {
          onLost(current, err);
          destroy(current);
        }
        throw err;
      }
    },

    isConnected: () => client !== null,
    pid: () => backendPid,

    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      const pending = connecting;
      if (pending) await pending.catch(() => undefined);
      const current = client;
      client = null;
      backendPid = null;
      if (current) await endQuietly(current);
    },
  };
}

/** Closes at once: used on failure, where a polite goodbye could wait on a dead socket. */
function destroy(client: pg.Client): void {
  try {
    client.connection.stream.destroy();
  } catch {
    // never connected: nothing to close
  }
  client.end().catch(() => undefined);
}

async function endQuietly(client: pg.Client): Promise<void> {
  try {
    await withTimeout(client.end(), 2_000, 'close');
  } catch {
    destroy(client);
  }
}
