import type { AppInstance, AppService, Facts, ServiceKind } from './facts.js';
import type { InstanceDemand } from './pool-math.js';

/**
 * Instances grouped by what manages them. A Swarm service (or, from another source, a Kubernetes
 * Deployment) is one unit with replicas running against a desired count; a Compose service groups
 * containers that `docker compose up` starts again; a bare container or process stands alone.
 */
export interface ServiceGroup {
  kind: ServiceKind;
  id: string;
  name: string;
  location: string;
  mode: AppService['mode'];
  /** Null when the orchestrator keeps no count, or its services could not be read. */
  desired: number | null;
  running: number;
  createdAt: string | null;
  updatedAt: string | null;
  image: string | null;
  /** Running replicas, oldest first, with the node each runs on. */
  replicas: ReplicaSummary[];
  /** Sum of the replicas' pool demands; null when one of them is unknown. */
  demand: number | null;
  compose?: AppService['compose'];
  /** A Deployment: its namespace, revision and ReplicaSets (issue #18). */
  kubernetes?: AppService['kubernetes'];
  /** False when only the replicas' labels are known (an engine that is not a Swarm manager). */
  read: boolean;
}

export interface ReplicaSummary {
  id: string;
  name: string;
  node: string | null;
  state: string;
  createdAt: string | null;
  /** False for a replica dbpool could not look into (another node): its settings come from the spec. */
  inspected: boolean;
  demand: number | null;
}

/** The services every source described, once each (two managers of one swarm list the same ones). */
export function observedServices(facts: Facts): AppService[] {
  const byKey = new Map<string, AppService>();
  for (const s of facts.instances.flatMap((o) => o.services ?? [])) {
    const key = `${s.kind}:${s.id}`;
    if (!byKey.has(key)) byKey.set(key, s);
  }
  return [...byKey.values()];
}

/**
 * Per-replica demand: a replica dbpool could not look into has no process list; its pool-holding
 * processes are taken from the replicas of the same service that were measured (the most common
 * make-up, labelled "replica"), else its configured numbers stay (the spec, or the configured
 * fallback, labelled as such).
 */
export function replicaDemands(instances: AppInstance[], demands: InstanceDemand[]): InstanceDemand[] {
  const byId = new Map(instances.map((i) => [i.id, i]));
  const serviceKey = (id: string) => {
    const svc = byId.get(id)?.service;
    return svc ? `${svc.kind}:${svc.id}` : null;
  };
  const measured = new Map<string, InstanceDemand[]>();
  for (const d of demands) {
    const key = serviceKey(d.id);
    if (key && d.workersOrigin === 'measured' && d.holders !== null) measured.set(key, [...(measured.get(key) ?? []), d]);
  }
  return demands.map((d) => {
    const key = serviceKey(d.id);
    const seen = key ? measured.get(key) : undefined;
    if (!seen || byId.get(d.id)?.processes !== null || d.workersOrigin === 'measured') return d;
    const like = mostCommon(seen);
    const holders = like.holders;
    return {
      ...d,
      workers: like.workers,
      workersOrigin: 'replica',
      taskWorkers: like.taskWorkers,
      untold: like.untold,
      untitled: like.untitled,
      customProcesses: like.customProcesses,
      holders,
      demand: holders === null || d.poolSize === null ? null : holders * d.poolSize,
    };
  });
}

/** The make-up most replicas share (by pool-holding processes), the larger one on a tie. */
function mostCommon(demands: InstanceDemand[]): InstanceDemand {
  const counts = new Map<number, { n: number; d: InstanceDemand }>();
  for (const d of demands) {
    const h = d.holders ?? 0;
    counts.set(h, { n: (counts.get(h)?.n ?? 0) + 1, d: counts.get(h)?.d ?? d });
  }
  return [...counts].sort((a, b) => b[1].n - a[1].n || b[0] - a[0])[0]![1].d;
}

/** The orchestrated services of the report: every one observed (even at 0 replicas) and every one a replica names. */
export function groupServices(facts: Facts, running: AppInstance[], demands: InstanceDemand[]): ServiceGroup[] {
  const demandOf = new Map(demands.map((d) => [d.id, d.demand]));
  const groups = new Map<string, ServiceGroup>();
  for (const s of observedServices(facts)) {
    groups.set(`${s.kind}:${s.id}`, {
      kind: s.kind,
      id: s.id,
      name: s.name,
      location: s.location,
      mode: s.mode,
      desired: s.desiredReplicas,
      running: 0,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      image: s.image,
      replicas: [],
      demand: 0,
      ...(s.compose ? { compose: s.compose } : {}),
      ...(s.kubernetes ? { kubernetes: s.kubernetes } : {}),
      read: true,
    });
  }
  for (const i of [...running].sort((a, b) => createdMs(a.createdAt) - createdMs(b.createdAt))) {
    if (!i.service) continue;
    const key = `${i.service.kind}:${i.service.id}`;
    let g = groups.get(key);
    if (!g) {
      // Known by its replicas' labels only: no desired count, its age is its oldest replica's.
      g = {
        kind: i.service.kind,
        id: i.service.id,
        name: i.service.name,
        location: i.location,
        mode: i.service.kind === 'compose' ? 'containers' : 'replicated',
        desired: null,
        running: 0,
        createdAt: i.createdAt ?? null,
        updatedAt: null,
        image: i.image ?? null,
        replicas: [],
        demand: 0,
        read: false,
      };
      groups.set(key, g);
    }
    const demand = demandOf.get(i.id) ?? null;
    g.running++;
    g.demand = g.demand === null || demand === null ? null : g.demand + demand;
    g.replicas.push({
      id: i.id,
      name: i.name,
      node: i.node ?? null,
      state: i.state,
      createdAt: i.createdAt ?? null,
      // A Compose container is listed by its own engine; only a Swarm task on another node goes unseen.
      // A pod is read from its own spec, through the API server.
      inspected: i.service.kind === 'compose' || i.service.kind === 'kubernetes' || i.processes !== null || i.logs !== undefined,
      demand,
    });
  }
  return [...groups.values()].sort((a, b) => createdMs(a.createdAt) - createdMs(b.createdAt));
}

export function createdMs(iso: string | null | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}
