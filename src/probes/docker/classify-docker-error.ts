import type { ProbeError, ProbeErrorKind } from '../../core/facts.js';

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
  if (/ALERT_CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|ALERT_HANDSHAKE_FAILURE|ALERT_CERTIFICATE_UNKNOWN/.test(code)) {
    return `TLS refused by the engine: it wants a client certificate it trusts (cert.pem and key.pem in DOCKER_CERT_PATH) (${code})`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `TLS: the engine's certificate is not for this address (${code})`;
  if (/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/.test(code)) return `TLS: the engine's certificate is not valid now (${code})`;
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED/.test(code)) {
    return `TLS: the engine's certificate is not signed by the CA in DOCKER_CERT_PATH/ca.pem (${code})`;
  }
  return undefined;
}
