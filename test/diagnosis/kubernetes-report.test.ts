/**
 * Issue #18's report on a real API server and a real PostgreSQL: two Deployments side by side, one
 * Deployment with 3 replicas where 1 is expected, a rollout stuck with two ReplicaSets. The report
 * names Deployments and ReplicaSets, the pool math uses the pods' settings, the connections are
 * attributed per pod and per ReplicaSet by client_addr = podIP, and the fix is the controller's.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Report } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { reportToSlack } from '../../src/render/block-kit.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import { createServices } from '../../src/services.js';
import { kubeSkipReason, startCluster, type TestCluster } from '../helpers/kube-apiserver.js';
import { createDeployment, eventually, grant, nextSecond, podsOf, READ_RULES, SEED_POOL_ENV, setPodRunning } from '../helpers/kube-app.js';
import { allowLoopbackRange, closeAll, connectFrom } from '../helpers/pod-connections.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';

const skip = kubeSkipReason();

describe.skipIf(skip !== null)('the report of a Kubernetes app (real kube-apiserver, real PostgreSQL)', () => {
  let cluster: TestCluster;
  let server: TestPostgres;
  const clients: pg.Client[] = [];
  beforeAll(async () => {
    [cluster, server] = await Promise.all([startCluster(), startPostgres({ maxConnections: 50 })]);
    await allowLoopbackRange(server);
  }, 120_000);
  afterAll(async () => {
    await closeAll(clients);
    await Promise.all([cluster?.stop(), server?.stop()]);
  });

  async function diagnose(ns: string, expected: number): Promise<Report> {
    const config = loadConfig({
      DATABASE_URL: server.url(),
      DBPOOL_INSTANCE_SOURCE: 'kubernetes',
      DBPOOL_KUBECONFIG: await cluster.kubeconfig('dbpool', ns),
      APP_K8S_SELECTOR: 'app=php-swoole-app',
      APP_EXPECTED_INSTANCES: String(expected),
    });
    const services = await createServices(config, silentLogger(), { state: false, metrics: false });
    try {
      return await services.diagnoser!.diagnose('instances');
    } finally {
      await services.close();
    }
  }

  it('two Deployments side by side: both named with their ReplicaSets, connections per pod, the older one scaled to 0', async () => {
    const ns = 'report-side';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', READ_RULES);
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 1, env: SEED_POOL_ENV });
    await nextSecond(cluster, ns, 'php-swoole-app');
    await createDeployment(cluster, ns, { name: 'php-swoole-app-new', replicas: 1, env: SEED_POOL_ENV });
    const [old] = await podsOf(cluster, ns, 'php-swoole-app', 1);
    const [fresh] = await podsOf(cluster, ns, 'php-swoole-app-new', 1);
    await setPodRunning(cluster, ns, old!.metadata.name, '127.0.0.41');
    await setPodRunning(cluster, ns, fresh!.metadata.name, '127.0.0.42');
    clients.push(...(await connectFrom(server, '127.0.0.41', 3)), ...(await connectFrom(server, '127.0.0.42', 2)));

    const report = await diagnose(ns, 1);
    expect(report.services.map((g) => [g.kind, g.name, g.desired, g.running])).toEqual([
      ['kubernetes', 'php-swoole-app', 1, 1],
      ['kubernetes', 'php-swoole-app-new', 1, 1],
    ]);
    // The pods' own settings: 4 workers x 5 each, 20 per pod.
    expect(report.math.instances.map((d) => [d.name, d.workers, d.workersOrigin, d.poolSize, d.demand]).sort()).toEqual([
      [old!.metadata.name, 4, 'spec', 5, 20],
      [fresh!.metadata.name, 4, 'spec', 5, 20],
    ].sort());
    expect(report.holding?.instances.map((h) => [h.name, h.method, h.held.total]).sort()).toEqual([
      [old!.metadata.name, 'address', 3],
      [fresh!.metadata.name, 'address', 2],
    ].sort());
    expect(report.findings.find((x) => x.code === 'extra_replicas')?.params).toMatchObject({
      services: [{ kind: 'kubernetes', name: 'php-swoole-app', from: 1, to: 0 }],
      beside: ['php-swoole-app-new'],
    });
    const scale = report.recommendations.find((r) => r.code === 'scale_down_service');
    expect(scale?.commands).toEqual([{ lang: 'shell', text: `kubectl -n ${ns} scale deployment/php-swoole-app --replicas=0` }]);
    expect(scale?.action).toBe('stop_extra');
    expect(report.findings.some((x) => x.code === 'rollout_incomplete')).toBe(false);

    const text = renderText(report, { lang: 'en' });
    expect(text).toContain('Kubernetes Deployment php-swoole-app: 1/1 replica running');
    expect(text).toMatch(/ReplicaSet php-swoole-app-[a-z0-9]+ \(revision 1, new\): 1\/1 ready, 1 running, holding 3 connections/);
    expect(text).toMatch(/ReplicaSet php-swoole-app-new-[a-z0-9]+ \(revision 1, new\): 1\/1 ready, 1 running, holding 2 connections/);
    expect(text).toContain('deleting its pods only makes its ReplicaSet create new ones');
    const fa = renderText(report, { lang: 'fa' });
    expect(fa).toContain('Deployment در Kubernetes');
    expect(fa).toContain('حذف podهای آن فقط باعث می‌شود ReplicaSet آن podهای تازه بسازد');
    expect(JSON.stringify(reportToSlack(report, 'en'))).toContain('ReplicaSet');
    expect(JSON.parse(renderJson(report)).services[0].kubernetes).toMatchObject({ namespace: ns, revision: 1 });
  });

  it('3 replicas where 1 is expected: scale the Deployment to 1 with its exact command', async () => {
    const ns = 'report-three';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', READ_RULES);
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 3, env: SEED_POOL_ENV });
    const pods = await podsOf(cluster, ns, 'php-swoole-app', 3);
    await Promise.all(pods.map((p, i) => setPodRunning(cluster, ns, p.metadata.name, `127.0.0.${51 + i}`)));
    const report = await diagnose(ns, 1);
    expect(report.math.totalDemand).toBe(60);
    expect(report.findings.find((x) => x.code === 'extra_replicas')?.params).toMatchObject({ running: 3, expected: 1, services: [{ name: 'php-swoole-app', from: 3, to: 1 }] });
    expect(report.recommendations.find((r) => r.code === 'scale_down_service')?.commands[0]?.text).toBe(`kubectl -n ${ns} scale deployment/php-swoole-app --replicas=1`);
  });

  it('a rollout stuck with two ReplicaSets: the old one named beside the new, the fix is rollout status/undo, no scale', async () => {
    const ns = 'report-rollout';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', READ_RULES);
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 2, env: SEED_POOL_ENV, progressDeadlineSeconds: 1 });
    const pods = await podsOf(cluster, ns, 'php-swoole-app', 2);
    await Promise.all(pods.map((p, i) => setPodRunning(cluster, ns, p.metadata.name, `127.0.0.${61 + i}`)));
    await eventually('the first rollout done', () => cluster.api<{ status: { readyReplicas?: number } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/php-swoole-app`), (d) => d.status.readyReplicas === 2);
    // A new revision: its first pod (maxSurge 1) runs but never gets ready, so the old pods stay.
    await cluster.api('PATCH', `/apis/apps/v1/namespaces/${ns}/deployments/php-swoole-app`, { spec: { template: { spec: { containers: [{ name: 'app', image: 'registry.example/php-swoole-app:2.0' }] } } } }, 'application/strategic-merge-patch+json');
    const all = await podsOf(cluster, ns, 'php-swoole-app', 3);
    const surge = all.find((p) => !pods.some((o) => o.metadata.name === p.metadata.name))!;
    await setPodRunning(cluster, ns, surge.metadata.name, '127.0.0.63', false);
    await eventually(
      'the progress deadline passed',
      () => cluster.api<{ status: { conditions?: { type: string; reason?: string }[] } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/php-swoole-app`),
      (d) => d.status.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') === true,
    );

    const report = await diagnose(ns, 2);
    const rollout = report.findings.find((x) => x.code === 'rollout_incomplete');
    expect(rollout?.params).toMatchObject({
      deployment: 'php-swoole-app',
      namespace: ns,
      current: { revision: 2, ready: 0, desired: 1, pods: 1 },
      old: [{ revision: 1, pods: 2 }],
      stuck: true,
    });
    // Three pods hold their pools: 3 x 20.
    expect(report.math.totalDemand).toBe(60);
    expect(report.findings.some((x) => x.code === 'extra_replicas')).toBe(false);
    expect(report.recommendations.find((r) => r.code === 'rollout_undo')?.commands.map((c) => c.text)).toEqual([
      `kubectl -n ${ns} rollout status deployment/php-swoole-app --timeout=60s`,
      `kubectl -n ${ns} rollout undo deployment/php-swoole-app --to-revision=1`,
    ]);
    expect(report.stopCandidates).toEqual([]);
    const text = renderText(report, { lang: 'en' });
    expect(text).toMatch(/revision 2, new\): 0\/1 ready, 1 running/);
    expect(text).toMatch(/revision 1, old\): 2\/2 ready, 2 running/);
    expect(text).toContain('The rollout is stuck');
    expect(renderText(report, { lang: 'fa' })).toContain('rollout گیر کرده است');
  });
});
