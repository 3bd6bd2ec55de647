import type pg from 'pg';
import type { PostgresConfig } from '../../config.js';

/** pg Client options of the monitoring connection: timeouts on the server side as well as ours. */
export function monitorClientOptions(config: PostgresConfig, applicationName: string): pg.ClientConfig {
  return {
    // The URL carries sslmode and friends; its application_name would hide who dbpool is, so it goes.
    connectionString: config.connectionString ? explicitSslMode(withoutApplicationName(config.connectionString)) : undefined,
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database,
    application_name: applicationName,
    connectionTimeoutMillis: config.connectTimeoutMs,
    statement_timeout: config.statementTimeoutMs,
    // dbpool never holds a transaction open; if a bug ever did, the server ends it rather than the app.
    idle_in_transaction_session_timeout: Math.max(config.statementTimeoutMs * 2, 10_000),
    // A peer that vanished without a FIN is noticed even while the connection sits idle.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

function withoutApplicationName(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    url.searchParams.delete('application_name');
    url.searchParams.delete('fallback_application_name');
    return url.toString();
  } catch {
    return connectionString;
  }
}

const CHECKED_TODAY = new Set(['prefer', 'require', 'verify-ca']);

/**
 * node-postgres treats sslmode=prefer, require and verify-ca as verify-full (it checks the certificate
 * and the name), warns about it on stderr in every process, and will give them libpq's weaker meaning
 * in its next major version. dbpool writes the checking it gets today as verify-full, so nothing
 * changes, no warning is printed, and an upgrade of pg cannot quietly stop checking certificates.
 * uselibpqcompat=true (psql's meaning, documented in the README) is left as it is.
 */
export function explicitSslMode(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    const mode = url.searchParams.get('sslmode');
    if (mode === null || !CHECKED_TODAY.has(mode) || url.searchParams.get('uselibpqcompat') === 'true') return connectionString;
    url.searchParams.set('sslmode', 'verify-full');
    return url.toString();
  } catch {
    return connectionString;
  }
}
