import type { PgBouncerConfig } from '../../config.js';
import type { PgBouncerObservation } from '../../core/facts.js';
import type { Logger } from '../../logger.js';
import { DBPOOL_APPLICATION_NAME } from '../postgres/postgres-probe.js';
import { CLIENT_GRACE_MS, createMonitorConnection, type BackoffOptions, type MonitorDialect } from '../postgres/monitor-connection.js';
import { explicitSslMode } from '../postgres/client-options.js';
import { PostgresTimeoutError, withTimeout } from '../postgres/with-timeout.js';
import { classifyPgBouncerError } from './classify-pgbouncer-error.js';
import { readPgBouncerFacts } from './read-pgbouncer-facts.js';

/** What the rest of dbpool knows of one PgBouncer's admin console. */
export interface PgBouncerProbe {
  /** host:port, as configured. */
  readonly address: string;
  start(): void;
  /** Never throws, never takes longer than connect + statement timeout (plus a grace): a failure is an observation too. */
  observe(): Promise<PgBouncerObservation>;
  isConnected(): boolean;
  close(): Promise<void>;
}

export interface PgBouncerProbeOptions {
  logger: Logger;
  backoff?: BackoffOptions;
}

/**
 * The console as a kept connection, like PostgreSQL's monitoring connection: opened at start, so
 * that a PgBouncer at max_client_conn still answers dbpool; re-opened with the same backoff.
 * The console knows neither server-side timeouts as startup parameters nor SELECT, and speaks only
 * the simple query protocol: the dialect says so.
 */
export function pgbouncerDialect(config: PgBouncerConfig, applicationName: string): MonitorDialect {
  return {
    clientOptions: {
      connectionString: config.connectionString ? explicitSslMode(config.connectionString) : undefined,
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      application_name: applicationName,
      connectionTimeoutMillis: config.connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    },
    // The console answers a query only once the login is really through.
    identify: async (client, timeoutMs) => {
      await withTimeout(client.query('SHOW VERSION'), timeoutMs, 'first query');
      return null;
    },
    describe: (err) => classifyPgBouncerError(err, config),
  };
}

export function createPgBouncerProbe(config: PgBouncerConfig, options: PgBouncerProbeOptions): PgBouncerProbe {
  const address = `${config.host}:${config.port}`;
  const connection = createMonitorConnection({
    config,
    logger: options.logger,
    applicationName: DBPOOL_APPLICATION_NAME,
    backoff: options.backoff,
    dialect: pgbouncerDialect(config, DBPOOL_APPLICATION_NAME),
  });
  const deadlineMs = config.connectTimeoutMs + config.statementTimeoutMs + 2 * CLIENT_GRACE_MS;
  let inFlight: Promise<PgBouncerObservation> | null = null;

  async function observeOnce(): Promise<PgBouncerObservation> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PostgresTimeoutError('observation', deadlineMs)), deadlineMs);
    });
    try {
      const facts = await Promise.race([readPgBouncerFacts((text) => connection.query(text), address), deadline]);
      return { ok: true, address, user: config.user, facts };
    } catch (err) {
      const error = classifyPgBouncerError(err, config);
      options.logger.warn({ kind: error.kind, code: error.code, err: error.message }, 'pgbouncer observation failed');
      return { ok: false, address, user: config.user, error };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    address,
    start: () => connection.start(),
    isConnected: () => connection.isConnected(),
    close: () => connection.close(),
    // Several people asking at once share one look.
    observe() {
      inFlight ??= observeOnce().finally(() => {
        inFlight = null;
      });
      return inFlight;
    },
  };
}
