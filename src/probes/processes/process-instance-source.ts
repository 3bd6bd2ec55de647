import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { AppInstance, InstanceObservation, InstanceSource } from '../../core/facts.js';
import { classifyProcessRoles } from '../classify-process-roles.js';
import { createSocketReader, type SocketReader } from '../proc-sockets.js';
import { readDbEndpoint } from '../read-db-endpoint.js';
import { readPoolSettings } from '../read-pool-setting.js';
import { groupInstances, type ProcessGroup } from './group-instances.js';
import { listProcesses, readCwd, readEnviron } from './read-proc.js';

export interface ProcessSourceOptions {
  procRoot?: string;
  /** Ignore processes of other sessions sharing the host (tests, the demo). */
  onlyDescendantsOf?: number;
  /** Ports whose connections are read per process (the database's); none when empty or unset. */
  databasePorts?: number[];
}

/**
 * The runbook's `ps aux | grep "php.*server.php"` and `echo $DB_POOL_SIZE` for hosts without
 * Docker: reads /proc directly, no shelling out.
 */
export function createProcessInstanceSource(app: Config['app'], options: ProcessSourceOptions = {}): InstanceSource {
  const procRoot = options.procRoot ?? '/proc';
  const pattern = new RegExp(app.processPattern);
  const location = os.hostname();
  const name = `process ${location}`;
  return {
    name,
    async observe(): Promise<InstanceObservation> {
      try {
        // Only the app's processes matter, unless the descendant filter needs every parent.
        const all = await listProcesses(procRoot, options.onlyDescendantsOf === undefined ? (command) => pattern.test(command) : undefined);
        const self = process.pid;
        const inScope = options.onlyDescendantsOf === undefined ? () => true : descendantFilter(all, options.onlyDescendantsOf);
        const groups = groupInstances(all, (p) => p.pid !== self && pattern.test(p.command) && inScope(p.pid));
        const ports = new Set(options.databasePorts ?? []);
        const sockets = ports.size > 0 ? createSocketReader(ports, procRoot) : null;
        const instances = await Promise.all(groups.map((g) => toInstance(g, app, location, procRoot, sockets)));
        return { source: name, ok: true, instances };
      } catch (err) {
        return {
          source: name,
          ok: false,
          instances: [],
          error: { kind: 'other', source: name, message: (err as Error).message, hint: { code: 'unreadable_path', file: procRoot } },
        };
      }
    },
  };
}

async function toInstance(group: ProcessGroup, app: Config['app'], location: string, procRoot: string, sockets: SocketReader | null): Promise<AppInstance> {
  const [environ, cwd, connections] = await Promise.all([
    readEnviron(group.master.pid, procRoot),
    readCwd(group.master.pid, procRoot),
    sockets?.connectionsOf(group.members.map((p) => p.pid)) ?? new Map<number, never[]>(),
  ]);
  const processes = classifyProcessRoles(group.members.map((p) => ({ pid: p.pid, ppid: p.ppid, command: p.command }))).map((p) => {
    const held = connections.get(p.pid);
    return held ? { ...p, connections: held } : p;
  });
  return {
    id: `pid:${group.master.pid}`,
    name: `${cwd ? path.basename(cwd) : 'pid'} (pid ${group.master.pid})`,
    source: 'process',
    location,
    createdAt: group.master.startedAt?.toISOString(),
    // A process is created when it starts.
    startedAt: group.master.startedAt?.toISOString(),
    state: 'running',
    ...(environ.ok ? readPoolSettings(environ.env, app) : readPoolSettings(null, app, environ.reason)),
    dbEndpoint: environ.ok ? readDbEndpoint(environ.env) : null,
    processes,
    errors: [],
  };
}

function descendantFilter(all: { pid: number; ppid: number }[], ancestor: number): (pid: number) => boolean {
  const parentOf = new Map(all.map((p) => [p.pid, p.ppid]));
  return (pid) => {
    for (let p = parentOf.get(pid), guard = 0; p !== undefined && guard < 64; p = parentOf.get(p), guard++) {
      if (p === ancestor) return true;
    }
    return false;
  };
}
