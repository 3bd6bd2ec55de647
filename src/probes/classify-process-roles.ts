import type { AppProcess, ProcessRole } from '../core/facts.js';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  command: string;
}

/** Process titles that name their role: Hyperf (`app.Worker.3`) and Octane (`... worker process for app`). */
const TITLE_ROLES: [RegExp, ProcessRole][] = [
  [/\.TaskWorker\.\d+\b|task worker process/i, 'task_worker'],
  [/\.Worker\.\d+\b|\bworker process\b/i, 'worker'],
  [/\.Manager\b|manager process/i, 'manager'],
  [/\.Master\b|master process/i, 'master'],
];

export function roleFromTitle(command: string): ProcessRole | null {
  for (const [pattern, role] of TITLE_ROLES) if (pattern.test(command)) return role;
  return null;
}

/**
 * Tells the master, the Swoole manager and the workers apart within one instance's matched processes.
 * A title that names its role wins; otherwise the tree decides: the process whose parent is not in
 * the set is the master, a child of the master that has children of its own is the manager
 * (Swoole: master -> manager -> workers), and the rest are workers.
 */
export function classifyProcessRoles(entries: ProcessEntry[]): AppProcess[] {
  const pids = new Set(entries.map((e) => e.pid));
  const parents = new Set(entries.map((e) => e.ppid));
  const roots = new Set(entries.filter((e) => !pids.has(e.ppid)).map((e) => e.pid));
  return entries.map((e) => {
    const byTitle = roleFromTitle(e.command);
    let role: ProcessRole;
    if (byTitle) role = byTitle;
    else if (roots.has(e.pid)) role = 'master';
    else if (roots.has(e.ppid) && parents.has(e.pid)) role = 'manager';
    else role = 'worker';
    return { pid: e.pid, ppid: e.ppid, role, command: e.command };
  });
}
