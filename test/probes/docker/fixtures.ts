/** Shared set-up of the real-engine Docker tests: a config aimed at the test engine and one run's containers. */
import { loadConfig, type Config } from '../../../src/config.js';
import type { AppInstance, InstanceObservation } from '../../../src/core/facts.js';
import { silentLogger } from '../../../src/logger.js';
import { createDockerInstanceSource, type DockerSourceOptions } from '../../../src/probes/docker/docker-instance-source.js';
import { testEngineAddress } from '../../helpers/docker-engine.js';
import type { TestContainers } from '../../helpers/php-app-containers.js';

export function dockerConfig(containers: TestContainers, env: Record<string, string> = {}): Config {
  return loadConfig({
    DBPOOL_DOCKER_HOSTS: testEngineAddress(),
    APP_CONTAINER_PATTERN: containers.pattern(),
    DBPOOL_PROBE_TIMEOUT_MS: '10000',
    ...env,
  });
}

export async function observe(config: Config, options: DockerSourceOptions = {}): Promise<InstanceObservation> {
  const source = createDockerInstanceSource(config.docker.hosts[0], config, silentLogger(), options);
  return source.observe();
}

export function byRole(instance: AppInstance | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of instance?.processes ?? []) counts[p.role] = (counts[p.role] ?? 0) + 1;
  return counts;
}
