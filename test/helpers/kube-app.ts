/**
 * The app in the test cluster: Deployments of php-swoole-app as a team writes them, their pods set
 * running the way a kubelet would (phase, Ready, podIP through pods/<name>/status), and the Roles
 * dbpool gets. Everything through the real API server as admin.
 */
import type { TestCluster } from './kube-apiserver.js';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: object;
}

export interface AppDeployment {
  name: string;
  replicas: number;
  env?: EnvVar[];
  envFrom?: object[];
  image?: string;
  labels?: Record<string, string>;
  /** Surge 1, none unavailable: a new pod that never gets ready keeps the old ReplicaSet running. */
  progressDeadlineSeconds?: number;
}

export const APP_LABELS = { app: 'php-swoole-app' };

/** The seed incident's pool settings: 4 workers with a pool of 5 each. */
export const SEED_POOL_ENV: EnvVar[] = [
  { name: 'DB_POOL_SIZE', value: '5' },
  { name: 'SWOOLE_WORKER_NUM', value: '4' },
];

export function deploymentManifest(d: AppDeployment): object {
  const labels = { ...APP_LABELS, ...d.labels, deployment: d.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: d.name, labels },
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: { deployment: d.name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      ...(d.progressDeadlineSeconds ? { progressDeadlineSeconds: d.progressDeadlineSeconds } : {}),
      template: {
        metadata: { labels },
        spec: {
          containers: [{ name: 'app', image: d.image ?? 'registry.example/php-swoole-app:1.0', env: d.env ?? [], envFrom: d.envFrom ?? [] }],
        },
      },
    },
  };
}

interface PodItem {
  metadata: { name: string; creationTimestamp: string; ownerReferences?: { kind: string; name: string }[]; labels?: Record<string, string> };
  status?: { phase?: string; podIP?: string };
}

export async function createDeployment(cluster: TestCluster, namespace: string, d: AppDeployment): Promise<void> {
  await cluster.api('POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, deploymentManifest(d));
}

/** The pods the ReplicaSet controller made for a Deployment, once there are `count` of them. */
export async function podsOf(cluster: TestCluster, namespace: string, deployment: string, count: number, timeoutMs = 30_000): Promise<PodItem[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = await cluster.api<{ items: PodItem[] }>('GET', `/api/v1/namespaces/${namespace}/pods?labelSelector=deployment%3D${deployment}`);
    const pods = list.items.filter((p) => !('deletionTimestamp' in p.metadata)).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    if (pods.length === count) return pods;
    if (Date.now() > until) throw new Error(`${deployment}: ${pods.length} pods, not ${count}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a kubelet reports for a started container: Running, with an IP, Ready or not. */
export async function setPodRunning(cluster: TestCluster, namespace: string, pod: string, ip: string, ready = true): Promise<void> {
  const now = new Date().toISOString();
  await cluster.api(
    'PATCH',
    `/api/v1/namespaces/${namespace}/pods/${pod}/status`,
    {
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        startTime: now,
        conditions: [
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
          { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
        ],
      },
    },
    'application/merge-patch+json',
  );
}

/**
 * Creation times have a resolution of one second: a Deployment meant to be newer than another is
 * created once the clock has passed the other's second.
 */
export async function nextSecond(cluster: TestCluster, namespace: string, deployment: string): Promise<void> {
  const d = await cluster.api<{ metadata: { creationTimestamp: string } }>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${deployment}`);
  const after = Date.parse(d.metadata.creationTimestamp) + 1000;
  await eventually('the next second', async () => Date.now(), (now) => now >= after, 5_000);
}

/** Polls a condition of the cluster until it holds (a controller's work is asynchronous). */
export async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`${what}: not so after ${timeoutMs} ms (last: ${JSON.stringify(v).slice(0, 300)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** The read rules of deploy/kubernetes/role.yaml. */
export const READ_RULES: Rule[] = [
  { apiGroups: [''], resources: ['pods', 'configmaps'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: ['get', 'list', 'watch'] },
];
export const SCALE_RULE: Rule = { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] };

/** A Role with these rules bound to a token user, in one namespace. */
export async function grant(cluster: TestCluster, namespace: string, user: string, rules: Rule[], name = `${user}-role`): Promise<void> {
  await cluster.api('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules });
  await cluster.api('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  });
}
