/**
 * The pure side of issue #18: a Deployment mid-rollout is not a scale-down candidate (its surge is
 * the rollout's finding, fixed by the controller's commands), two Deployments side by side are,
 * and a pod outside a Deployment is never proposed.
 */
import { describe, expect, it } from 'vitest';
import type { AppInstance, AppService, KubernetesReplicaSet } from '../../src/core/facts.js';
import { buildReport } from '../../src/core/report.js';
import { instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { swarmService, withServices } from '../fixtures/swarm.js';

const rs = (name: string, revision: number, desired: number, pods: number): KubernetesReplicaSet => ({ name, revision, desired, ready: pods, pods, createdAt: null });

function deployment(name: string, desired: number, sets: KubernetesReplicaSet[], createdAt = '2026-11-20T08:00:00.000Z'): AppService {
  return {
    ...swarmService({ id: `shop/${name}`, name, createdAt }),
    kind: 'kubernetes',
    location: 'prod/shop',
    desiredReplicas: desired,
    kubernetes: { namespace: 'shop', revision: sets[0]?.revision ?? null, replicaSets: sets, progressDeadlineExceeded: false, paused: false },
  };
}

function pods(d: AppService, set: KubernetesReplicaSet): AppInstance[] {
  return Array.from({ length: set.pods }, (_, i) =>
    instance({
      id: `${set.name}-${i}`,
      name: `${set.name}-${i}`,
      source: 'kubernetes',
      location: 'prod/shop',
      processes: null,
      poolSize: { value: 5, origin: 'env' },
      workerNum: { value: 4, origin: 'spec' },
      service: { kind: 'kubernetes', id: d.id, name: d.name, slot: null, replicaSet: { name: set.name, revision: set.revision } },
    }),
  );
}

describe('Kubernetes in the core', () => {
  it('a rollout with the old ReplicaSet still running: rollout_incomplete and the controller commands, no scale candidate', () => {
    const sets = [rs('app-new', 2, 1, 1), rs('app-old', 1, 2, 2)];
    const d = deployment('php-swoole-app', 2, sets);
    const report = buildReport('status', withServices([...pods(d, sets[0]!), ...pods(d, sets[1]!)], [d]), settings({ expectedInstances: 2 }));
    expect(report.stopCandidates).toEqual([]);
    expect(report.findings.find((f) => f.code === 'rollout_incomplete')?.params).toMatchObject({ current: { name: 'app-new', revision: 2 }, old: [{ name: 'app-old', revision: 1, pods: 2 }] });
    expect(report.recommendations.find((r) => r.code === 'rollout_undo')?.commands.map((c) => c.text)).toEqual([
      'kubectl -n shop rollout status deployment/php-swoole-app --timeout=60s',
      'kubectl -n shop rollout undo deployment/php-swoole-app --to-revision=1',
    ]);
    expect(report.math.totalDemand).toBe(3 * 20);
  });

  it('two Deployments side by side: the older scaled to 0 with kubectl in its namespace', () => {
    const oldSet = rs('old-1', 1, 1, 1);
    const newSet = rs('new-1', 1, 1, 1);
    const old = deployment('php-swoole-app', 1, [oldSet]);
    const fresh = deployment('php-swoole-app-new', 1, [newSet], '2026-11-26T08:00:00.000Z');
    const report = buildReport('status', withServices([...pods(old, oldSet), ...pods(fresh, newSet)], [old, fresh]), settings({ expectedInstances: 1 }));
    expect(report.stopCandidates.map((c) => [c.source, c.id, c.scale?.kind, c.scale?.from, c.scale?.to])).toEqual([['kubernetes', 'shop/php-swoole-app', 'kubernetes', 1, 0]]);
    expect(report.recommendations.find((r) => r.code === 'scale_down_service')?.commands[0]?.text).toBe('kubectl -n shop scale deployment/php-swoole-app --replicas=0');
    expect(report.findings.some((f) => f.code === 'rollout_incomplete')).toBe(false);
  });

  it('a pod outside a Deployment (a StatefulSet, a Job) is counted, never proposed', () => {
    const bare = (id: string, createdAt: string) => instance({ id, name: id, source: 'kubernetes', location: 'prod/shop', createdAt, processes: null });
    const report = buildReport('status', withServices([bare('sts-0', '2026-11-20T08:00:00.000Z'), bare('sts-1', '2026-11-26T08:00:00.000Z')], []), settings({ expectedInstances: 1 }));
    expect(report.stopCandidates).toEqual([]);
    expect(report.recommendations.some((r) => r.code === 'stop_extra_instances')).toBe(false);
  });
});
