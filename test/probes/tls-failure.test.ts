import { describe, expect, it } from 'vitest';
import { tlsFailure } from '../../src/probes/tls-failure.js';

describe('reading a TLS failure from its code (shared by the PostgreSQL and Docker probes)', () => {
  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', 'untrusted'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'untrusted'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'untrusted'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'untrusted'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'wrong_name'],
    ['CERT_HAS_EXPIRED', 'not_valid_now'],
    ['CERT_NOT_YET_VALID', 'not_valid_now'],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'client_certificate_refused'],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'client_certificate_refused'],
    ['ECONNREFUSED', null],
    [undefined, null],
  ] as const)('%s: %s', (code, failure) => {
    expect(tlsFailure(code)).toBe(failure);
  });
});
