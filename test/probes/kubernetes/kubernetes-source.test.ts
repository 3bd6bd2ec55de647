/**
 * The app's pods read through a real API server (issue #18): Deployments and their ReplicaSets by
 * owner references, revisions, ready/desired, pool settings from the pod spec and its ConfigMaps
 * (never a Secret), and what a refusal or a stopped API server gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { createKubernetesInstanceSource, openKubeAccess } from '../../../src/probes/kubernetes/kubernetes-instance-source.js';
import { instanceSourcesFor } from '../../../src/services.js';
import { kubeSkipReason, startCluster, TOKENS, type TestCluster } from '../../helpers/kube-apiserver.js';
import { createDeployment, eventually, grant, podsOf, READ_RULES, SEED_POOL_ENV, setPodRunning } from '../../helpers/kube-app.js';
import { kubeConfig, observeCluster } from './fixtures.js';

const skip = kubeSkipReason();

describe.skipIf(skip !== null)('Kubernetes instance source (real kube-apiserver)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('two Deployments side by side: each pod under its Deployment and ReplicaSet, settings from the spec', async () => {
    const ns = 'side-by-side';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', READ_RULES);
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 1, env: SEED_POOL_ENV });
    await createDeployment(cluster, ns, { name: 'php-swoole-app-new', replicas: 1, env: [...SEED_POOL_ENV, { name: 'SWOOLE_TASK_WORKER_NUM', value: '2' }] });
    const [old] = await podsOf(cluster, ns, 'php-swoole-app', 1);
    const [fresh] = await podsOf(cluster, ns, 'php-swoole-app-new', 1);
    await setPodRunning(cluster, ns, old!.metadata.name, '127.0.0.11');
    await setPodRunning(cluster, ns, fresh!.metadata.name, '127.0.0.12');

    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns)));
    expect(obs.error).toBeUndefined();
    expect(obs.ok).toBe(true);
    expect(obs.source).toBe(`kubernetes test/${ns}`);
    const byName = new Map(obs.instances.map((i) => [i.service?.name, i]));
    const o = byName.get('php-swoole-app')!;
    expect(o).toMatchObject({
      name: old!.metadata.name,
      source: 'kubernetes',
      state: 'running',
      health: 'ready',
      addresses: ['127.0.0.11'],
      poolSize: { value: 5, origin: 'env' },
      workerNum: { value: 4, origin: 'spec' },
      taskWorkerNum: { value: 0, origin: 'spec' },
      processes: null,
      service: { kind: 'kubernetes', id: `${ns}/php-swoole-app`, name: 'php-swoole-app', replicaSet: { revision: 1 } },
    });
    expect(o.service?.replicaSet?.name).toMatch(/^php-swoole-app-[a-z0-9]+$/);
    expect(byName.get('php-swoole-app-new')?.taskWorkerNum).toEqual({ value: 2, origin: 'spec' });
    expect(obs.services?.map((s) => [s.name, s.desiredReplicas, s.kubernetes?.revision, s.kubernetes?.replicaSets.length]).sort()).toEqual([
      ['php-swoole-app', 1, 1, 1],
      ['php-swoole-app-new', 1, 1, 1],
    ]);
    const rs = obs.services?.find((s) => s.name === 'php-swoole-app')?.kubernetes?.replicaSets[0];
    await eventually('ready replicas', async () => (await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns)))).services?.find((s) => s.name === 'php-swoole-app')?.kubernetes?.replicaSets[0]?.ready, (r) => r === 1);
    expect(rs).toMatchObject({ revision: 1, desired: 1, pods: 1 });
  });

  it('env from a ConfigMap (envFrom and valueFrom), a Secret never read', async () => {
    const ns = 'configmap-env';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', READ_RULES);
    await cluster.api('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-pool' }, data: { DB_POOL_SIZE: '8', SWOOLE_WORKER_NUM: '2' } });
    await cluster.api('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-tasks' }, data: { tasks: '3' } });
    await cluster.api('POST', `/api/v1/namespaces/${ns}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-db' }, stringData: { DB_PASSWORD: 'not-for-dbpool' } });
    await createDeployment(cluster, ns, {
      name: 'php-swoole-app',
      replicas: 1,
      envFrom: [{ configMapRef: { name: 'app-pool' } }],
      env: [
        { name: 'SWOOLE_TASK_WORKER_NUM', valueFrom: { configMapKeyRef: { name: 'app-tasks', key: 'tasks' } } },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'app-db', key: 'DB_PASSWORD' } } },
      ],
    });
    const [pod] = await podsOf(cluster, ns, 'php-swoole-app', 1);
    await setPodRunning(cluster, ns, pod!.metadata.name, '127.0.0.21');
    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns)));
    expect(obs.instances[0]).toMatchObject({ poolSize: { value: 8, origin: 'env' }, workerNum: { value: 2, origin: 'spec' }, taskWorkerNum: { value: 3, origin: 'spec' }, errors: [] });
    expect(JSON.stringify(obs)).not.toContain('not-for-dbpool');

    // A pool size kept in a Secret stays unknown, with the reason.
    await createDeployment(cluster, ns, {
      name: 'php-swoole-app-secret',
      replicas: 1,
      env: [{ name: 'DB_POOL_SIZE', valueFrom: { secretKeyRef: { name: 'app-db', key: 'DB_PASSWORD' } } }],
    });
    const [hidden] = await podsOf(cluster, ns, 'php-swoole-app-secret', 1);
    await setPodRunning(cluster, ns, hidden!.metadata.name, '127.0.0.22');
    const again = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns)));
    expect(again.instances.find((i) => i.service?.name === 'php-swoole-app-secret')?.poolSize).toEqual({
      value: null,
      origin: 'unknown',
      reason: 'DB_POOL_SIZE: from Secret app-db (dbpool never reads Secrets)',
    });
  });

  it('a Role without list on pods: a 403 naming the rule to add, nothing else read', async () => {
    const ns = 'no-list';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'limited', [{ apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list'] }]);
    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('limited', ns)));
    expect(obs.ok).toBe(false);
    expect(obs.error).toMatchObject({ kind: 'permission_denied', code: '403', hint: { code: 'k8s_forbidden', verb: 'list', resource: 'pods', apiGroup: '', namespace: ns } });
    expect(obs.error?.message).toMatch(/cannot list resource "pods"/);
  });

  it('a ConfigMap it may not get: the pod is listed, the setting unknown, the rule named', async () => {
    const ns = 'no-configmaps';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }, READ_RULES[1]!]);
    await cluster.api('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-pool' }, data: { DB_POOL_SIZE: '8' } });
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 1, envFrom: [{ configMapRef: { name: 'app-pool' } }], env: [{ name: 'SWOOLE_WORKER_NUM', value: '4' }] });
    const [pod] = await podsOf(cluster, ns, 'php-swoole-app', 1);
    await setPodRunning(cluster, ns, pod!.metadata.name, '127.0.0.31');
    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns)));
    expect(obs.ok).toBe(true);
    const [inst] = obs.instances;
    expect(inst?.poolSize.origin).toBe('unknown');
    expect(inst?.errors[0]).toMatchObject({ kind: 'permission_denied', hint: { code: 'k8s_forbidden', verb: 'get', resource: 'configmaps' } });
  });

  it('client certificates from the kubeconfig work like a token', async () => {
    const ns = 'client-cert';
    await cluster.namespace(ns);
    // The test CA's client certificate is CN=client: that is the user RBAC sees.
    await grant(cluster, ns, 'client', READ_RULES);
    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('client-certificate', ns)));
    expect(obs).toMatchObject({ ok: true, instances: [] });
  });

  it('inside a cluster, `auto` reads the pods with the service account (token, ca.crt, namespace)', async () => {
    const ns = 'in-cluster';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', READ_RULES);
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 1, env: SEED_POOL_ENV });
    await podsOf(cluster, ns, 'php-swoole-app', 1);
    // What the kubelet mounts: this test's token user stands in for the pod's service account token.
    const dir = await mkdtemp(path.join(cluster.dir, 'sa-'));
    await writeFile(path.join(dir, 'token'), `${TOKENS.dbpool}\n`);
    await writeFile(path.join(dir, 'ca.crt'), cluster.ca);
    await writeFile(path.join(dir, 'namespace'), ns);
    const url = new URL(cluster.server);
    const config = loadConfig({ DBPOOL_INSTANCE_SOURCE: 'auto', KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port, APP_K8S_SELECTOR: 'app=php-swoole-app' });
    const logger = createLogger({ logLevel: 'silent' });
    // `auto` in a cluster is the Kubernetes source (here without the kubelet's mount: it says so when observed).
    const [source] = await instanceSourcesFor(config, logger);
    expect(source?.name).toMatch(/^kubernetes /);
    expect(await source?.observe()).toMatchObject({ ok: false, error: { message: expect.stringMatching(/holds no service account/) } });
    // The same source, built on the test's service account directory.
    const access = await openKubeAccess(config, { serviceAccountDir: dir });
    try {
      const obs = await createKubernetesInstanceSource(config, access, logger).observe();
      expect(obs).toMatchObject({ ok: true, source: `kubernetes in-cluster/${ns}` });
      // Created, not running: no kubelet has reported it.
      expect(obs.instances.map((i) => i.state)).toEqual(['pending']);
    } finally {
      access.client?.close();
    }
  });
});
