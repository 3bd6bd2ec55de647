import type Docker from 'dockerode';
import type { Config } from '../../config.js';
import { parseEngineAddress } from './engine-address.js';
import { actionClient, type EngineClient } from './engine-client.js';
import { parseLabelSelector, type ContainerSelector } from './list-app-containers.js';

/** What selects the app's containers and services: APP_CONTAINER_PATTERN, or APP_CONTAINER_LABEL. */
export function appSelector(config: Config): ContainerSelector {
  return { namePattern: new RegExp(config.app.containerPattern), label: parseLabelSelector(config.app.containerLabel) };
}

/**
 * One client per configured engine (DBPOOL_DOCKER_HOSTS or DOCKER_HOST, else the default socket),
 * keyed by the address as reports show it, so that an action finds the engine its target was seen
 * on. An address that does not parse is left out: the instance source reports it.
 */
export function configuredEngines(config: Config): Map<string, EngineClient<Docker>> {
  const tls = { verify: config.docker.tlsVerify, certPath: config.docker.certPath };
  const addresses = config.docker.hosts.length > 0 ? config.docker.hosts : [undefined];
  const engines = new Map<string, EngineClient<Docker>>();
  for (const address of addresses) {
    try {
      const endpoint = parseEngineAddress(address, tls);
      engines.set(endpoint.address, actionClient(endpoint));
    } catch {
      // Reported by the instance source.
    }
  }
  return engines;
}
