import type { ProbeError, ProbeErrorKind } from '../../core/facts.js';
import { tlsFailure } from '../tls-failure.js';

const UNREACHABLE_CODES = new Set([
  'ENOENT', // no socket file
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENOTSOCK',
]);
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

/** Turns what dockerode throws into a ProbeError naming where it happened. */
export function dockerProbeError(err: unknown, source: string, doing: string): ProbeError {
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; name?: unknown; message?: unknown; json?: unknown; reason?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const kind = errorKind(code, status, typeof e.name === 'string' ? e.name : undefined);
  return {
    kind,
    source,
    message: `${doing}: ${describe(e, kind, code, status)}`,
    ...(code ? { code } : status ? { code: String(status) } : {}),
  };
}

function errorKind(code: string | undefined, status: number | undefined, name: string | undefined): ProbeErrorKind {
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'ABORT_ERR' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'EACCES' || code === 'EPERM') return 'permission_denied';
  if (code && UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (code && TLS_CODES.test(code)) return 'auth_failed';
  if (status === 401 || status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  return 'other';
}

function describe(
  e: { message?: unknown; json?: unknown; reason?: unknown },
  kind: ProbeErrorKind,
  code: string | undefined,
  status: number | undefined,
): string {
  // The engine's own words are in json.message; dockerode's message repeats the HTTP status around them.
  const engineMessage =
    e.json && typeof e.json === 'object' && typeof (e.json as { message?: unknown }).message === 'string'
      ? (e.json as { message: string }).message
      : undefined;
  const text = engineMessage ?? (typeof e.message === 'string' && e.message ? e.message : String(e.reason ?? code ?? 'unknown error'));
  if (kind === 'timeout') return 'no answer in time';
  if (kind === 'auth_failed' && code) return tlsExplanation(code) ?? text.trim();
  if (status !== undefined && engineMessage) return `HTTP ${status}: ${text.trim()}`;
  return text.trim();
}

/** OpenSSL's words are for OpenSSL developers: say which file in DOCKER_CERT_PATH is the matter. */
function tlsExplanation(code: string): string | undefined {
  switch (tlsFailure(code)) {
    case 'client_certificate_refused':
      return `TLS refused by the engine: it wants a client certificate it trusts (cert.pem and key.pem in DOCKER_CERT_PATH) (${code})`;
    case 'wrong_name':
      return `TLS: the engine's certificate is not for this address (${code})`;
    case 'not_valid_now':
      return `TLS: the engine's certificate is not valid now (${code})`;
    case 'untrusted':
      return `TLS: the engine's certificate is not signed by the CA in DOCKER_CERT_PATH/ca.pem (${code})`;
    case null:
      return undefined;
  }
}
