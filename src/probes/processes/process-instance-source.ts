import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { AppInstance, InstanceObservation, InstanceSource } from '../../core/facts.js';
import { classifyProcessRoles } from '../classify-process-roles.js';
import { readPoolSettings } from '../read-pool-setting.js';
import { groupInstances, type ProcessGroup } from './group-instances.js';
import { listProcesses, readCwd, readEnviron } from './read-proc.js';

export interface ProcessSourceOptions {
  procRoot?: string;
  /** Ignore processes of other sessions sharing the host (tests, the demo). */
  onlyDescendantsOf?: number;
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
        const all = await listProcesses(procRoot);
        const self = process.pid;
        const inScope = options.onlyDescendantsOf === undefined ? () => true : descendantFilter(all, options.onlyDescendantsOf);
        const groups = groupInstances(all, (p) => p.pid !== self && pattern.test(p.command) && inScope(p.pid));
        const instances = await Promise.all(groups.map((g) => toInstance(g, app, location, procRoot)));
        return { source: name, ok: true, instances };
      } catch (err) {
        return {
          source: name,
          ok: false,
          instances: [],
          error: { kind: 'other', source: name, message: `cannot read ${procRoot}: ${(err as Error).message}` },
        };
      }
    },
  };
}

async function toInstance(group: ProcessGroup, app: Config['app'], location: string, procRoot: string): Promise<AppInstance> {
  const [environ, cwd] = await Promise.all([readEnviron(group.master.pid, procRoot), readCwd(group.master.pid, procRoot)]);
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
    processes: classifyProcessRoles(group.members.map((p) => ({ pid: p.pid, ppid: p.ppid, command: p.command }))),
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
