import type { AppInstance, AppService, InstanceObservation, SettingValue } from '../../core/facts.js';
import type { AppContainer } from './list-app-containers.js';
import type { SwarmRead } from './swarm-services.js';

const SWARM = {
  serviceId: 'com.docker.swarm.service.id',
  serviceName: 'com.docker.swarm.service.name',
  taskName: 'com.docker.swarm.task.name',
  nodeId: 'com.docker.swarm.node.id',
};
const COMPOSE = {
  project: 'com.docker.compose.project',
  service: 'com.docker.compose.service',
  number: 'com.docker.compose.container-number',
  configFiles: 'com.docker.compose.project.config_files',
  workingDir: 'com.docker.compose.project.working_dir',
};

type Attached = Pick<InstanceObservation, 'instances' | 'services' | 'swarmUnread'>;

/**
 * Ties each container to what manages it, from the labels Swarm and Compose set, and completes a
 * Swarm service with the replicas this engine cannot look into (tasks on other nodes): those count
 * with the pool settings of the service's spec, labelled so, and no process list.
 */
export function attachServices(instances: AppInstance[], containers: AppContainer[], swarm: SwarmRead | null, engine: string): Attached {
  const labelsOf = new Map(containers.map((c) => [c.id, c.labels ?? {}]));
  const swarmServices = swarm?.manager ? swarm.services : [];
  const nodeOf = new Map(swarmServices.flatMap((s) => s.replicas.flatMap((r) => (r.containerId ? [[r.containerId, r.node] as const] : []))));
  const slotOf = new Map(swarmServices.flatMap((s) => s.replicas.flatMap((r) => (r.containerId ? [[r.containerId, r.slot] as const] : []))));
  const composeServices = new Map<string, AppService>();

  const attached = instances.map((i): AppInstance => {
    const labels = labelsOf.get(i.id) ?? {};
    const serviceId = labels[SWARM.serviceId];
    if (serviceId) {
      const spec = swarmServices.find((s) => s.id === serviceId);
      return {
        ...i,
        service: { kind: 'swarm', id: serviceId, name: labels[SWARM.serviceName] ?? spec?.name ?? serviceId, slot: slotOf.get(i.id) ?? slotFromTaskName(labels[SWARM.taskName]) },
        node: nodeOf.get(i.id) ?? labels[SWARM.nodeId] ?? null,
        // A task whose container could not be inspected still has its service's spec.
        ...(spec ? withSpecSettings(i, spec) : {}),
      };
    }
    const project = labels[COMPOSE.project];
    const service = labels[COMPOSE.service];
    if (project && service) {
      const id = `${project}/${service}`;
      const group = composeServices.get(id) ?? composeService(id, project, service, labels, engine);
      composeServices.set(id, group);
      group.replicas.push({ id: i.id, slot: numberOrNull(labels[COMPOSE.number]), node: null, state: i.state, desiredState: 'running', containerId: i.id, createdAt: i.createdAt ?? null });
      if (i.createdAt && (!group.createdAt || i.createdAt < group.createdAt)) group.createdAt = i.createdAt;
      group.image ??= i.image ?? null;
      return { ...i, service: { kind: 'compose', id, name: service, slot: numberOrNull(labels[COMPOSE.number]) } };
    }
    return i;
  });

  // Tasks that run, but not here: on another node (or hidden from this engine).
  const here = new Set(instances.map((i) => i.id));
  const remote = swarmServices.flatMap((s) =>
    s.replicas
      .filter((r) => r.state === 'running' && !(r.containerId && here.has(r.containerId)))
      .map((r): AppInstance => ({
        id: r.containerId ?? `task:${r.id}`,
        // As Swarm names the container: service.slot.task (service.node.task in global mode).
        name: `${s.name}.${r.slot ?? r.node ?? '?'}.${r.id}`,
        source: 'docker',
        location: engine,
        ...(s.image ? { image: s.image } : {}),
        ...(r.createdAt ? { createdAt: r.createdAt } : {}),
        state: 'running',
        poolSize: s.poolSize,
        workerNum: s.workerNum,
        taskWorkerNum: s.taskWorkerNum,
        processes: null,
        service: { kind: 'swarm', id: s.id, name: s.name, slot: r.slot },
        node: r.node,
        errors: [],
      })),
  );

  const out: Attached = { instances: [...attached, ...remote], services: [...swarmServices, ...composeServices.values()] };
  if (swarm && !swarm.manager) {
    const seen = [...new Set(attached.flatMap((i) => (i.service?.kind === 'swarm' ? [i.service.name] : [])))];
    // Only where the app's Swarm tasks run: outside a swarm (or behind a proxy refusing /services) nothing is missing.
    if (seen.length > 0) out.swarmUnread = { reason: swarm.reason, message: swarm.message, services: seen };
  }
  return out;
}

function withSpecSettings(i: AppInstance, spec: AppService): Pick<AppInstance, 'poolSize' | 'workerNum' | 'taskWorkerNum'> {
  const pick = (own: SettingValue, fromSpec: SettingValue) => (own.origin === 'unknown' || own.origin === 'fallback') && fromSpec.origin === 'spec' ? fromSpec : own;
  return { poolSize: pick(i.poolSize, spec.poolSize), workerNum: pick(i.workerNum, spec.workerNum), taskWorkerNum: pick(i.taskWorkerNum, spec.taskWorkerNum) };
}

function composeService(id: string, project: string, service: string, labels: Record<string, string>, engine: string): AppService {
  const unknown: SettingValue = { value: null, origin: 'unknown', reason: 'read per container' };
  return {
    kind: 'compose',
    id,
    name: service,
    location: engine,
    mode: 'containers',
    desiredReplicas: null,
    createdAt: null,
    updatedAt: null,
    image: null,
    version: null,
    poolSize: unknown,
    workerNum: unknown,
    taskWorkerNum: unknown,
    replicas: [],
    compose: {
      project,
      service,
      configFiles: (labels[COMPOSE.configFiles] ?? '').split(',').map((f) => f.trim()).filter(Boolean),
      workingDir: labels[COMPOSE.workingDir] || null,
    },
  };
}

function slotFromTaskName(name: string | undefined): number | null {
  return numberOrNull(name?.split('.')[1]);
}

function numberOrNull(s: string | undefined): number | null {
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : null;
}
