/** How a Docker engine's containers are tied to their services (issue #13), from the labels Swarm and Compose set. */
import { describe, expect, it } from 'vitest';
import type { AppService } from '../../../src/core/facts.js';
import { attachServices } from '../../../src/probes/docker/attach-services.js';
import { instance } from '../../fixtures/facts.js';

const ENGINE = 'unix:///var/run/docker.sock';
const service: AppService = {
  kind: 'swarm',
  id: 'svc1',
  name: 'php_swoole_app',
  location: ENGINE,
  mode: 'replicated',
  desiredReplicas: 2,
  createdAt: '2026-11-20T08:00:00.000Z',
  updatedAt: '2026-11-21T08:00:00.000Z',
  image: 'madras/app:2.4',
  version: 42,
  poolSize: { value: 30, origin: 'spec' },
  workerNum: { value: 4, origin: 'spec' },
  taskWorkerNum: { value: 0, origin: 'spec' },
  replicas: [
    { id: 'task1', slot: 1, node: 'app1', state: 'running', desiredState: 'running', containerId: 'c1', createdAt: '2026-11-21T08:00:01.000Z' },
    { id: 'task2', slot: 2, node: 'app2', state: 'running', desiredState: 'running', containerId: 'c2', createdAt: '2026-11-21T08:00:02.000Z' },
    { id: 'task3', slot: 3, node: 'app2', state: 'starting', desiredState: 'running', containerId: 'c3', createdAt: '2026-11-21T08:00:03.000Z' },
  ],
};
const taskLabels = (task: string, slot: number) => ({
  'com.docker.swarm.service.id': 'svc1',
  'com.docker.swarm.service.name': 'php_swoole_app',
  'com.docker.swarm.task.id': task,
  'com.docker.swarm.task.name': `php_swoole_app.${slot}.${task}`,
  'com.docker.swarm.node.id': 'nodeid1',
});
const container = (id: string, name: string, labels: Record<string, string>) => ({ id, name, image: 'x', state: 'running', createdAt: '2026-11-21T08:00:00.000Z', labels });

describe('attachServices', () => {
  it('a task here gets its service, slot and node; a running task elsewhere is counted from the spec; one still starting is not', () => {
    const here = instance({ id: 'c1', name: 'php_swoole_app.1.task1' });
    const out = attachServices([here], [container('c1', here.name, taskLabels('task1', 1))], { manager: true, services: [service] }, ENGINE);
    expect(out.services).toEqual([service]);
    expect(out.instances.map((i) => [i.id, i.service, i.node])).toEqual([
      ['c1', { kind: 'swarm', id: 'svc1', name: 'php_swoole_app', slot: 1 }, 'app1'],
      ['c2', { kind: 'swarm', id: 'svc1', name: 'php_swoole_app', slot: 2 }, 'app2'],
    ]);
    expect(out.instances[1]).toMatchObject({
      name: 'php_swoole_app.2.task2',
      processes: null,
      poolSize: { value: 30, origin: 'spec' },
      workerNum: { value: 4, origin: 'spec' },
      createdAt: '2026-11-21T08:00:02.000Z',
      image: 'madras/app:2.4',
    });
    expect(out.swarmUnread).toBeUndefined();
  });

  it('a task here whose inspect failed takes the spec\'s settings instead of unknown', () => {
    const failed = instance({ id: 'c1', poolSize: { value: null, origin: 'unknown', reason: 'inspect failed' }, workerNum: { value: 2, origin: 'fallback' } });
    const out = attachServices([failed], [container('c1', 'php_swoole_app.1.task1', taskLabels('task1', 1))], { manager: true, services: [service] }, ENGINE);
    expect(out.instances[0]).toMatchObject({ poolSize: { value: 30, origin: 'spec' }, workerNum: { value: 4, origin: 'spec' } });
  });

  it('Compose containers are grouped per project and service, with the files `compose up` reads', () => {
    const labels = (service: string, n: string, created: string) => ({
      'com.docker.compose.project': 'madras',
      'com.docker.compose.service': service,
      'com.docker.compose.container-number': n,
      'com.docker.compose.project.config_files': '/srv/madras/compose.yml,/srv/madras/compose.prod.yml',
      'com.docker.compose.project.working_dir': '/srv/madras',
      created,
    });
    const a = instance({ id: 'a', name: 'madras-app-1', createdAt: '2026-11-21T08:00:00.000Z' });
    const b = instance({ id: 'b', name: 'madras-app-2', createdAt: '2026-11-20T08:00:00.000Z' });
    const out = attachServices([a, b], [container('a', a.name, labels('app', '1', '')), container('b', b.name, labels('app', '2', ''))], null, ENGINE);
    expect(out.instances.map((i) => i.service)).toEqual([
      { kind: 'compose', id: 'madras/app', name: 'app', slot: 1 },
      { kind: 'compose', id: 'madras/app', name: 'app', slot: 2 },
    ]);
    expect(out.services).toMatchObject([
      {
        kind: 'compose',
        id: 'madras/app',
        mode: 'containers',
        desiredReplicas: null,
        createdAt: '2026-11-20T08:00:00.000Z',
        compose: { project: 'madras', service: 'app', configFiles: ['/srv/madras/compose.yml', '/srv/madras/compose.prod.yml'], workingDir: '/srv/madras' },
      },
    ]);
    expect(out.services?.[0]?.replicas.map((r) => r.slot)).toEqual([1, 2]);
  });

  it('a worker engine: the tasks keep their service from the labels, and the unread services are said; outside a swarm nothing is', () => {
    const t = instance({ id: 'c1' });
    const worker = attachServices([t], [container('c1', 'php_swoole_app.1.task1', taskLabels('task1', 1))], { manager: false, reason: 'not_manager', message: 'not a manager' }, ENGINE);
    expect(worker.instances[0]?.service).toEqual({ kind: 'swarm', id: 'svc1', name: 'php_swoole_app', slot: 1 });
    expect(worker.swarmUnread).toEqual({ reason: 'not_manager', message: 'not a manager', services: ['php_swoole_app'] });
    const plain = attachServices([instance()], [container('c0ffee', 'php_swoole_app_new', {})], { manager: false, reason: 'not_manager', message: 'no swarm' }, ENGINE);
    expect(plain.swarmUnread).toBeUndefined();
    expect(plain.instances[0]?.service).toBeUndefined();
  });
});
