/**
 * deploy/kubernetes/ applied to a real API server: the ServiceAccount and role.yaml are exactly
 * enough to read the app (pods, ReplicaSets, Deployments, ConfigMaps), role-scale.yaml exactly
 * enough to scale, role-exec.yaml the opt-in exec and nothing else, and dbpool's Deployment names
 * what the config schema knows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { envSchema, loadConfig } from '../../src/config.js';
import { createDeploymentScaler } from '../../src/probes/kubernetes/deployment-scaler.js';
import { openKubeAccess } from '../../src/probes/kubernetes/kubernetes-instance-source.js';
import { kubeSkipReason, startCluster, type TestCluster } from '../helpers/kube-apiserver.js';
import { createDeployment, eventually, podsOf, setPodRunning } from '../helpers/kube-app.js';
import { kubeConfig, observeCluster } from '../probes/kubernetes/fixtures.js';

const dir = new URL('../../deploy/kubernetes/', import.meta.url);
const manifests = (file: string) => parseAllDocuments(readFileSync(new URL(file, dir), 'utf8')).map((d) => d.toJSON() as { kind: string; metadata: { name: string }; [k: string]: unknown });
const skip = kubeSkipReason();

describe('deploy/kubernetes', () => {
  it("dbpool's Deployment runs as the ServiceAccount and sets only variables of the config schema", () => {
    expect(readdirSync(dir).sort()).toEqual(['deployment.yaml', 'role-exec.yaml', 'role-scale.yaml', 'role.yaml', 'serviceaccount.yaml']);
    const [d] = manifests('deployment.yaml') as unknown as { spec: { template: { spec: { serviceAccountName: string; containers: { env: { name: string; value: string }[] }[] } } } }[];
    const pod = d!.spec.template.spec;
    expect(pod.serviceAccountName).toBe(manifests('serviceaccount.yaml')[0]?.metadata.name);
    const env = Object.fromEntries(pod.containers[0]!.env.map((e) => [e.name, e.value]));
    for (const name of Object.keys(env)) expect(Object.keys(envSchema.shape)).toContain(name);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('pods/exec is granted by role-exec.yaml alone, and dbpool does not use it unless DBPOOL_K8S_EXEC is on', () => {
    const resources = (file: string) => manifests(file).flatMap((m) => ((m.rules ?? []) as { resources: string[] }[]).flatMap((r) => r.resources));
    expect(resources('role.yaml')).not.toContain('pods/exec');
    expect(resources('role-scale.yaml')).not.toContain('pods/exec');
    expect(manifests('role-exec.yaml').find((m) => m.kind === 'Role')?.rules).toEqual([{ apiGroups: [''], resources: ['pods/exec'], verbs: ['get', 'create'] }]);
    expect(loadConfig({}).kubernetes.exec).toBe(false);
  });

  describe.skipIf(skip !== null)('on a real API server', () => {
    let cluster: TestCluster;
    beforeAll(async () => {
      cluster = await startCluster();
    }, 120_000);
    afterAll(async () => {
      await cluster?.stop();
    });

    const apply = async (ns: string, file: string) => {
      for (const m of manifests(file)) {
        const path = m.kind === 'ServiceAccount' ? `/api/v1/namespaces/${ns}/serviceaccounts` : `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/${m.kind.toLowerCase()}s`;
        await cluster.api('POST', path, m);
      }
    };

    it('role.yaml reads the app as the ServiceAccount; scaling needs role-scale.yaml, and nothing more', async () => {
      const ns = 'manifests';
      await cluster.namespace(ns);
      await apply(ns, 'serviceaccount.yaml');
      await apply(ns, 'role.yaml');
      await cluster.api('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-pool' }, data: { DB_POOL_SIZE: '5', SWOOLE_WORKER_NUM: '4' } });
      await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 2, envFrom: [{ configMapRef: { name: 'app-pool' } }] });
      const pods = await podsOf(cluster, ns, 'php-swoole-app', 2);
      await Promise.all(pods.map((p, i) => setPodRunning(cluster, ns, p.metadata.name, `127.0.0.${101 + i}`)));
      // The token controller gives the ServiceAccount its token, as it would mount it in dbpool's pod.
      const secret = await eventually(
        'the ServiceAccount token',
        async () => (await cluster.api<{ items: { type: string; metadata: { annotations?: Record<string, string> }; data?: { token?: string } }[] }>('GET', `/api/v1/namespaces/${ns}/secrets`)).items,
        (items) => items.some((s) => s.type === 'kubernetes.io/service-account-token' && s.metadata.annotations?.['kubernetes.io/service-account.name'] === 'dbpool' && s.data?.token),
      );
      const token = Buffer.from(secret.find((s) => s.metadata.annotations?.['kubernetes.io/service-account.name'] === 'dbpool')!.data!.token!, 'base64').toString();
      const config = kubeConfig(await cluster.kubeconfig({ token }, ns));

      const obs = await observeCluster(config);
      expect(obs.error).toBeUndefined();
      expect(obs.instances.map((i) => [i.poolSize.value, i.workerNum.value, i.errors.length])).toEqual([
        [5, 4, 0],
        [5, 4, 0],
      ]);

      const access = await openKubeAccess(config);
      try {
        const scaler = createDeploymentScaler(config, access);
        const d = await cluster.api<{ metadata: { creationTimestamp: string } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/php-swoole-app`);
        const target = { id: `${ns}/php-swoole-app`, name: 'php-swoole-app', location: access.location, createdAt: d.metadata.creationTimestamp };
        expect(await scaler.scale(target, 1, 2)).toMatchObject({ outcome: 'refused', reason: 'not_permitted' });
        await apply(ns, 'role-scale.yaml');
        await eventually('the scale allowed', () => scaler.scale(target, 1, 2), (o) => o.outcome === 'scaled');
        expect((await cluster.api<{ spec: { replicas: number } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/php-swoole-app`)).spec.replicas).toBe(1);
      } finally {
        access.client?.close();
      }
    });
  });
});
