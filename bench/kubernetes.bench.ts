/**
 * Kubernetes Deployments (issue 18) on a real control plane (etcd, kube-apiserver,
 * kube-controller-manager): one observation of the app's pods (lists of pods, ReplicaSets and
 * Deployments, the ConfigMap their env names) with 2 Deployments of 25 pods each, and an approved
 * scale-down of the older one to 0 until the ReplicaSet converged. Goal: an observation well under
 * the probe timeout; the scale bounded by the controller, not by dbpool.
 * Alone: npx tsx bench/kubernetes.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { createServices } from '../src/services.js';
import { kubeBinDir, startCluster } from '../test/helpers/kube-apiserver.js';
import { createDeployment, grant, nextSecond, podsOf, READ_RULES, SCALE_RULE, setPodRunning } from '../test/helpers/kube-app.js';
import { bindPod, registerNode, startStandInKubelet } from '../test/helpers/kube-kubelet.js';
import { createKubernetesInstanceSource, openKubeAccess } from '../src/probes/kubernetes/kubernetes-instance-source.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { median } from './measure.js';
import { existsSync } from 'node:fs';
import path from 'node:path';

const PODS = 25;
const RUNS = 9;

type Figure = { name: string; value: string };

export async function benchKubernetes(): Promise<Figure[]> {
  if (!existsSync(path.join(kubeBinDir(), 'kube-apiserver'))) return [{ name: 'kubernetes: skipped', value: `no kube-apiserver in ${kubeBinDir()}` }];
  const t0 = performance.now();
  const [cluster, server] = await Promise.all([startCluster(), startPostgres({ maxConnections: 100 })]);
  const figures: Figure[] = [{ name: 'control plane and PostgreSQL started', value: `${((performance.now() - t0) / 1000).toFixed(1)} s` }];
  try {
    const ns = 'bench';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', [...READ_RULES, SCALE_RULE, { apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] }]);
    // Each exec answered at once with a Hyperf server's scan (master, manager, 2 workers): the figure is dbpool's and the API server's part.
    const scan = ['1 0 app.Master', '7 1 app.Manager', '8 7 app.Worker.0', '9 7 app.Worker.1'].join('\n') + '\n';
    const kubelet = await startStandInKubelet(cluster, async () => ({ stdout: scan, exitCode: 0 }));
    await registerNode(cluster, 'bench-node', kubelet.port);
    await cluster.api('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-pool' }, data: { DB_POOL_SIZE: '2', SWOOLE_WORKER_NUM: '2' } });
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: PODS, envFrom: [{ configMapRef: { name: 'app-pool' } }] });
    await nextSecond(cluster, ns, 'php-swoole-app');
    await createDeployment(cluster, ns, { name: 'php-swoole-app-new', replicas: PODS, envFrom: [{ configMapRef: { name: 'app-pool' } }] });
    let ip = 1;
    for (const name of ['php-swoole-app', 'php-swoole-app-new']) {
      for (const p of await podsOf(cluster, ns, name, PODS, 120_000)) {
        await bindPod(cluster, ns, p.metadata.name, 'bench-node');
        await setPodRunning(cluster, ns, p.metadata.name, `127.0.1.${ip++}`);
      }
    }
    const config = loadConfig({
      DATABASE_URL: server.url(),
      DBPOOL_INSTANCE_SOURCE: 'kubernetes',
      DBPOOL_KUBECONFIG: await cluster.kubeconfig('dbpool', ns),
      APP_K8S_SELECTOR: 'app=php-swoole-app',
      APP_EXPECTED_INSTANCES: String(PODS),
      DBPOOL_APPROVERS: 'U_BENCH',
      DBPOOL_VERIFY_DELAY_SECONDS: '0',
      DBPOOL_LOG_LEVEL: 'silent',
    });
    const services = await createServices(config, silentLogger(), { stateFile: ':memory:', metrics: false });
    try {
      const source = services.instanceSources[0]!;
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        const obs = await source.observe();
        times.push(performance.now() - t);
        if (obs.instances.length !== 2 * PODS) throw new Error(`observed ${obs.instances.length} pods`);
      }
      figures.push({ name: `observe ${2 * PODS} pods of 2 Deployments (median of ${RUNS})`, value: `${median(times).toFixed(1)} ms` });
      const execConfig = { ...config, kubernetes: { ...config.kubernetes, exec: true } };
      const access = await openKubeAccess(execConfig);
      try {
        const withExec = createKubernetesInstanceSource(execConfig, access, silentLogger());
        const execTimes: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t = performance.now();
          const obs = await withExec.observe();
          execTimes.push(performance.now() - t);
          if (obs.instances.some((p) => p.processes?.length !== 4)) throw new Error('a pod without its 4 processes');
        }
        figures.push({ name: `the same with DBPOOL_K8S_EXEC (${2 * PODS} execs through the API server, median of ${RUNS})`, value: `${median(execTimes).toFixed(1)} ms` });
      } finally {
        access.client?.close();
        await kubelet.stop();
      }
      const flow = services.remediation!;
      const planned = flow.request('stop_extra', await services.diagnoser!.diagnose('status'), { kind: 'slack', id: 'U_BENCH' });
      if (!planned.ok) throw new Error(`no plan: ${planned.reason}`);
      const t = performance.now();
      const result = await flow.approve(planned.plan.id, { kind: 'slack', id: 'U_BENCH' });
      if (!result.ok) throw new Error(result.reason);
      figures.push({ name: `scale ${PODS} -> 0 accepted by the API server`, value: `${(performance.now() - t).toFixed(0)} ms` });
      const check = await result.verification;
      const converged = check.kind === 'verified' && check.convergence?.converged;
      figures.push({ name: 'until the ReplicaSet converged (the check after it)', value: `${((performance.now() - t) / 1000).toFixed(1)} s${converged ? '' : ' (not converged)'}` });
    } finally {
      await services.close();
    }
  } finally {
    await Promise.all([cluster.stop(), server.stop()]);
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchKubernetes()) console.log(`${f.name}: ${f.value}`);
}
