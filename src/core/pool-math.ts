import type { AppInstance, PostgresFacts } from './facts.js';

/**
 * The runbook's formula, per instance and summed:
 *   total connections = workers x DB_POOL_SIZE x instances
 * Each Swoole worker (and task worker) keeps its own pool, so an instance holds
 * (workers + task workers) x DB_POOL_SIZE connections when its pools are full.
 */

/** 'spec': from the service's spec; 'replica': measured on the other replicas of the same service. */
export type CountOrigin = 'measured' | 'env' | 'spec' | 'replica' | 'fallback' | 'unknown' | 'what-if';

export interface InstanceDemand {
  id: string;
  name: string;
  workers: number | null;
  workersOrigin: CountOrigin;
  taskWorkers: number;
  poolSize: number | null;
  poolSizeOrigin: CountOrigin;
  /** Pool-holding processes: workers + task workers. */
  holders: number | null;
  /** holders x poolSize, or null when either is unknown. */
  demand: number | null;
}

export interface ServerCapacity {
  maxConnections: number;
  /** superuser_reserved_connections + reserved_connections: slots the app's role cannot use. */
  reservedSlots: number;
  /** Client connections not belonging to the app (other clients, dbpool itself). */
  otherClients: number;
  /** Client connections on the server now, all roles. */
  clientConnections: number;
}

export interface PoolMath {
  instances: InstanceDemand[];
  /** Sum of the known demands. */
  knownDemand: number;
  /** Instances whose demand is unknown (missing pool size or worker count). */
  unknownDemandInstances: number;
  /** knownDemand when nothing is unknown, else null. */
  totalDemand: number | null;
  server: ServerCapacity | null;
  /** maxConnections - reservedSlots. */
  usableSlots: number | null;
  /** usableSlots - otherClients: what is left for the app. */
  appCapacity: number | null;
  /** clientConnections / usableSlots, 0..1+. */
  utilization: number | null;
  /** knownDemand / appCapacity. */
  demandRatio: number | null;
  /** appCapacity - knownDemand; negative means the pools cannot all fill. */
  headroom: number | null;
}

/** Workers and task workers actually running win over the configured numbers. */
export function instanceDemand(instance: AppInstance): InstanceDemand {
  const procs = instance.processes;
  const measuredWorkers = procs ? procs.filter((p) => p.role === 'worker').length : 0;
  const measuredTasks = procs ? procs.filter((p) => p.role === 'task_worker').length : 0;

  let workers: number | null;
  let workersOrigin: CountOrigin;
  if (measuredWorkers > 0) {
    workers = measuredWorkers;
    workersOrigin = 'measured';
  } else {
    workers = instance.workerNum.value;
    workersOrigin = instance.workerNum.origin;
  }
  const taskWorkers = measuredTasks > 0 ? measuredTasks : (instance.taskWorkerNum.value ?? 0);
  const poolSize = instance.poolSize.value;
  const holders = workers === null ? null : workers + taskWorkers;
  return {
    id: instance.id,
    name: instance.name,
    workers,
    workersOrigin,
    taskWorkers,
    poolSize,
    poolSizeOrigin: instance.poolSize.origin,
    holders,
    demand: holders === null || poolSize === null ? null : holders * poolSize,
  };
}

export function serverCapacity(pg: PostgresFacts): ServerCapacity {
  return {
    maxConnections: pg.maxConnections,
    reservedSlots: pg.superuserReservedConnections + pg.reservedConnections,
    otherClients: Math.max(0, pg.clientConnections - pg.appConnections),
    clientConnections: pg.clientConnections,
  };
}

export function computePoolMath(instances: InstanceDemand[], server: ServerCapacity | null): PoolMath {
  const known = instances.filter((i) => i.demand !== null);
  const knownDemand = known.reduce((sum, i) => sum + (i.demand ?? 0), 0);
  const unknownDemandInstances = instances.length - known.length;
  const usableSlots = server ? Math.max(0, server.maxConnections - server.reservedSlots) : null;
  const appCapacity = server && usableSlots !== null ? Math.max(0, usableSlots - server.otherClients) : null;
  return {
    instances,
    knownDemand,
    unknownDemandInstances,
    totalDemand: unknownDemandInstances === 0 ? knownDemand : null,
    server,
    usableSlots,
    appCapacity,
    utilization: server && usableSlots ? server.clientConnections / usableSlots : null,
    demandRatio: appCapacity ? knownDemand / appCapacity : appCapacity === 0 && knownDemand > 0 ? Infinity : null,
    headroom: appCapacity === null ? null : appCapacity - knownDemand,
  };
}
