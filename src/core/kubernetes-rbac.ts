import type { ProbeHintRef } from './facts.js';

/** The RBAC rule a refused Kubernetes call needs, in a Role's own (flow) YAML: what a 403's finding tells to add. */
export function k8sRule(p: Pick<ProbeHintRef, 'apiGroup' | 'resource' | 'verb'>): string {
  return `{apiGroups: ["${p.apiGroup ?? ''}"], resources: ["${p.resource ?? '?'}"], verbs: ["${p.verb ?? '?'}"]}`;
}
