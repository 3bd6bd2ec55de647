import type Docker from 'dockerode';
import type { InstanceOutcome, ScaleTarget, ServiceScaler } from '../../actions/executors.js';
import type { Config } from '../../config.js';
import { dockerProbeError } from './classify-docker-error.js';
import { appSelector, configuredEngines } from './configured-engines.js';
import { selectsService } from './swarm-services.js';

/** What the engine may take to inspect and update a service: the update returns once the spec is stored. */
const ENGINE_SLACK_MS = 30_000;

/**
 * `docker service scale <name>=<n>` through the Engine API: the service's spec as it is now, with
 * only the replica count changed, sent with the version index it was read at (Swarm refuses an
 * update based on an older spec: then it is read again and tried once more). Before that, the
 * service must still be the app's, the same one the plan showed (its creation time), replicated,
 * and wanting the count the plan expected. Bounded like every other action: an engine that stops
 * answering gives 'no_answer' at the deadline.
 */
export function createSwarmScaler(config: Config): ServiceScaler {
  const selector = appSelector(config);
  const engines = configuredEngines(config);

  return {
    kind: 'swarm',
    async scale(target: ScaleTarget, to: number, expectFrom: number): Promise<InstanceOutcome> {
      const base = { id: target.id, name: target.name };
      const engine = engines.get(target.location);
      if (!engine) return { ...base, outcome: 'refused', reason: 'unknown_engine', detail: target.location };
      try {
        // Safe to ask twice (EngineClient.run): a second attempt finds the count already set.
        return await engine.run((docker, signal) => scaleOnce(docker, target, to, expectFrom, selector, 1, signal), {
          deadlineMs: config.probes.timeoutMs + ENGINE_SLACK_MS,
        });
      } catch (err) {
        const e = err as { statusCode?: number };
        if (e.statusCode === 404) return { ...base, outcome: 'refused', reason: 'gone' };
        const error = dockerProbeError(err, `docker ${target.location} service ${target.name}`, 'scale');
        if (error.kind === 'timeout') return { ...base, outcome: 'error', reason: 'no_answer' };
        return { ...base, outcome: 'error', reason: 'failed', detail: `${error.source}: ${error.message}` };
      }
    },
  };
}

async function scaleOnce(
  docker: Docker,
  target: ScaleTarget,
  to: number,
  expectFrom: number,
  selector: Parameters<typeof selectsService>[0],
  retries: number,
  signal: AbortSignal | undefined,
): Promise<InstanceOutcome> {
  const base = { id: target.id, name: target.name };
  const service = docker.getService(target.id);
  const info = (await service.inspect({ abortSignal: signal })) as unknown as ServiceInfo;
  const spec = info.Spec;
  if (!selectsService(selector, spec.Name, spec.Labels, spec.TaskTemplate?.ContainerSpec?.Labels)) {
    return { ...base, outcome: 'refused', reason: 'not_app', detail: spec.Name };
  }
  if (target.createdAt && Date.parse(info.CreatedAt) !== Date.parse(target.createdAt)) {
    return { ...base, outcome: 'refused', reason: 'replaced' };
  }
  const replicated = spec.Mode?.Replicated;
  if (!replicated) return { ...base, outcome: 'refused', reason: 'global_service' };
  const current = replicated.Replicas ?? 1;
  if (current === to) return { ...base, outcome: 'scaled', reason: 'already_at', scaledFrom: expectFrom, scaledTo: to };
  if (current !== expectFrom) return { ...base, outcome: 'refused', reason: 'replicas_changed' };
  try {
    await service.update({ _query: { version: info.Version.Index }, _body: { ...spec, Mode: { Replicated: { Replicas: to } } }, abortSignal: signal } as object);
  } catch (err) {
    // "update out of sequence": someone changed the spec since it was read. Read it again, once.
    if (retries > 0 && /out of sequence/i.test(String((err as { message?: string }).message))) {
      return scaleOnce(docker, target, to, expectFrom, selector, retries - 1, signal);
    }
    throw err;
  }
  return { ...base, outcome: 'scaled', scaledFrom: current, scaledTo: to };
}

interface ServiceInfo {
  CreatedAt: string;
  Version: { Index: number };
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Labels?: Record<string, string> } };
  };
}
