/**
 * A single-node Docker Swarm on the test engine, and the PHP app as Swarm services on it: the same
 * busybox image with the host's PHP bind-mounted, the host's network (Networks target "host"), so
 * every task reaches the test PostgreSQL on 127.0.0.1. No vitest imports.
 *
 * The engine is shared: the swarm is created only if the engine is not a manager already, and left
 * only by whoever created it. Services carry this run's label and name prefix; removeAll() removes
 * them and waits until their task containers are gone.
 */
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import { forwardToTestEngine, testDocker } from './docker-engine.js';
import { ensureTestImage, findHostPhp, hostPhpBinds, RUN_LABEL, TEST_IMAGE, TEST_LABEL, waitForLog } from './php-app-containers.js';

/** Whether this engine is a manager, can become one, or why not (for dockerSkipReason). */
export async function swarmSkipReason(): Promise<string | null> {
  let info: { Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean } };
  try {
    info = (await testDocker().info()) as typeof info;
  } catch (err) {
    return `docker info failed: ${(err as Error).message}`;
  }
  const state = info.Swarm?.LocalNodeState ?? 'inactive';
  if (state === 'active' && !info.Swarm?.ControlAvailable) return 'the test engine is a Swarm worker, not a manager';
  if (state !== 'active' && state !== 'inactive') return `the test engine's Swarm state is ${state}`;
  return null;
}

export interface AppServiceSpec {
  /** Without this run's prefix. */
  name: string;
  replicas: number;
  env: Record<string, string>;
  labels?: Record<string, string>;
  /** On the service only, not on its containers. */
  serviceLabels?: Record<string, string>;
}

export interface TaskInfo {
  id: string;
  slot: number;
  containerId: string;
  state: string;
}

export class TestSwarm {
  readonly runId = `${Date.now().toString(36)}${randomUUID().slice(0, 4)}`;
  readonly prefix = `dbpool-${this.runId}-`;
  private created = false;

  constructor(readonly docker: Docker = testDocker()) {}

  /** The name pattern that matches this run's services (and their task containers) only. */
  pattern(base = 'php_swoole'): string {
    return `^${this.prefix}${base}`;
  }

  /** `docker swarm init --advertise-addr 127.0.0.1`, unless the engine is a manager already. */
  async ensureManager(): Promise<void> {
    const info = (await this.docker.info()) as { Swarm?: { LocalNodeState?: string } };
    if (info.Swarm?.LocalNodeState === 'active') return;
    await this.docker.swarmInit({ ListenAddr: '127.0.0.1:2377', AdvertiseAddr: '127.0.0.1' });
    this.created = true;
  }

  /** `docker swarm leave --force`, only when this run created the swarm. */
  async leaveIfCreated(): Promise<void> {
    if (!this.created) return;
    await this.docker.swarmLeave({ force: true });
    this.created = false;
  }

  /** `docker service create --network host --mount type=bind,... php server.php`; resolves when every replica holds its pools. */
  async createApp(spec: AppServiceSpec): Promise<{ id: string; name: string }> {
    const found = await findHostPhp();
    if ('reason' in found) throw new Error(found.reason);
    await ensureTestImage(this.docker);
    const name = `${this.prefix}${spec.name}`;
    const labels = { [TEST_LABEL]: '1', [RUN_LABEL]: this.runId, ...spec.labels };
    const mounts = (await hostPhpBinds(found.php)).map((b) => {
      const [source, target] = b.split(':');
      return { Type: 'bind', Source: source, Target: target, ReadOnly: true };
    });
    const service = (await this.docker.createService({
      Name: name,
      Labels: { ...labels, ...spec.serviceLabels },
      TaskTemplate: {
        ContainerSpec: {
          Image: TEST_IMAGE,
          Command: [found.php, 'server.php'],
          Dir: '/app',
          // Swarm's template: each task's application_name is its container's name.
          Env: Object.entries({ APP_NAME: '{{.Task.Name}}', ...spec.env }).map(([k, v]) => `${k}=${v}`),
          Labels: labels,
          Mounts: mounts,
          StopGracePeriod: 5_000_000_000,
        },
        Networks: [{ Target: 'host' }],
        RestartPolicy: { Condition: 'any', Delay: 1_000_000_000 },
      },
      Mode: { Replicated: { Replicas: spec.replicas } },
    } as object)) as { id: string };
    await this.waitForApp(service.id, spec.replicas, Number(spec.env.SWOOLE_WORKER_NUM ?? 2));
    return { id: service.id, name };
  }

