/**
 * What went wrong in a TLS handshake, from Node's/OpenSSL's error code: one reading for every probe
 * (PostgreSQL, Docker engines); each says it in terms of its own settings.
 */
export type TlsFailure =
  /** The peer's certificate does not chain to a CA we were given. */
  | 'untrusted'
  /** The certificate was issued for another name. */
  | 'wrong_name'
  /** Expired, or not valid yet. */
  | 'not_valid_now'
  /** The peer refused our handshake: it wants a client certificate it trusts. */
  | 'client_certificate_refused';

export function tlsFailure(code: string | undefined): TlsFailure | null {
  if (!code) return null;
  if (/ALERT_CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|ALERT_HANDSHAKE_FAILURE|ALERT_CERTIFICATE_UNKNOWN/.test(code)) {
    return 'client_certificate_refused';
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'wrong_name';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'not_valid_now';
  if (/SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED/.test(code)) return 'untrusted';
  return null;
}
