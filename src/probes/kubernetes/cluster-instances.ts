import type { Config } from '../../config.js';
import type { AppInstance, AppService, KubernetesReplicaSet, ProbeError, SettingValue } from '../../core/facts.js';
import { readDbEndpoint } from '../read-db-endpoint.js';
import { readPoolSettings, type PoolSettings } from '../read-pool-setting.js';
import { controllerOf, revisionOf, type Deployment, type Pod, type ReplicaSet } from './kube-objects.js';
import { resolveEnvironment, type ConfigMapRead, type ContainerEnvSpec } from './pod-environment.js';
import type { ExecTarget } from './pod-processes.js';
import type { ClusterRead } from './read-cluster.js';

interface Context {
  app: Config['app'];
  /** Cluster label and namespace, as the reports name the place. */
  location: string;
  namespace: string;
  /** Without a label selector: the app is the Deployments (or bare pods) whose name matches this. */
  namePattern: RegExp | null;
}

/**
 * The cluster's objects as the facts every source produces: a pod is an instance, its Deployment
 * the service (through its ReplicaSet, by owner references), with the revision each pod runs.
 * Pool settings come from each pod's own spec (an old ReplicaSet's pods keep the old template),
 * workers labelled as configured: no process list is read through the API. The running pods' app
 * containers are the exec targets, for DBPOOL_K8S_EXEC.
 */
export function clusterInstances(read: ClusterRead, ctx: Context): { instances: AppInstance[]; services: AppService[]; execTargets: ExecTarget[] } {
  const rsByUid = new Map(read.replicaSets.map((r) => [r.metadata.uid, r]));
  const deployOfRs = (rs: ReplicaSet | undefined) => (rs ? controllerOf(rs.metadata, 'Deployment') : null);
  const deployByUid = new Map(read.deployments.map((d) => [d.metadata.uid, d]));
  const instances: AppInstance[] = [];
  const execTargets: ExecTarget[] = [];
  const podsOf = new Map<string, Pod[]>();
  for (const pod of read.pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const owner = controllerOf(pod.metadata, 'ReplicaSet');
    const rs = owner ? rsByUid.get(owner.uid) : undefined;
    const dep = deployOfRs(rs);
    const deployment = dep ? deployByUid.get(dep.uid) : undefined;
    if (ctx.namePattern && !ctx.namePattern.test(deployment?.metadata.name ?? pod.metadata.name)) continue;
    if (deployment) podsOf.set(deployment.metadata.uid, [...(podsOf.get(deployment.metadata.uid) ?? []), pod]);
    const { instance, container } = podInstance(pod, rs, deployment, read.configMaps, ctx);
    instances.push(instance);
    // A terminating pod still runs (and holds its pools) until its containers stop.
    if (phase === 'Running' && container) execTargets.push({ id: instance.id, pod: pod.metadata.name, container });
  }
  const services = read.deployments
    .filter((d) => podsOf.has(d.metadata.uid) || read.replicaSets.some((r) => deployOfRs(r)?.uid === d.metadata.uid))
    .filter((d) => !ctx.namePattern || ctx.namePattern.test(d.metadata.name))
    .map((d) => deploymentService(d, read.replicaSets.filter((r) => deployOfRs(r)?.uid === d.metadata.uid), instances, read.configMaps, ctx));
  return { instances, services, execTargets };
}

function podInstance(pod: Pod, rs: ReplicaSet | undefined, deployment: Deployment | undefined, configMaps: ReadonlyMap<string, ConfigMapRead>, ctx: Context): { instance: AppInstance; container: string | undefined } {
  const { settings, env, errors, container } = containerSettings(pod.spec.containers, configMaps, ctx.app);
  const addresses = [...new Set([pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)].filter((a): a is string => Boolean(a)))];
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const instance: AppInstance = {
    id: pod.metadata.uid,
    name: pod.metadata.name,
    source: 'kubernetes',
    location: ctx.location,
    ...(container?.image ? { image: container.image } : {}),
    ...(pod.metadata.creationTimestamp ? { createdAt: pod.metadata.creationTimestamp } : {}),
    ...(pod.status?.startTime ? { startedAt: pod.status.startTime } : {}),
    state: podState(pod),
    health: ready ? 'ready' : 'not ready',
    ...settings,
    processes: null,
    addresses,
    dbEndpoint: readDbEndpoint(env),
    ...(deployment
      ? { service: { kind: 'kubernetes' as const, id: `${ctx.namespace}/${deployment.metadata.name}`, name: deployment.metadata.name, slot: null, replicaSet: { name: rs!.metadata.name, revision: revisionOf(rs!.metadata) } } }
      : {}),
    node: pod.spec.nodeName ?? null,
    errors,
  };
  return { instance, container: container?.name };
}

