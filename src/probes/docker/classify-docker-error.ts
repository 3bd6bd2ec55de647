import type { ProbeError, ProbeErrorKind, ProbeHintRef } from '../../core/facts.js';
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
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; name?: unknown; message?: unknown; json?: unknown; reason?: unknown; address?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const kind = errorKind(code, status, typeof e.name === 'string' ? e.name : undefined);
  const hint =
    kind === 'timeout'
      ? { code: 'no_answer' as const }
      : kind === 'auth_failed' && code
        ? tlsHint(code)
        : code === 'EACCES' || code === 'EPERM'
          ? socketGroupHint(e.address)
          : undefined;
  return {
    kind,
    source,
    message: hint ? `${doing}${code ? ` (${code})` : ''}` : `${doing}: ${describe(e, code, status)}`,
    ...(code ? { code } : status ? { code: String(status) } : {}),
    ...(hint ? { hint } : {}),
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

function describe(e: { message?: unknown; json?: unknown; reason?: unknown }, code: string | undefined, status: number | undefined): string {
  // The engine's own words are in json.message; dockerode's message repeats the HTTP status around them.
  const engineMessage =
    e.json && typeof e.json === 'object' && typeof (e.json as { message?: unknown }).message === 'string'
      ? (e.json as { message: string }).message
      : undefined;
  const text = engineMessage ?? (typeof e.message === 'string' && e.message ? e.message : String(e.reason ?? code ?? 'unknown error'));
  if (status !== undefined && engineMessage) return `HTTP ${status}: ${text.trim()}`;
  return text.trim();
}

/**
 * The engine's socket is root's and its group's (docker): an unprivileged dbpool (the image's `node`
 * user) needs that group, which is what a bare EACCES does not say.
 */
function socketGroupHint(address: unknown): ProbeHintRef {
  return { code: 'docker_socket_group', ...(typeof address === 'string' && address ? { file: address } : {}) };
}

/** OpenSSL's words are for OpenSSL developers: the hint says which file in DOCKER_CERT_PATH is the matter. */
function tlsHint(code: string): ProbeHintRef | undefined {
  switch (tlsFailure(code)) {
    case 'client_certificate_refused':
      return { code: 'docker_tls_client_certificate' };
    case 'wrong_name':
      return { code: 'docker_tls_wrong_name' };
    case 'not_valid_now':
      return { code: 'docker_tls_not_valid_now' };
    case 'untrusted':
      return { code: 'docker_tls_untrusted' };
    case null:
      return undefined;
  }
}
