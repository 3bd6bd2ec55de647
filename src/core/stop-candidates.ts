import type { AppInstance, AppService, ServiceKind } from './facts.js';
import { createdMs, type ServiceGroup } from './services.js';

/** Services whose orchestrator keeps a replica count (Compose keeps none). */
export type ScalableKind = Exclude<ServiceKind, 'compose'>;

export interface StopCandidate {
  id: string;
  name: string;
  source: AppInstance['source'];
  location: string;
  createdAt: string | undefined;
  /**
   * An orchestrated service: its desired replica count goes from `from` to `to`. Its task
   * containers are never stopped one by one: the orchestrator would start replacements at once.
   */
  scale?: { kind: ScalableKind; from: number; to: number; updatedAt: string | null; replicaIds: string[] };
  /** A Compose container: `docker compose up` starts it again unless its service is changed. */
  compose?: NonNullable<AppService['compose']>;
  /** Docker's restart policy of the container, when it has one (always: a daemon restart starts it again). */
  restartPolicy?: string;
}

interface Unit {
  created: number;
  /** Replicas it counts for: the desired count when the orchestrator keeps one, else what runs. */
  replicas: number;
  /** A global service cannot be scaled: its replicas are kept. */
  scalable: boolean;
  candidate(keep: number): StopCandidate;
}

/**
 * More replicas running than expected: keep the newest units up to `expected` replicas and propose
 * the rest, oldest first. A unit is what an action addresses: a Swarm service (scaled down, to 0
 * when it is the older one beside a newer service), or a single container or process (stopped). The
 * typical case is the old `php_swoole_app` left running beside `php_swoole_app_new` after a deploy.
 * Something without a creation time counts as the oldest.
 */
export function findStopCandidates(instances: AppInstance[], expected: number, services: ServiceGroup[] = []): StopCandidate[] {
  const running = instances.filter((i) => i.state === 'running');
  const scaled = new Set(services.filter((g) => g.kind !== 'compose').map((g) => `${g.kind}:${g.id}`));
  const units: Unit[] = [];
  for (const g of services) {
    const kind = g.kind;
    if (kind === 'compose') continue;
    // A Deployment mid-rollout runs its surge beside the old ReplicaSet: the rollout's own finding
    // (rollouts.ts), not a reason to scale it below the count it wants.
    const replicas = g.kind === 'kubernetes' && g.desired !== null ? g.desired : Math.max(g.running, g.desired ?? 0);
    if (replicas === 0) continue;
    units.push({
      created: createdMs(g.createdAt),
      replicas,
      scalable: g.mode === 'replicated',
      candidate: (keep) => ({
        id: g.id,
        name: g.name,
        source: kind === 'kubernetes' ? 'kubernetes' : 'docker',
        location: g.location,
        createdAt: g.createdAt ?? undefined,
        // Swarm removes the highest slots first; which ones does not change the count.
        scale: { kind, from: g.desired ?? g.running, to: keep, updatedAt: g.updatedAt, replicaIds: g.replicas.slice(keep).map((r) => r.id) },
      }),
    });
  }
  for (const i of running) {
    if (i.service && scaled.has(`${i.service.kind}:${i.service.id}`)) continue;
    const compose = i.service?.kind === 'compose' ? services.find((g) => g.kind === 'compose' && g.id === i.service?.id)?.compose : undefined;
    units.push({
      created: createdMs(i.createdAt),
      replicas: 1,
      // A pod outside a Deployment (a StatefulSet's, a Job's, a bare ReplicaSet's) is never deleted: its controller would recreate it.
      scalable: i.source !== 'kubernetes',
      candidate: () => ({
        id: i.id,
        name: i.name,
        source: i.source,
        location: i.location,
        createdAt: i.createdAt,
        ...(compose ? { compose } : {}),
        ...(i.restartPolicy && i.restartPolicy !== 'no' ? { restartPolicy: i.restartPolicy } : {}),
      }),
    });
  }
  if (units.reduce((n, u) => n + u.replicas, 0) <= expected) return [];
  // What cannot be scaled is kept first; then the newest.
  const order = [...units].sort((a, b) => Number(a.scalable) - Number(b.scalable) || b.created - a.created);
  let remaining = expected;
  const out: StopCandidate[] = [];
  for (const u of order) {
    const keep = Math.min(u.replicas, remaining);
    remaining -= keep;
    if (keep < u.replicas && u.scalable) out.push(u.candidate(keep));
  }
  return out.reverse();
}

/** The instances a candidate takes away: its own, or the replicas a scale-down removes. */
export function leavingInstanceIds(c: StopCandidate): string[] {
  return c.scale ? c.scale.replicaIds : [c.id];
}
