import type { ProbeError } from '../../core/facts.js';
import { kubeProbeError, type KubeAsk } from './classify-kube-error.js';
import { KubeApiError, type KubeClient } from './kube-client.js';
import type { Deployment, List, Pod, ReplicaSet } from './kube-objects.js';
import { referencedConfigMaps, type ConfigMapRead } from './pod-environment.js';

export interface ClusterRead {
  pods: Pod[];
  replicaSets: ReplicaSet[];
  deployments: Deployment[];
  configMaps: Map<string, ConfigMapRead>;
}

/**
 * `kubectl get pods,rs,deploy -l <selector>` and the ConfigMaps their env names, in one namespace:
 * three lists at once, then each ConfigMap once. A refused or failed list fails the read (with the
 * rule a 403 needs); a ConfigMap that cannot be read is kept as that pod's error.
 */
export async function readCluster(client: KubeClient, namespace: string, selector: string | undefined, source: string, timeoutMs: number, signal?: AbortSignal): Promise<ClusterRead | ProbeError> {
  const ns = encodeURIComponent(namespace);
  const q = selector ? `?labelSelector=${encodeURIComponent(selector)}` : '';
  const list = async <T>(path: string, ask: Omit<KubeAsk, 'namespace' | 'verb'>): Promise<T[] | ProbeError> => {
    try {
      return (await client.request<List<T>>(path, { signal, timeoutMs })).items;
    } catch (err) {
      return kubeProbeError(err, source, { ...ask, verb: 'list', namespace });
    }
  };
  const [pods, replicaSets, deployments] = await Promise.all([
    list<Pod>(`/api/v1/namespaces/${ns}/pods${q}`, { resource: 'pods', apiGroup: '' }),
    // A ReplicaSet carries its pods' template labels: the same selector finds the app's.
    list<ReplicaSet>(`/apis/apps/v1/namespaces/${ns}/replicasets${q}`, { resource: 'replicasets', apiGroup: 'apps' }),
    // A Deployment's own labels need not match its pods': all are listed, the owners kept.
    list<Deployment>(`/apis/apps/v1/namespaces/${ns}/deployments`, { resource: 'deployments', apiGroup: 'apps' }),
  ]);
  for (const r of [pods, replicaSets, deployments]) if (!Array.isArray(r)) return r;
  const p = pods as Pod[];
  const d = deployments as Deployment[];
  const refs = referencedConfigMaps([...p.flatMap((x) => x.spec.containers), ...d.flatMap((x) => x.spec.template.spec.containers)]);
  const configMaps = new Map<string, ConfigMapRead>();
  await Promise.all(
    refs.map(async ({ name, optional }) => {
      try {
        const cm = await client.request<{ data?: Record<string, string> }>(`/api/v1/namespaces/${ns}/configmaps/${encodeURIComponent(name)}`, { signal, timeoutMs });
        configMaps.set(name, { ok: true, data: cm.data ?? {} });
      } catch (err) {
        if (optional && err instanceof KubeApiError && err.status === 404) configMaps.set(name, { ok: true, data: {} });
        else configMaps.set(name, { ok: false, error: kubeProbeError(err, `${source} configmap ${name}`, { verb: 'get', resource: 'configmaps', apiGroup: '', namespace }) });
      }
    }),
  );
  return { pods: p, replicaSets: replicaSets as ReplicaSet[], deployments: d, configMaps };
}
