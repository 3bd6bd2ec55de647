import type { InstanceOutcome, ScaleTarget, ServiceScaler } from '../../actions/executors.js';
import type { Config } from '../../config.js';
import { k8sRule } from '../../core/kubernetes-rbac.js';
import { kubeProbeError } from './classify-kube-error.js';
import { KubeApiError, type KubeClient } from './kube-client.js';
import { controllerOf, type Deployment, type List, type ReplicaSet } from './kube-objects.js';
import type { KubeAccess } from './kubernetes-instance-source.js';

/**
 * `kubectl scale deployment/<name> --replicas=N` through the `deployments/<name>/scale`
 * subresource, the controller's own lever: the ReplicaSets follow, no pod is deleted by hand.
 * Before that, the Deployment must still be the app's, the same one the plan showed (its creation
 * time), and want the count the plan expected; the patch carries the resourceVersion it was read
 * at, so a change in between is a conflict (read again, tried once more), never overridden.
 */
export function createDeploymentScaler(config: Config, access: KubeAccess): ServiceScaler {
  const timeoutMs = config.probes.timeoutMs;
  return {
    kind: 'kubernetes',
    async scale(target: ScaleTarget, to: number, expectFrom: number): Promise<InstanceOutcome> {
      const base = { id: target.id, name: target.name };
      if (!access.client) return { ...base, outcome: 'error', reason: 'failed', detail: access.problem?.message ?? 'no cluster' };
      if (target.location !== access.location) return { ...base, outcome: 'refused', reason: 'unknown_engine', detail: target.location };
      const [namespace, name] = splitId(target.id);
      const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
      try {
        const deployment = await access.client.request<Deployment>(path, { timeoutMs });
        if (target.createdAt && Date.parse(deployment.metadata.creationTimestamp ?? '') !== Date.parse(target.createdAt)) {
          return { ...base, outcome: 'refused', reason: 'replaced' };
        }
        if (!(await isApps(access.client, config, namespace, deployment, timeoutMs))) return { ...base, outcome: 'refused', reason: 'not_app', detail: name };
        return await scaleOnce(access.client, path, deployment, base, to, expectFrom, timeoutMs, 1);
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 404) return { ...base, outcome: 'refused', reason: 'gone' };
        const patching = err instanceof KubeApiError && err.request.verb === 'PATCH';
        const ask = patching ? { verb: 'patch' as const, resource: 'deployments/scale', apiGroup: 'apps', namespace } : { verb: 'get' as const, resource: 'deployments', apiGroup: 'apps', namespace };
        const error = kubeProbeError(err, `kubernetes ${access.location} deployment ${name}`, ask);
        if (error.kind === 'permission_denied') return { ...base, outcome: 'refused', reason: 'not_permitted', detail: `${error.message} (${k8sRule(ask)})` };
        if (error.kind === 'timeout') return { ...base, outcome: 'error', reason: 'no_answer' };
        return { ...base, outcome: 'error', reason: 'failed', detail: `${error.source}: ${error.message}` };
      }
    },
  };
}

/** The count as the Deployment has it, patched at the resourceVersion it was read at (the Scale shares it): only `patch deployments/scale` is needed. */
async function scaleOnce(client: KubeClient, path: string, d: Deployment, base: { id: string; name: string }, to: number, expectFrom: number, timeoutMs: number, retries: number): Promise<InstanceOutcome> {
  const current = d.spec.replicas ?? 1;
  if (current === to) return { ...base, outcome: 'scaled', reason: 'already_at', scaledFrom: expectFrom, scaledTo: to };
  if (current !== expectFrom) return { ...base, outcome: 'refused', reason: 'replicas_changed' };
  try {
    await client.request(`${path}/scale`, {
      method: 'PATCH',
      body: { metadata: { resourceVersion: d.metadata.resourceVersion }, spec: { replicas: to } },
      timeoutMs,
    });
  } catch (err) {
    // 409: the Deployment changed since it was read. Read it again, once.
    if (retries > 0 && err instanceof KubeApiError && err.status === 409) {
      return scaleOnce(client, path, await client.request<Deployment>(path, { timeoutMs }), base, to, expectFrom, timeoutMs, retries - 1);
    }
    throw err;
  }
  return { ...base, outcome: 'scaled', scaledFrom: current, scaledTo: to };
}

/** Still the app's: its name matches (no selector), or one of its ReplicaSets carries the selector's labels. */
async function isApps(client: KubeClient, config: Config, namespace: string, d: Deployment, timeoutMs: number): Promise<boolean> {
  const selector = config.kubernetes.selector;
  if (!selector) return new RegExp(config.app.containerPattern).test(d.metadata.name);
  const sets = await client.request<List<ReplicaSet>>(`/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/replicasets?labelSelector=${encodeURIComponent(selector)}`, { timeoutMs });
  return sets.items.some((r) => controllerOf(r.metadata, 'Deployment')?.uid === d.metadata.uid);
}

function splitId(id: string): [string, string] {
  const slash = id.indexOf('/');
  return [id.slice(0, slash), id.slice(slash + 1)];
}
