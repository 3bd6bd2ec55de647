import type { AppInstance, PostgresFacts, ProcessRole } from './facts.js';

/**
 * The runbook's formula, per instance and summed:
 *   total connections = workers x DB_POOL_SIZE x instances
 * Each Swoole worker (and task worker, and custom process) keeps its own pool, so an instance holds
 * (workers + task workers + custom processes) x DB_POOL_SIZE connections when its pools are full.
 */

/** 'spec': from the service's spec; 'replica': measured on the other replicas of the same service. */
export type CountOrigin = 'measured' | 'env' | 'spec' | 'replica' | 'fallback' | 'unknown';

export interface InstanceDemand {
  id: string;
  name: string;
  /** Workers told apart (titles, or the single process of SWOOLE_BASE), or the configured number. */
  workers: number | null;
  workersOrigin: CountOrigin;
  taskWorkers: number;
  /**
   * Children of the manager that are workers or task workers, measured but not told apart (no
   * process titles): each counted once. 0 when none, or when no task worker is configured (then
   * they are counted as workers).
   */
  untold: number;
  /** Children of the manager without a title naming their role (in workers or in untold): counted by the tree. */
  untitled: number;
  /** Custom processes ($server->addProcess) told apart by their siblings' titles: each counted as a pool. */
  customProcesses: number;
  poolSize: number | null;
  poolSizeOrigin: CountOrigin;
  /** Pool-holding processes: workers + task workers + untold + custom processes. */
  holders: number | null;
  /** holders x poolSize, or null when either is unknown. */
  demand: number | null;
}

export interface ServerCapacity {
  maxConnections: number;
  /** superuser_reserved_connections + reserved_connections: slots the app's role cannot use. */
  reservedSlots: number;
  /** The app's client connections. */
  appConnections: number;
  /** Client connections neither the app's nor dbpool's. */
  otherClients: number;
  /** dbpool's own connections: shown apart, not usage (issue #16: they sat in the reserved slots and were counted twice). */
  ownConnections: number;
  /** The usage: the app's and the other clients' connections (appConnections + otherClients). */
  used: number;
  /** Client connections on the server now, all roles, dbpool's own included: PostgreSQL refuses the app when these reach the usable slots. */
  clientConnections: number;
}

export interface PoolMath {
  instances: InstanceDemand[];
  /** Sum of the known demands. */
  knownDemand: number;
  /** Instances whose demand is unknown (missing pool size or worker count). */
  unknownDemandInstances: number;
  /** Instance sources that could not be read: their instances, and so the demand, are unknown. */
  unreadSources: number;
  /** knownDemand when nothing is unknown, else null. */
  totalDemand: number | null;
  server: ServerCapacity | null;
  /** maxConnections - reservedSlots. */
  usableSlots: number | null;
  /** usableSlots - otherClients: what is left for the app. */
  appCapacity: number | null;
  /** used / usableSlots: above 1 only when superuser sessions sit in the reserved slots (ServerCapacity.used). */
  utilization: number | null;
  /** knownDemand / appCapacity. */
  demandRatio: number | null;
  /** appCapacity - knownDemand; negative means the pools cannot all fill. */
  headroom: number | null;
}

/**
 * Pool-holding processes actually running win over the configured numbers, which stand in
 * (labelled with their origin) only when none could be listed. Every process is counted once.
 */
export function instanceDemand(instance: AppInstance): InstanceDemand {
  const count = (...roles: ProcessRole[]) => instance.processes?.filter((p) => roles.includes(p.role)).length ?? 0;
  const toldWorkers = count('worker', 'single');
  const toldTasks = count('task_worker');
  const customProcesses = count('custom');
  const untitled = count('worker_or_task');
  let untold = untitled;
  const base = { id: instance.id, name: instance.name, poolSize: instance.poolSize.value, poolSizeOrigin: instance.poolSize.origin };

  if (toldWorkers + toldTasks + untold + customProcesses === 0) {
    const workers = instance.workerNum.value;
    const taskWorkers = instance.taskWorkerNum.value ?? 0;
    const holders = workers === null ? null : workers + taskWorkers;
    return { ...base, workers, workersOrigin: instance.workerNum.origin, taskWorkers, untold: 0, untitled: 0, customProcesses: 0, holders, demand: times(holders, base.poolSize) };
  }
  // No task worker configured: the untitled children of the manager are its workers (and custom processes).
  let workers = toldWorkers;
  if (untold > 0 && toldTasks === 0 && instance.taskWorkerNum.value === 0) {
    workers += untold;
    untold = 0;
  }
  const holders = workers + toldTasks + untold + customProcesses;
  return { ...base, workers, workersOrigin: 'measured', taskWorkers: toldTasks, untold, untitled, customProcesses, holders, demand: times(holders, base.poolSize) };
}

function times(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a * b;
}

export function serverCapacity(pg: PostgresFacts): ServerCapacity {
  return {
    maxConnections: pg.maxConnections,
    reservedSlots: pg.superuserReservedConnections + pg.reservedConnections,
    appConnections: pg.appConnections,
    otherClients: Math.max(0, pg.clientConnections - pg.appConnections - pg.ownConnections),
    ownConnections: pg.ownConnections,
    used: Math.max(0, pg.clientConnections - pg.ownConnections),
    clientConnections: pg.clientConnections,
  };
}

/** With instance sources unread, the known demand is a lower bound: no total, ratio or headroom is guessed. */
export function computePoolMath(instances: InstanceDemand[], server: ServerCapacity | null, unreadSources = 0): PoolMath {
  const known = instances.filter((i) => i.demand !== null);
  const knownDemand = known.reduce((sum, i) => sum + (i.demand ?? 0), 0);
  const unknownDemandInstances = instances.length - known.length;
  const usableSlots = server ? Math.max(0, server.maxConnections - server.reservedSlots) : null;
  const appCapacity = server && usableSlots !== null ? Math.max(0, usableSlots - server.otherClients) : null;
  const blind = unreadSources > 0;
  return {
    instances,
    knownDemand,
    unknownDemandInstances,
    unreadSources,
    totalDemand: unknownDemandInstances === 0 && !blind ? knownDemand : null,
    server,
    usableSlots,
    appCapacity,
    utilization: server && usableSlots ? server.used / usableSlots : null,
    demandRatio: blind ? null : appCapacity ? knownDemand / appCapacity : appCapacity === 0 && knownDemand > 0 ? Infinity : null,
    headroom: appCapacity === null || blind ? null : appCapacity - knownDemand,
  };
}