/** Running as the kubelet reported it; a pod being deleted holds its connections but is on its way out. */
function podState(pod: Pod): string {
  if (pod.metadata.deletionTimestamp) return 'terminating';
  return (pod.status?.phase ?? 'pending').toLowerCase();
}

function deploymentService(d: Deployment, replicaSets: ReplicaSet[], instances: AppInstance[], configMaps: ReadonlyMap<string, ConfigMapRead>, ctx: Context): AppService {
  const id = `${ctx.namespace}/${d.metadata.name}`;
  const pods = instances.filter((i) => i.service?.id === id);
  const { settings, container } = containerSettings(d.spec.template.spec.containers, configMaps, ctx.app);
  const sets: KubernetesReplicaSet[] = replicaSets
    .map((r) => ({
      name: r.metadata.name,
      revision: revisionOf(r.metadata),
      desired: r.spec.replicas ?? 0,
      ready: r.status?.readyReplicas ?? 0,
      pods: pods.filter((p) => p.state === 'running' && p.service?.replicaSet?.name === r.metadata.name).length,
      createdAt: r.metadata.creationTimestamp ?? null,
    }))
    // Old revisions kept for `rollout undo` at 0 replicas are history, not part of the picture.
    .filter((r) => r.desired > 0 || r.pods > 0 || r.ready > 0)
    .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0));
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  return {
    kind: 'kubernetes',
    id,
    name: d.metadata.name,
    location: ctx.location,
    mode: 'replicated',
    desiredReplicas: d.spec.replicas ?? 1,
    createdAt: d.metadata.creationTimestamp ?? null,
    updatedAt: progressing?.lastUpdateTime ?? null,
    image: container?.image ?? null,
    // Not a lock (the scale subresource is patched with the count only), but shown as the spec's generation.
    version: d.metadata.generation ?? null,
    poolSize: asSpec(settings.poolSize),
    workerNum: asSpec(settings.workerNum),
    taskWorkerNum: asSpec(settings.taskWorkerNum),
    replicas: pods.map((p) => ({ id: p.id, slot: null, node: p.node ?? null, state: p.state, desiredState: 'running', containerId: null, createdAt: p.createdAt ?? null })),
    kubernetes: {
      namespace: ctx.namespace,
      revision: revisionOf(d.metadata),
      replicaSets: sets,
      progressDeadlineExceeded: progressing?.reason === 'ProgressDeadlineExceeded',
      paused: d.spec.paused === true,
    },
  };
}

/** The app's container: the first that sets the pool size (or cannot say), else the first. */
function containerSettings(
  containers: ContainerEnvSpec[],
  configMaps: ReadonlyMap<string, ConfigMapRead>,
  app: Config['app'],
): { settings: PoolSettings; env: Map<string, string>; errors: ProbeError[]; container: ContainerEnvSpec | undefined } {
  const resolved = containers.map((c) => ({ c, r: resolveEnvironment(c, configMaps) }));
  const pick = resolved.find(({ r }) => r.vars.has(app.poolSizeVar) || r.unread.has(app.poolSizeVar)) ?? resolved[0];
  if (!pick) return { settings: readPoolSettings(null, app, 'the pod has no container'), env: new Map(), errors: [], container: undefined };
  const { c, r } = pick;
  const base = readPoolSettings(r.vars, app);
  const unread = (v: SettingValue, variable: string): SettingValue =>
    v.origin === 'unknown' && r.unread.has(variable) ? { value: null, origin: 'unknown', reason: `${variable}: ${r.unread.get(variable)}` } : v;
  const settings: PoolSettings = {
    poolSize: unread(base.poolSize, app.poolSizeVar),
    // Configured: what runs is measured only through pods/exec (DBPOOL_K8S_EXEC), then processes win.
    workerNum: asSpec(unread(base.workerNum, app.workerNumVar)),
    taskWorkerNum: r.unread.has(app.taskWorkerNumVar) ? { value: null, origin: 'unknown', reason: `${app.taskWorkerNumVar}: ${r.unread.get(app.taskWorkerNumVar)}` } : asSpec(base.taskWorkerNum),
  };
  return { settings, env: r.vars, errors: r.errors, container: c };
}

function asSpec(v: SettingValue): SettingValue {
  return v.origin === 'env' ? { value: v.value, origin: 'spec' } : v;
}
