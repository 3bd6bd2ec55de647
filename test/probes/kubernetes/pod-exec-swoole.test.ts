/**
 * DBPOOL_K8S_EXEC's success path, end to end on real parts: a real Swoole 6 server (its pools full
 * in a real PostgreSQL) runs in a container; the pod standing for it is bound to a node whose
 * stand-in kubelet runs each exec in that container (`docker exec`, as a kubelet asks its runtime);
 * dbpool's exec goes through the real kube-apiserver's proxy. The scan's real output must give the
 * same roles as a container's `top`, and the pool math the measured workers, not the spec's.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceDemand } from '../../../src/core/pool-math.js';
import { dockerSkipReason } from '../../helpers/docker-engine.js';
import { kubeSkipReason, startCluster, type TestCluster } from '../../helpers/kube-apiserver.js';
import { createDeployment, grant, podsOf, READ_RULES, setPodRunning } from '../../helpers/kube-app.js';
import { bindPod, dockerExecIn, registerNode, startStandInKubelet, type StandInKubelet } from '../../helpers/kube-kubelet.js';
import { dbDsn, swooleSkipReason, TestContainers } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { kubeConfig, observeCluster } from './fixtures.js';

const skip = kubeSkipReason() ?? (await dockerSkipReason(swooleSkipReason));
const EXEC_RULE = { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] };

describe.skipIf(skip !== null)('DBPOOL_K8S_EXEC on a real Swoole server (kube-apiserver -> kubelet stand-in -> docker exec)', () => {
  let cluster: TestCluster;
  let kubelet: StandInKubelet;
  let pgServer: TestPostgres;
  let admin: pg.Client;
  const containers = new TestContainers();
  const inContainer = new Map<string, ReturnType<typeof dockerExecIn>>();

  beforeAll(async () => {
    [cluster, pgServer] = await Promise.all([startCluster(), startPostgres({ maxConnections: 60 })]);
    admin = await pgServer.admin();
    await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    kubelet = await startStandInKubelet(cluster, async (e) => {
      const run = inContainer.get(e.pod);
      return run ? run(e) : { stdout: '', stderr: `no container for pod ${e.pod}`, exitCode: 1 };
    });
    await registerNode(cluster, 'node-swoole', kubelet.port);
  }, 180_000);
  afterAll(async () => {
    await containers.removeAll();
    await kubelet?.stop();
    await admin?.end().catch(() => undefined);
    await Promise.all([cluster?.stop(), pgServer?.stop()]);
  });

  it('3 workers + 1 task worker running while the spec says 8: measured 4 pools x 5 = 20, what PostgreSQL holds', async () => {
    const ns = 'exec-swoole';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', [...READ_RULES, EXEC_RULE]);
    await createDeployment(cluster, ns, {
      name: 'php-swoole-app',
      replicas: 1,
      env: [
        { name: 'DB_POOL_SIZE', value: '5' },
        { name: 'SWOOLE_WORKER_NUM', value: '8' },
      ],
    });
    const [pod] = await podsOf(cluster, ns, 'php-swoole-app', 1);
    const name = pod!.metadata.name;
    const app = await containers.startSwooleApp({ name: 'php_swoole_app', dsn: dbDsn({ ...pgServer, user: 'app', password: 'app' }), workers: 3, taskWorkers: 1, poolSize: 5, titles: 'hyperf' });
    inContainer.set(name, dockerExecIn(app.container));
    await bindPod(cluster, ns, name, 'node-swoole');
    await setPodRunning(cluster, ns, name, '127.0.2.1');

    const off = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns)));
    expect(instanceDemand(off.instances[0]!)).toMatchObject({ workers: 8, workersOrigin: 'spec', holders: 8, demand: 40 });

    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns), { DBPOOL_K8S_EXEC: 'true' }));
    expect(obs.ok).toBe(true);
    const [inst] = obs.instances;
    expect(inst?.errors).toEqual([]);
    const roles: Record<string, number> = {};
    for (const p of inst?.processes ?? []) roles[p.role] = (roles[p.role] ?? 0) + 1;
    expect(roles).toEqual({ master: 1, manager: 1, worker: 3, task_worker: 1 });
    expect(inst?.processes?.find((p) => p.role === 'master')?.command).toMatch(/\.Master$/);
    expect(instanceDemand(inst!)).toMatchObject({ workers: 3, taskWorkers: 1, workersOrigin: 'measured', holders: 4, demand: 20 });
    const held = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [app.name]);
    expect(held.rows[0]?.n).toBe(20);
    expect(kubelet.execs.filter((e) => e.namespace === ns).map((e) => [e.pod, e.container])).toEqual([[name, 'app']]);
  });
});
