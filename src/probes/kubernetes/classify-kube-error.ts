import type { ProbeError } from '../../core/facts.js';
import { KubeApiError } from './kube-client.js';
import { KubeConfigError } from './kube-credentials.js';

/** What dbpool asked for, in RBAC's terms: the rule a 403 names. */
export interface KubeAsk {
  verb: 'get' | 'list' | 'patch' | 'create';
  resource: string;
  /** '' for the core group (pods, configmaps), 'apps' for deployments, replicasets and deployments/scale. */
  apiGroup: string;
  namespace: string;
}

const TLS_UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE']);

/**
 * An API call's failure as a probe error: a 403 says which rule to add (verb, resource, API group,
 * namespace), a 401 that the token or certificate is not accepted, a refused connection that the
 * API server is unreachable. Never thrown past the source.
 */
export function kubeProbeError(err: unknown, source: string, ask: KubeAsk): ProbeError {
  if (err instanceof KubeConfigError) return { kind: 'other', source, message: err.message };
  if (err instanceof KubeApiError) {
    if (err.status === 403) {
      return { kind: 'permission_denied', source, message: err.message, code: '403', hint: { code: 'k8s_forbidden', verb: ask.verb, resource: ask.resource, apiGroup: ask.apiGroup, namespace: ask.namespace } };
    }
    if (err.status === 401) return { kind: 'auth_failed', source, message: err.message, code: '401', hint: { code: 'k8s_unauthorized' } };
    if (err.status === 404) return { kind: 'not_found', source, message: err.message, code: '404' };
    return { kind: 'other', source, message: err.message, code: String(err.status) };
  }
  const e = err as { code?: string; message?: string; name?: string };
  const message = e.message ?? String(err);
  if (e.code === 'ETIMEDOUT' || e.name === 'TimeoutError') return { kind: 'timeout', source, message };
  if (e.code && TLS_UNTRUSTED.has(e.code)) return { kind: 'other', source, message, code: e.code, hint: { code: 'k8s_tls_untrusted' } };
  if (e.code && UNREACHABLE.has(e.code)) return { kind: 'unreachable', source, message, code: e.code };
  return { kind: 'other', source, message, ...(e.code ? { code: e.code } : {}) };
}