  /** The tasks of a service with a running container. */
  async runningTasks(serviceId: string): Promise<TaskInfo[]> {
    const tasks = (await this.docker.listTasks({ filters: { service: [serviceId] } } as object)) as {
      ID: string;
      Slot?: number;
      Status?: { State?: string; ContainerStatus?: { ContainerID?: string } };
    }[];
    return tasks
      .filter((t) => t.Status?.State === 'running' && t.Status.ContainerStatus?.ContainerID)
      .map((t) => ({ id: t.ID, slot: t.Slot ?? 0, containerId: t.Status!.ContainerStatus!.ContainerID!, state: t.Status!.State! }));
  }

  /** The spec's replica count and version index, as the engine has them now. */
  async serviceSpec(serviceId: string): Promise<{ replicas: number; version: number }> {
    const info = (await this.docker.getService(serviceId).inspect()) as { Version: { Index: number }; Spec: { Mode: { Replicated?: { Replicas?: number } } } };
    return { replicas: info.Spec.Mode.Replicated?.Replicas ?? 0, version: info.Version.Index };
  }

  /** Until `replicas` tasks run and each one's workers have opened their pools. */
  async waitForApp(serviceId: string, replicas: number, workers: number, timeoutMs = 60_000): Promise<TaskInfo[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tasks = await this.runningTasks(serviceId);
      if (tasks.length === replicas) {
        const left = Math.max(1_000, deadline - Date.now());
        await Promise.all(tasks.map((t) => waitForLog(this.docker.getContainer(t.containerId), / holds \d+ of \d+ connections/, workers, left)));
        return tasks;
      }
      if (Date.now() > deadline) throw new Error(`service ${serviceId}: ${tasks.length}/${replicas} tasks running after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Removes this run's services and waits until their task containers are gone; never throws. */
  async removeAll(timeoutMs = 60_000): Promise<void> {
    try {
      const services = await this.docker.listServices({ filters: { label: [`${RUN_LABEL}=${this.runId}`] } } as object);
      await Promise.all(services.map((s) => this.docker.getService(s.ID as string).remove().catch(() => undefined)));
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const left = await this.docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${this.runId}`] } });
        if (left.length === 0) return;
        await new Promise((r) => setTimeout(r, 250));
      }
    } catch {
      // Not a manager any more, or the engine is gone: nothing left to remove here.
    }
  }
}

export interface HidingProxy {
  address: string;
  /** Containers the engine behind the proxy "does not have": another node's, as far as dbpool can tell. */
  hidden: Set<string>;
  /** Paths (prefixes, e.g. "/services") answered 503 as a Swarm worker answers them. */
  notManager: boolean;
  close(): Promise<void>;
}

/**
 * A unix-socket proxy in front of the test engine that makes chosen containers belong to "another
 * node": left out of `GET /containers/json`, and `404 No such container` for any question about
 * them. With `notManager` it answers the Swarm endpoints as a worker does (503).
 */
export async function startHidingProxy(): Promise<HidingProxy> {
  const forward = forwardToTestEngine();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-swarm-proxy-'));
  const socketPath = path.join(dir, 'docker.sock');
  const proxy: HidingProxy = { address: `unix://${socketPath}`, hidden: new Set(), notManager: false, close: async () => undefined };
  const isHidden = (id: string) => [...proxy.hidden].some((h) => id.length >= 12 && h.startsWith(id));
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const route = url.pathname.replace(/^\/v[\d.]+/, '');
    if (proxy.notManager && /^\/(services|tasks|nodes)(\/|$)/.test(route)) {
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'This node is not a swarm manager. Worker nodes cannot be used to view or modify cluster state.' }));
      return;
    }
    const about = /^\/containers\/([^/]+)(\/|$)/.exec(route)?.[1];
    if (about && about !== 'json' && isHidden(about)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `No such container: ${about}` }));
      return;
    }
    if (route === '/containers/json' && req.method === 'GET' && proxy.hidden.size > 0) {
      filterList(req, res, (list) => list.filter((c) => !isHidden(String(c.Id))));
      return;
    }
    forward(req, res);
  });
  server.listen(socketPath);
  await once(server, 'listening');
  proxy.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };
  return proxy;
}

/** Asks the engine, then answers with its JSON list filtered. */
function filterList(req: http.IncomingMessage, res: http.ServerResponse, keep: (list: Record<string, unknown>[]) => Record<string, unknown>[]): void {
  const socketPath = (process.env.DOCKER_HOST?.trim() || 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  const upstream = http.request({ socketPath, method: 'GET', path: req.url, headers: { ...req.headers, 'accept-encoding': 'identity' } }, (answer) => {
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const out = answer.statusCode === 200 ? JSON.stringify(keep(JSON.parse(body) as Record<string, unknown>[])) : body;
      res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
    });
  });
  upstream.on('error', (err) => res.destroy(err));
  upstream.end();
}
