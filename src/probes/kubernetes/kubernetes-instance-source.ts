import type { Config } from '../../config.js';
import type { InstanceObservation, InstanceSource } from '../../core/facts.js';
import type { Logger } from '../../logger.js';
import { clusterInstances } from './cluster-instances.js';
import { kubeProbeError } from './classify-kube-error.js';
import { KubeClient } from './kube-client.js';
import { loadKubeEndpoint, SERVICE_ACCOUNT_DIR } from './kube-credentials.js';
import { withPodProcesses } from './pod-processes.js';
import { readCluster } from './read-cluster.js';

export interface KubernetesSourceOptions {
  /** Where a pod's service account is mounted (tests point it at their own files). */
  serviceAccountDir?: string;
}

/** The cluster client of a source, built once from the configuration; the reason when it cannot be. */
export interface KubeAccess {
  client: KubeClient | null;
  namespace: string;
  /** "<context>/<namespace>": how reports and plans name the place. */
  location: string;
  problem: Error | null;
}

export async function openKubeAccess(config: Config, options: KubernetesSourceOptions = {}): Promise<KubeAccess> {
  try {
    const endpoint = await loadKubeEndpoint(config.kubernetes, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
    const namespace = config.kubernetes.namespace ?? endpoint.namespace;
    return { client: new KubeClient(endpoint), namespace, location: `${endpoint.label}/${namespace}`, problem: null };
  } catch (err) {
    const namespace = config.kubernetes.namespace ?? 'default';
    return { client: null, namespace, location: `kubernetes/${namespace}`, problem: err as Error };
  }
}

/**
 * The runbook's steps 2 to 4 in a cluster: the app's pods, their ReplicaSets and Deployments, and
 * the ConfigMaps their env names, through the API server (never Secrets); with DBPOOL_K8S_EXEC, the
 * running pods' processes through pods/exec (else their workers are the configured ones).
 * observe() never throws: an API server that cannot be reached, or refuses, gives ok:false.
 */
export function createKubernetesInstanceSource(config: Config, access: KubeAccess, logger: Logger): InstanceSource {
  const name = `kubernetes ${access.location}`;
  const namePattern = config.kubernetes.selector ? null : new RegExp(config.app.containerPattern);
  const processPattern = new RegExp(config.app.processPattern);
  const timeoutMs = config.probes.timeoutMs;
  const log = logger.child({ cluster: access.location });
  const fail = (error: NonNullable<InstanceObservation['error']>): InstanceObservation => {
    log.warn({ error }, 'kubernetes not observed');
    return { source: name, ok: false, instances: [], error };
  };
  return {
    name,
    async ping(signal: AbortSignal): Promise<void> {
      if (!access.client) throw access.problem ?? new Error('no cluster');
      await access.client.request('/version', { signal, timeoutMs });
    },
    async observe(signal?: AbortSignal): Promise<InstanceObservation> {
      if (!access.client) return fail(kubeProbeError(access.problem, name, { verb: 'list', resource: 'pods', apiGroup: '', namespace: access.namespace }));
      const started = Date.now();
      const read = await readCluster(access.client, access.namespace, config.kubernetes.selector, name, timeoutMs, signal);
      if (!('pods' in read)) return fail(read);
      const { instances, services, execTargets } = clusterInstances(read, { app: config.app, location: access.location, namespace: access.namespace, namePattern });
      const observed = config.kubernetes.exec
        ? await withPodProcesses(instances, execTargets, { endpoint: access.client.endpoint, namespace: access.namespace, source: name, processPattern, timeoutMs, concurrency: config.probes.concurrency, signal })
        : instances;
      log.debug({ pods: observed.length, deployments: services.length, exec: config.kubernetes.exec ? execTargets.length : 0, ms: Date.now() - started }, 'kubernetes observed');
      return { source: name, ok: true, instances: observed, services };
    },
  };
}
