import { loadConfig, type Config } from '../../../src/config.js';
import type { InstanceObservation } from '../../../src/core/facts.js';
import { createLogger } from '../../../src/logger.js';
import { createKubernetesInstanceSource, openKubeAccess } from '../../../src/probes/kubernetes/kubernetes-instance-source.js';

/** dbpool's configuration for the test cluster: the kubeconfig of a token user, the app's selector. */
export function kubeConfig(kubeconfig: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DBPOOL_INSTANCE_SOURCE: 'kubernetes',
    DBPOOL_KUBECONFIG: kubeconfig,
    APP_K8S_SELECTOR: 'app=php-swoole-app',
    DBPOOL_PROBE_TIMEOUT_MS: '3000',
    ...env,
  });
}

export async function observeCluster(config: Config): Promise<InstanceObservation> {
  const access = await openKubeAccess(config);
  try {
    return await createKubernetesInstanceSource(config, access, createLogger({ logLevel: 'silent' })).observe();
  } finally {
    access.client?.close();
  }
}
