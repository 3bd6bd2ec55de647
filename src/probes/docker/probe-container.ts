import type Docker from 'dockerode';
import type { Config } from '../../config.js';
import type { AppInstance, AppProcess, LogStats, ProbeError } from '../../core/facts.js';
import type { Logger } from '../../logger.js';
import { classifyProcessRoles } from '../classify-process-roles.js';
import { dockerProbeError } from './classify-docker-error.js';
import type { EngineReads } from './engine-reads.js';
import { containerPoolSettings } from './container-settings.js';
import type { SocketReader } from '../proc-sockets.js';
import type { HostProcSnapshot } from './host-proc-processes.js';
import type { AppContainer } from './list-app-containers.js';
import { listContainerProcesses, type ListedProcesses, type ProcessListing } from './list-container-processes.js';
import { selectAppProcesses } from './parse-process-table.js';
import { readContainerLogStats } from './read-container-logs.js';
import { readDbEndpoint } from '../read-db-endpoint.js';
import { withDeadline } from './with-deadline.js';

export interface ContainerProbeContext {
  docker: EngineReads;
  /** The engine's address, as shown in reports. */
  engine: string;
  app: Config['app'];
  processPattern: RegExp;
  timeoutMs: number;
  processListing: ProcessListing;
  /** One /proc scan shared by the observation, for an engine on this host; null otherwise. */
  hostProc: (() => Promise<HostProcSnapshot>) | null;
  /** Reads the database connections of processes found in this host's /proc; null otherwise. */
  sockets: SocketReader | null;
  now: () => Date;
  /** Count only log lines since then (ObserveOptions.logsSince). */
  logsSince?: Date;
  logger: Logger;
}

/**
 * Everything about one container, its three questions asked at once (inspect, processes, logs),
 * each within the timeout: whatever does not answer becomes an error on this instance only.
 * Processes come from this host's /proc when it can vouch for the container (a local engine),
 * else from the engine's top, else from ps run inside the container.
 */
export async function probeContainer(ctx: ContainerProbeContext, c: AppContainer, signal?: AbortSignal): Promise<AppInstance> {
  const source = `docker ${ctx.engine} ${c.name}`;
  const container = ctx.docker.getContainer(c.id);
  const ask = <T>(what: string, work: (s: AbortSignal) => Promise<T>) =>
    withDeadline(ctx.timeoutMs, signal, work).then(
      (value) => ({ ok: true as const, value }),
      (err: unknown) => ({ ok: false as const, error: dockerProbeError(err, source, what) }),
    );
  const inspecting = ask('inspect', (s) => container.inspect({ abortSignal: s }));
  const listProcesses = async (s: AbortSignal): Promise<ListedProcesses> => {
    if (ctx.hostProc) {
      const info = await inspecting;
      const entries = info.ok ? await ctx.hostProc().then((snap) => snap.processesOf(c.id, info.value.State?.Pid), () => null) : null;
      // None found here: ask the engine, which also lists what else runs there (for the error message).
      if (entries && entries.length > 0) return { entries, via: 'host-proc' };
    }
    return listContainerProcesses(container, s, ctx.processListing);
  };
  const [inspected, listed, logs] = await Promise.all([
    inspecting,
    ask('processes', listProcesses),
    ask('logs', (s) =>
      readContainerLogStats(
        container,
        { tailLines: ctx.app.logTailLines, sinceMinutes: ctx.app.logSinceMinutes, since: ctx.logsSince },
        {
          workerStart: ctx.app.logWorkerStartPattern,
          serverFull: ctx.app.logServerFullPatterns,
          poolExhausted: ctx.app.logPoolExhaustedPatterns,
        },
        s,
        ctx.now(),
      ),
    ),
  ]);

  const errors: ProbeError[] = [];
  let processes: AppProcess[] | null = null;
  if (listed.ok) {
    const { entries, via, topError } = listed.value;
    if (topError) ctx.logger.debug({ container: c.name, engine: ctx.engine, err: topError }, 'docker top refused; used ps in the container');
    processes = classifyProcessRoles(selectAppProcesses(entries, ctx.processPattern));
    // Only pids of this host's /proc can be looked up in it (top's are too, but then /proc could not vouch for them).
    if (via === 'host-proc' && ctx.sockets) {
      const connections = await ctx.sockets.connectionsOf(processes.map((p) => p.pid)).catch(() => new Map<number, never[]>());
      processes = processes.map((p) => {
        const held = connections.get(p.pid);
        return held ? { ...p, connections: held } : p;
      });
    }
    if (processes.length === 0) {
      const sample = entries.slice(0, 3).map((e) => JSON.stringify(e.command.slice(0, 60))).join(', ');
      errors.push({
        kind: 'not_found',
        source,
        // The container's own command lines, as seen; what they mean is the hint's to say.
        message: sample,
        hint: { code: 'no_matching_process', pattern: ctx.processPattern.source, count: entries.length, via },
      });
    }
  } else {
    errors.push(listed.error);
  }
  let logStats: LogStats | undefined;
  if (logs.ok) logStats = logs.value;
  else errors.push(logs.error);

  if (!inspected.ok) {
    errors.unshift(inspected.error);
    return {
      id: c.id,
      name: c.name,
      source: 'docker',
      location: ctx.engine,
      image: c.image,
      createdAt: c.createdAt,
      state: c.state,
      ...containerPoolSettings(null, ctx.app, `inspect failed: ${inspected.error.message}`),
      processes,
      logs: logStats,
      errors,
    };
  }
  const info = inspected.value;
  const created = Date.parse(info.Created);
  const started = Date.parse(info.State?.StartedAt ?? '');
  return {
    id: c.id,
    name: c.name,
    source: 'docker',
    location: ctx.engine,
    image: info.Config?.Image || c.image,
    // Exact creation time (the listing has whole seconds): the core orders instances by it.
    createdAt: Number.isNaN(created) ? c.createdAt : new Date(created).toISOString(),
    ...(Number.isNaN(started) ? {} : { startedAt: new Date(started).toISOString() }),
    state: info.State?.Status ?? c.state,
    health: info.State?.Health?.Status,
    ...containerPoolSettings(info.Config?.Env ?? [], ctx.app),
    dbEndpoint: readDbEndpoint(info.Config?.Env ?? []),
    // Issue #13: `always` brings a stopped container back on a daemon restart.
    restartPolicy: info.HostConfig?.RestartPolicy?.Name || null,
    processes,
    addresses: containerAddresses(info),
    logs: logStats,
    errors,
  };
}

/** The container's own addresses on its networks; a container on the host's network has none. */
function containerAddresses(info: Docker.ContainerInspectInfo): string[] {
  const networks = Object.values(info.NetworkSettings?.Networks ?? {}) as { IPAddress?: string; GlobalIPv6Address?: string }[];
  return networks.flatMap((n) => [n.IPAddress, n.GlobalIPv6Address]).filter((a): a is string => typeof a === 'string' && a !== '');
}
