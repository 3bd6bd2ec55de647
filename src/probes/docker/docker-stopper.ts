import type { InstanceOutcome, InstanceStopper } from '../../actions/executors.js';
import type { Config } from '../../config.js';
import type { StopCandidate } from '../../core/stop-candidates.js';
import { dockerProbeError } from './classify-docker-error.js';
import { appSelector, configuredEngines } from './configured-engines.js';
import { selectsContainer } from './list-app-containers.js';

/** Beyond the grace period, what the engine may take to inspect, stop and kill. */
const ENGINE_SLACK_MS = 30_000;

/**
 * The runbook's fix 3 in Docker: `docker stop` with a grace period (the engine sends SIGTERM, then
 * SIGKILL when it runs out), after re-checking that the container is still running and still the
 * app's. A candidate is found on the engine the report saw it on. Bounded like every other action:
 * an engine that stops answering gives 'no_answer' at the deadline.
 */
export function createDockerStopper(config: Config): InstanceStopper {
  const selector = appSelector(config);
  const engines = configuredEngines(config);

  return {
    source: 'docker',
    async stop(candidate: StopCandidate, graceSeconds: number): Promise<InstanceOutcome> {
      const base = { id: candidate.id, name: candidate.name };
      const engine = engines.get(candidate.location);
      if (!engine) return { ...base, outcome: 'refused', reason: 'unknown_engine', detail: candidate.location };
      const source = `docker ${candidate.location} ${candidate.name}`;
      try {
        // Safe to ask twice (EngineClient.run): a second attempt re-checks and finds it stopped.
        return await engine.run(
          async (docker, signal): Promise<InstanceOutcome> => {
            const container = docker.getContainer(candidate.id);
            const before = await container.inspect({ abortSignal: signal });
            const name = before.Name.replace(/^\//, '');
            if (!selectsContainer(selector, name, before.Config.Labels)) return { ...base, outcome: 'refused', reason: 'not_app', detail: name };
            // Swarm would start a replacement within seconds: its service is scaled instead (issue #13).
            const service = before.Config.Labels?.['com.docker.swarm.service.name'];
            if (service) return { ...base, outcome: 'refused', reason: 'swarm_task', detail: service };
            if (!before.State.Running) return { ...base, outcome: 'already_stopped' };
            await container.stop({ t: graceSeconds, abortSignal: signal });
            const after = await container.inspect({ abortSignal: signal });
            if (after.State.Running) {
              await container.kill({ abortSignal: signal });
              return { ...base, outcome: 'killed' };
            }
            // 137 = 128 + SIGKILL: the grace period ran out and the engine killed it.
            return { ...base, outcome: after.State.ExitCode === 137 ? 'killed' : 'stopped' };
          },
          { deadlineMs: graceSeconds * 1000 + ENGINE_SLACK_MS },
        );
      } catch (err) {
        const e = err as { statusCode?: number };
        if (e.statusCode === 304) return { ...base, outcome: 'already_stopped' };
        if (e.statusCode === 404) return { ...base, outcome: 'already_stopped', reason: 'no_such_container' };
        const error = dockerProbeError(err, source, 'stop');
        if (error.kind === 'timeout') return { ...base, outcome: 'error', reason: 'no_answer' };
        return { ...base, outcome: 'error', reason: 'failed', detail: `${error.source}: ${error.message}` };
      }
    },
  };
}
