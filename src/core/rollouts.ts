import type { KubernetesReplicaSet } from './facts.js';
import type { ServiceGroup } from './services.js';

/**
 * A Deployment whose old ReplicaSet still runs pods beside the new one: a rollout in progress, or
 * stuck (a new pod that never gets ready keeps the old ones up, maxSurge pods more than wanted).
 * The fix is the controller's: wait for it (`rollout status`) or go back (`rollout undo`); a pod
 * deleted by hand is recreated by its ReplicaSet at once.
 */
export interface Rollout {
  deployment: string;
  namespace: string;
  revision: number | null;
  /** The newest ReplicaSet: what the Deployment rolls out. */
  current: KubernetesReplicaSet;
  /** Older ReplicaSets that still run pods, newest first. */
  old: KubernetesReplicaSet[];
  /** The controller gave up (ProgressDeadlineExceeded), or the Deployment is paused. */
  stuck: boolean;
  paused: boolean;
}

export function unfinishedRollouts(services: ServiceGroup[]): Rollout[] {
  return services.flatMap((g) => {
    const k = g.kubernetes;
    const [current, ...older] = k?.replicaSets ?? [];
    const old = older.filter((r) => r.pods > 0);
    if (!k || !current || old.length === 0) return [];
    return [{ deployment: g.name, namespace: k.namespace, revision: k.revision, current, old, stuck: k.progressDeadlineExceeded, paused: k.paused }];
  });
}

/** `kubectl` in the Deployment's namespace. */
export function kubectl(namespace: string, args: string): string {
  return `kubectl -n ${namespace} ${args}`;
}

/** The commands of a rollout's fix: see where it is, then go back to the revision the old pods run. */
export function rolloutCommands(r: Rollout): string[] {
  const back = r.old[0]?.revision;
  return [
    kubectl(r.namespace, `rollout status deployment/${r.deployment} --timeout=60s`),
    ...(r.paused ? [kubectl(r.namespace, `rollout resume deployment/${r.deployment}`)] : []),
    kubectl(r.namespace, `rollout undo deployment/${r.deployment}${back ? ` --to-revision=${back}` : ''}`),
  ];
}
