import type { PostgresConfig } from '../../config.js';
import type { SessionTerminator } from '../../actions/executors.js';
import type { PostgresObservation } from '../../core/facts.js';
import type { Logger } from '../../logger.js';
import { classifyPostgresError } from './classify-error.js';
import { CLIENT_GRACE_MS, createMonitorConnection, type BackoffOptions } from './monitor-connection.js';
import { readPostgresFacts } from './read-postgres-facts.js';
import { sessionsStillPresent, terminateIdleSessions } from './terminate-idle-sessions.js';
import { PostgresTimeoutError } from './with-timeout.js';

/** dbpool's application_name on the server: how its own sessions are told apart from the app's. */
export const DBPOOL_APPLICATION_NAME = 'dbpool';

/** What the rest of dbpool (diagnosis, Slack /healthz, the CLI) knows of the PostgreSQL probe. */
export interface PostgresProbe extends SessionTerminator {
  /** Begins opening the monitoring connection in the background. */
  start(): void;
  /**
   * Reads the facts through the monitoring connection. Never throws, and never takes longer than
   * connectTimeoutMs + statementTimeoutMs (plus a small grace): a failure is an observation too.
   * idleMinutes may be fractional.
   */
  observe(options: { idleMinutes: number }): Promise<PostgresObservation>;
  isConnected(): boolean;
  /** Backend pid of the monitoring connection, null while disconnected. */
  pid(): number | null;
  close(): Promise<void>;
}

export interface PostgresProbeOptions {
  logger: Logger;
  /** APP_DB_USER: the app's sessions are those of this user (and/or application name). */
  appDbUser?: string | undefined;
  /** APP_APPLICATION_NAME. */
  appApplicationName?: string | undefined;
  /** Reconnect backoff; defaults to 0.5 s doubling up to 30 s. */
  backoff?: BackoffOptions;
}

export function createPostgresProbe(config: PostgresConfig, options: PostgresProbeOptions): PostgresProbe {
  const connection = createMonitorConnection({
    config,
    logger: options.logger,
    applicationName: DBPOOL_APPLICATION_NAME,
    backoff: options.backoff,
  });
  const host = `${config.host}:${config.port}`;
  const deadlineMs = config.connectTimeoutMs + config.statementTimeoutMs + 2 * CLIENT_GRACE_MS;

  async function read(idleMinutes: number): Promise<PostgresObservation> {
    const facts = await readPostgresFacts((text, values) => connection.query(text, values), {
      idleMinutes,
      host,
      appDbUser: options.appDbUser,
      appApplicationName: options.appApplicationName,
      ownApplicationName: DBPOOL_APPLICATION_NAME,
    });
    return { ok: true, facts };
  }

  async function observeOnce(idleMinutes: number): Promise<PostgresObservation> {
    let timer: NodeJS.Timeout | undefined;
    // The connection bounds each step already; this bounds the whole, whatever happens inside.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PostgresTimeoutError('observation', deadlineMs)), deadlineMs);
    });
    try {
      return await Promise.race([read(idleMinutes), deadline]);
    } catch (err) {
      const error = classifyPostgresError(err, config);
      options.logger.warn({ kind: error.kind, code: error.code, err: error.message }, 'postgres observation failed');
      return { ok: false, error, database: config.database, host };
    } finally {
      clearTimeout(timer);
    }
  }

  // During an incident several people ask at once: they share one query rather than queue behind it.
  const inFlight = new Map<number, Promise<PostgresObservation>>();

  return {
    start: () => connection.start(),
    isConnected: () => connection.isConnected(),
    pid: () => connection.pid(),
    close: () => connection.close(),
    // On the monitoring connection too: when the server is full, no other connection would get in.
    terminateIdle: (sessions, minutes) =>
      terminateIdleSessions((text, values) => connection.query(text, values), sessions, minutes, DBPOOL_APPLICATION_NAME, {
        user: options.appDbUser,
        applicationName: options.appApplicationName,
      }),
    stillPresent: (sessions) => sessionsStillPresent((text, values) => connection.query(text, values), sessions),

    observe({ idleMinutes }) {
      const running = inFlight.get(idleMinutes);
      if (running) return running;
      const observation = observeOnce(idleMinutes).finally(() => inFlight.delete(idleMinutes));
      inFlight.set(idleMinutes, observation);
      return observation;
    },
  };
}
