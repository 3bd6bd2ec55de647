import type { ProbeHintRef } from './facts.js';

/** The RBAC rule a refused Kubernetes call needs, in a Role's own (flow) YAML: what a 403's finding tells to add. */
export function k8sRule(p: Pick<ProbeHintRef, 'apiGroup' | 'resource' | 'verb'>): string {
  return `{apiGroups: ["${p.apiGroup ?? ''}"], resources: ["${p.resource ?? '?'}"], verbs: ["${p.verb ?? '?'}"]}`;
}

/**
 * deploy/kubernetes/role-exec.yaml's rule (DBPOOL_K8S_EXEC): an exec over a WebSocket is a GET,
 * authorized as `get`; newer API servers ask for `create` too.
 */
export const K8S_EXEC_RULE = '{apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"]}';
