import type { EngineReads } from './engine-reads.js';
import type { Config } from '../../config.js';
import type { AppService, ServiceReplica, SettingValue } from '../../core/facts.js';
import { containerPoolSettings } from './container-settings.js';
import { selectsContainer, type ContainerSelector } from './list-app-containers.js';

/** The Swarm side of one engine: the app's services with their tasks on every node, or why not. */
export type SwarmRead =
  | { manager: true; services: AppService[] }
  | { manager: false; reason: 'not_manager' | 'error'; message: string };

/** A replica's states that hold (or are about to hold) a running container. */
const LIVE_STATES = new Set(['new', 'pending', 'assigned', 'accepted', 'preparing', 'ready', 'starting', 'running']);

/**
 * `docker service ls` + `docker service ps` + `docker node ls` through a manager's API: the app's
 * services (by name pattern, or the label on the service or its containers), each with its tasks
 * on every node. An engine outside a swarm, or a worker, answers 503: that is "not a manager",
 * not a failure of the observation.
 */
export async function readSwarm(docker: EngineReads, selector: ContainerSelector, app: Config['app'], engine: string, signal: AbortSignal): Promise<SwarmRead> {
  let listed: SwarmService[];
  try {
    listed = (await docker.listServices({ abortSignal: signal })) as SwarmService[];
  } catch (err) {
    const e = err as { statusCode?: number; json?: { message?: string }; message?: string };
    const message = e.json?.message ?? e.message ?? String(err);
    if (e.statusCode === 503) return { manager: false, reason: 'not_manager', message };
    return { manager: false, reason: 'error', message };
  }
  const matching = listed.filter((s) =>
    selectsService(selector, s.Spec.Name, s.Spec.Labels, s.Spec.TaskTemplate?.ContainerSpec?.Labels),
  );
  if (matching.length === 0) return { manager: true, services: [] };
  const [tasks, nodes] = await Promise.all([
    docker.listTasks({ filters: { service: matching.map((s) => s.ID) }, abortSignal: signal }) as Promise<SwarmTask[]>,
    docker.listNodes({ abortSignal: signal }) as Promise<SwarmNode[]>,
  ]);
  const nodeName = new Map(nodes.map((n) => [n.ID, n.Description?.Hostname ?? n.ID]));
  return {
    manager: true,
    services: matching.map((s) => toAppService(s, tasks.filter((t) => t.ServiceID === s.ID), nodeName, app, engine)),
  };
}

/** The app's service: its name matches, or the label is on the service or on its containers. */
export function selectsService(
  selector: ContainerSelector,
  name: string,
  serviceLabels: Record<string, string> | undefined,
  containerLabels: Record<string, string> | undefined,
): boolean {
  return selectsContainer(selector, name, serviceLabels) || selectsContainer(selector, name, containerLabels);
}

function toAppService(s: SwarmService, tasks: SwarmTask[], nodeName: Map<string, string>, app: Config['app'], engine: string): AppService {
  const replicas: ServiceReplica[] = tasks
    .filter((t) => LIVE_STATES.has(t.Status?.State ?? '') && (t.DesiredState === 'running' || t.Status?.State === 'running'))
    .map((t) => ({
      id: t.ID,
      slot: t.Slot ?? null,
      node: t.NodeID ? (nodeName.get(t.NodeID) ?? t.NodeID) : null,
      state: t.Status?.State ?? 'unknown',
      desiredState: t.DesiredState ?? 'unknown',
      containerId: t.Status?.ContainerStatus?.ContainerID ?? null,
      createdAt: iso(t.CreatedAt),
    }));
  const settings = containerPoolSettings(s.Spec.TaskTemplate?.ContainerSpec?.Env ?? [], app);
  const replicated = s.Spec.Mode?.Replicated;
  return {
    kind: 'swarm',
    id: s.ID,
    name: s.Spec.Name,
    location: engine,
    mode: replicated ? 'replicated' : 'global',
    desiredReplicas: replicated ? (replicated.Replicas ?? 1) : null,
    createdAt: iso(s.CreatedAt),
    updatedAt: iso(s.UpdatedAt),
    // The CLI pins the image by digest: the tag is what people recognise.
    image: s.Spec.TaskTemplate?.ContainerSpec?.Image?.replace(/@sha256:[0-9a-f]+$/, '') ?? null,
    version: s.Version?.Index ?? null,
    poolSize: fromSpec(settings.poolSize),
    workerNum: fromSpec(settings.workerNum),
    taskWorkerNum: fromSpec(settings.taskWorkerNum),
    replicas,
  };
}

/** A value read from the spec's env is labelled as the spec's: the replica itself was not read. */
function fromSpec(v: SettingValue): SettingValue {
  return v.origin === 'env' ? { value: v.value, origin: 'spec' } : v;
}

/** Swarm gives nanosecond times; the reports work in milliseconds. */
function iso(t: string | undefined): string | null {
  if (!t) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The parts of the Engine API's answers used here. */
interface SwarmService {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec: {
    Name: string;
    Labels?: Record<string, string>;
    Mode?: { Replicated?: { Replicas?: number }; Global?: object };
    TaskTemplate?: { ContainerSpec?: { Image?: string; Env?: string[]; Labels?: Record<string, string> } };
  };
}

interface SwarmTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  NodeID?: string;
  CreatedAt?: string;
  DesiredState?: string;
  Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
}

interface SwarmNode {
  ID: string;
  Description?: { Hostname?: string };
}
