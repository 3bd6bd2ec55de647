import type { Config } from '../../config.js';
import type { InstanceObservation, InstanceSource, ObserveOptions } from '../../core/facts.js';
import { deadlineSignal } from '../../deadline-signal.js';
import type { Logger } from '../../logger.js';
import { dockerProbeError } from './classify-docker-error.js';
import { readsClient } from './engine-client.js';
import type { EngineReads } from './engine-reads.js';
import { createSocketReader } from '../proc-sockets.js';
import { snapshotHostProcesses } from './host-proc-processes.js';
import { parseEngineAddress, type EngineEndpoint } from './engine-address.js';
import { appSelector } from './configured-engines.js';
import { listAppContainers } from './list-app-containers.js';
import type { ProcessListing } from './list-container-processes.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { probeContainer } from './probe-container.js';
import { attachServices } from './attach-services.js';
import { readSwarm, type SwarmRead } from './swarm-services.js';
import { withDeadline } from './with-deadline.js';

export interface DockerSourceOptions {
  /** 'auto' (top, exec ps when top is refused), or one of them only (tests). */
  processListing?: ProcessListing;
  /**
   * For an engine on a unix socket: read the app's processes from this host's /proc in one scan,
   * for containers whose main process is verifiably visible here (default true); the engine's
   * top otherwise.
   */
  hostProc?: boolean;
  procRoot?: string;
  /** Ports whose connections are read per process (default: DATABASE_URL's port); empty reads none. */
  databasePorts?: number[];
  now?: () => Date;
}

/** One instance source per configured engine (DBPOOL_DOCKER_HOSTS or DOCKER_HOST), or the default socket. */
export function createDockerInstanceSources(config: Config, logger: Logger, options: DockerSourceOptions = {}): InstanceSource[] {
  const addresses = config.docker.hosts.length > 0 ? config.docker.hosts : [undefined];
  return addresses.map((address) => createDockerInstanceSource(address, config, logger, options));
}

/**
 * The runbook's steps 2 to 4 for one engine, through its API: `docker ps | grep php_swoole`, then
 * for every matching container at once (bounded): env from inspect, processes from top, log tail.
 * observe() never throws: an engine that cannot be reached gives ok:false with the reason.
 */
export function createDockerInstanceSource(
  address: string | undefined,
  config: Config,
  logger: Logger,
  options: DockerSourceOptions = {},
): InstanceSource {
  const tls = { verify: config.docker.tlsVerify, certPath: config.docker.certPath };
  let endpoint: EngineEndpoint | Error;
  try {
    endpoint = parseEngineAddress(address, tls);
  } catch (err) {
    endpoint = err as Error;
  }
  const engine = endpoint instanceof Error ? (address ?? '?') : endpoint.address;
  const name = `docker ${engine}`;
  const selector = appSelector(config);
  const processPattern = new RegExp(config.app.processPattern);
  const { timeoutMs, concurrency } = config.probes;
  const log = logger.child({ engine });
  const databasePorts = new Set(options.databasePorts ?? (config.postgres ? [config.postgres.port] : []));
  const useHostProc = (options.hostProc ?? true) && !(endpoint instanceof Error) && endpoint.kind === 'socket' && !endpoint.socketPath.startsWith('//');
  const client = endpoint instanceof Error ? endpoint : readsClient(endpoint, (code) => log.info({ code }, 'docker connection dead: reconnecting'));

  const fail = (error: InstanceObservation['error']): InstanceObservation => {
    log.warn({ error }, 'docker engine not observed');
    return { source: name, ok: false, instances: [], error };
  };

  return {
    name,
    async close(): Promise<void> {
      if (!(client instanceof Error)) await client.dispose();
    },
    async ping(signal: AbortSignal): Promise<void> {
      if (client instanceof Error) throw client;
      await client.run((d) => d.ping({ abortSignal: signal }));
    },
    async observe(signal?: AbortSignal, observeOptions: ObserveOptions = {}): Promise<InstanceObservation> {
      if (client instanceof Error) return fail({ kind: 'other', source: name, message: client.message });
      const started = Date.now();
      try {
        await client.connect();
      } catch (err) {
        return fail({ kind: 'other', source: name, message: (err as Error).message, hint: { code: 'engine_cannot_connect' } });
      }
      // The /proc scan (synchronous, a few ms) runs while the engine lists the containers: once the
      // list request is on its way (setImmediate: after the event loop has written it).
      const snapshot = useHostProc ? new Promise<void>((resolve) => setImmediate(resolve)).then(() => snapshotHostProcesses(processPattern, options.procRoot)) : null;
      snapshot?.catch(() => undefined); // a failed scan means "ask the engine", handled per container
      // The client that answered the list asks the per-container questions too.
      let docker: EngineReads;
      let containers;
      // Issue #13: the Swarm services (on a manager) are read while the containers are listed.
      let swarm: Promise<SwarmRead> | undefined;
      try {
        ({ docker, containers } = await client.run(async (d) => {
          swarm = withDeadline(timeoutMs, signal, (s) => readSwarm(d, selector, config.app, engine, s)).catch(
            (err: unknown): SwarmRead => ({ manager: false, reason: 'error', message: err instanceof Error ? err.message : String(err) }),
          );
          const serviceIds = swarm.then((r) => new Set(r.manager ? r.services.map((x) => x.id) : []));
          return { docker: d, containers: await withDeadline(timeoutMs, signal, (s) => listAppContainers(d, selector, s, serviceIds)) };
        }));
      } catch (err) {
        const error = dockerProbeError(err, name, 'list containers');
        // An engine that does not answer is unreachable, whatever the transport made of it.
        if (error.kind === 'timeout') return fail({ ...error, kind: 'unreachable', hint: { code: 'no_answer', ms: timeoutMs } });
        return fail(error);
      }
      const ctx = {
        docker,
        engine,
        app: config.app,
        processPattern,
        timeoutMs,
        processListing: options.processListing ?? 'auto',
        hostProc: snapshot ? () => snapshot : null,
        sockets: useHostProc && databasePorts.size > 0 ? createSocketReader(databasePorts, options.procRoot) : null,
        now: options.now ?? (() => new Date()),
        logsSince: observeOptions.logsSince,
        logger: log,
      };
      // Each container has timeoutMs; the whole observation at most twice that, however many wait
      // for a free slot (callers bound a source by 2 x timeout): late ones report a timeout each.
      const budget = deadlineSignal(Math.max(1, 2 * timeoutMs - (Date.now() - started)), signal);
      const probed = await mapWithConcurrency(containers, concurrency, (c) => probeContainer(ctx, c, budget.signal)).finally(() => budget.release());
      const attached = attachServices(probed, containers, (await swarm) ?? null, engine);
      log.debug({ containers: probed.length, replicas: attached.instances.length, ms: Date.now() - started }, 'docker engine observed');
      return { source: name, ok: true, ...attached };
    },
  };
}
