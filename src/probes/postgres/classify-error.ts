import type { ProbeError, ProbeErrorKind, ProbeHintRef } from '../../core/facts.js';
import { tlsFailure } from '../tls-failure.js';
import { PostgresTimeoutError } from './with-timeout.js';

/** Which server an error came from; the password is only here to be scrubbed from messages. */
export interface ErrorTarget {
  host: string;
  port: number;
  database: string;
  password?: string | undefined;
}

/** "postgres host:port/database": never the user's password or the connection string. */
export function postgresSource(target: Pick<ErrorTarget, 'host' | 'port' | 'database'>): string {
  return `postgres ${target.host}:${target.port}/${target.database}`;
}

/**
 * The server's "full" messages. 53300 (too_many_connections) covers them all, but a FATAL sent during
 * startup can reach us without a usable code, so the wording of every version is matched too:
 *  - "sorry, too many clients already" (all versions)
 *  - "remaining connection slots are reserved for non-replication superuser connections" (up to 15)
 *  - "remaining connection slots are reserved for roles with the SUPERUSER attribute" (16+)
 *  - "remaining connection slots are reserved for roles with privileges of the "pg_use_reserved_connections" role" (16+)
 */
const SERVER_FULL = /too many clients already|remaining connection slots are reserved|too many connections for (role|database)/i;

const UNREACHABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'ENOENT', // unix socket path missing
]);
const TIMEOUT_ERRNO = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);

const BY_SQLSTATE: Record<string, ProbeErrorKind> = {
  '53300': 'server_full',
  '28P01': 'auth_failed', // invalid_password
  '28000': 'auth_failed', // invalid_authorization_specification: no pg_hba entry, unknown role, ...
  '42501': 'permission_denied', // insufficient_privilege
  '3D000': 'not_found', // invalid_catalog_name: the database does not exist
  '57014': 'timeout', // query_canceled: statement_timeout
  '57P01': 'unreachable', // admin_shutdown
  '57P02': 'unreachable', // crash_shutdown
  '57P03': 'unreachable', // cannot_connect_now: starting up / shutting down
};

const TIMEOUT_MESSAGE = /timeout expired|connection timeout|timed out|Query read timeout|statement timeout/i;
const UNREACHABLE_MESSAGE = /Connection terminated|connect ECONNREFUSED|getaddrinfo|socket hang up|server closed the connection|the database system is (starting up|shutting down|in recovery mode)/i;
const AUTH_MESSAGE = /password authentication failed|SASL|SCRAM|no pg_hba\.conf entry|authentication failed/i;

/** Turns anything a pg Client or the network threw into a ProbeError; never throws itself. */
export function classifyPostgresError(err: unknown, target: ErrorTarget): ProbeError {
  if (err instanceof PostgresTimeoutError) {
    return { kind: 'timeout', source: postgresSource(target), message: err.step, code: err.code, hint: { code: 'no_answer', ms: err.ms } };
  }
  const code = errorCode(err);
  const message = scrub(errorMessage(err), target.password);
  const setup = setupProblem(code, message);
  const error: ProbeError = setup
    ? { kind: setup.kind, source: postgresSource(target), message, hint: setup.hint }
    : { kind: kindOf(code, message), source: postgresSource(target), message };
  if (code !== undefined) error.code = code;
  return error;
}

/**
 * TLS and file problems of the connection settings, as hints the catalogs say in DATABASE_URL's
 * terms: what an on-call engineer can change. node-postgres, unlike psql, treats sslmode=require as
 * verify-full.
 */
function setupProblem(code: string | undefined, message: string): { kind: ProbeErrorKind; hint: ProbeHintRef } | null {
  switch (tlsFailure(code)) {
    case 'untrusted':
      return { kind: 'auth_failed', hint: { code: 'pg_tls_untrusted' } };
    case 'wrong_name':
      return { kind: 'auth_failed', hint: { code: 'pg_tls_wrong_name' } };
    case 'not_valid_now':
      return { kind: 'auth_failed', hint: { code: 'pg_tls_not_valid_now' } };
    case 'client_certificate_refused':
      return { kind: 'auth_failed', hint: { code: 'pg_tls_client_certificate' } };
    case null:
      break;
  }
  if (/does not support SSL connections/i.test(message)) return { kind: 'other', hint: { code: 'pg_ssl_off' } };
  const file = code === 'ENOENT' || code === 'EACCES' ? /^\w+: [^,]+, open '(.+)'$/.exec(message)?.[1] : undefined;
  if (file) return { kind: 'other', hint: { code: 'pg_unreadable_file', file } };
  return null;
}

function kindOf(code: string | undefined, message: string): ProbeErrorKind {
  if (code === '53300' || SERVER_FULL.test(message)) return 'server_full';
  if (code !== undefined) {
    const bySqlState = BY_SQLSTATE[code];
    if (bySqlState) return bySqlState;
    if (TIMEOUT_ERRNO.has(code)) return 'timeout';
    if (UNREACHABLE_ERRNO.has(code) || code.startsWith('08')) return 'unreachable';
  }
  if (TIMEOUT_MESSAGE.test(message)) return 'timeout';
  if (AUTH_MESSAGE.test(message)) return 'auth_failed';
  if (UNREACHABLE_MESSAGE.test(message)) return 'unreachable';
  return 'other';
}

/** SQLSTATE for server errors, errno for network ones; AggregateError (several addresses) has it too. */
function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  const first = err instanceof AggregateError ? (err.errors[0] as unknown) : undefined;
  return first === undefined ? undefined : errorCode(first);
}

function errorMessage(err: unknown): string {
  if (err instanceof AggregateError && err.message === '') {
    // Node's happy-eyeballs connect reports one error per address and an empty message.
    return err.errors.map((e) => errorMessage(e)).filter(Boolean).join('; ') || 'connection failed';
  }
  if (err instanceof Error) return err.message || err.name;
  return typeof err === 'string' ? err : 'unknown error';
}

/** Removes the password and any credentials of a URL that slipped into a message. */
function scrub(message: string, password: string | undefined): string {
  let out = message.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
  if (password) out = out.split(password).join('***');
  return out;
}
