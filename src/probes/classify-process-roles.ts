import type { AppProcess, ProcessRole } from '../core/facts.js';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  command: string;
}

/** The titles Hyperf (`app.Worker.3`, `app.TaskWorker.4`) and Laravel Octane (`swoole_http_server: worker process for app`) set. */
const FRAMEWORK_TITLES: [RegExp, ProcessRole][] = [
  [/\.TaskWorker\.\d+$|^swoole\w*: task worker process\b/, 'task_worker'],
  [/\.Worker\.\d+$|^swoole\w*: worker process\b/, 'worker'],
  [/\.Manager$|^swoole\w*: manager process\b/, 'manager'],
  [/\.Master$|^swoole\w*: master process\b/, 'master'],
];

/**
 * What apps give swoole_set_process_name (`app: worker #3`, `app-task_worker-4`): the first role
 * word standing as a word of the title. A word of a path or a file name (`php /srv/worker.php`)
 * or an option (`--master`) is not a title.
 */
const ROLE_WORDS: [RegExp, ProcessRole][] = [
  [/(?:^|[\s:.#_-])task[\s_-]?worker(?=$|[\s:.#_-]|\d)/i, 'task_worker'],
  [/(?:^|[\s:.#_-])worker(?=$|[\s:#_-]|\d|\.\d)/i, 'worker'],
  [/(?:^|[\s:.#_-])manager(?=$|[\s:#_-]|\d)/i, 'manager'],
  [/(?:^|[\s:.#_-])master(?=$|[\s:#_-]|\d)/i, 'master'],
];
const NOT_A_TITLE = /\S*\/\S*|\S+\.php\b|(?:^|\s)--?\S+/g;

export function roleFromTitle(command: string): ProcessRole | null {
  const title = command.trim();
  for (const [pattern, role] of FRAMEWORK_TITLES) if (pattern.test(title)) return role;
  const words = title.replace(NOT_A_TITLE, ' ');
  let first: { at: number; role: ProcessRole } | null = null;
  for (const [pattern, role] of ROLE_WORDS) {
    const at = words.search(pattern);
    // A task worker's title also contains "worker": at the same place, the longer word wins.
    if (at !== -1 && (first === null || at < first.at)) first = { at, role };
  }
  return first?.role ?? null;
}

/**
 * The roles within one instance's processes, from what /proc or ps shows. Swoole's process model
 * (swoole-src src/server/manager.cc, reactor_process.cc):
 *   SWOOLE_PROCESS: master (reactor threads) -> manager -> task workers, workers, custom processes;
 *   SWOOLE_BASE:    manager -> the same children (the first process is the manager itself);
 *                   one process alone when worker_num is 1 with no task worker, max_request or
 *                   custom process.
 * Every child of the manager runs the same `php server.php`: without titles, a worker cannot be
 * told from a task worker or a custom process ($server->addProcess). Such children are
 * 'worker_or_task', counted once each, never guessed. A title naming its role wins; a child of the
 * manager without one, among siblings titled as workers, is a custom process.
 */
export function classifyProcessRoles(entries: ProcessEntry[]): AppProcess[] {
  const pids = new Set(entries.map((e) => e.pid));
  const children = new Map<number, ProcessEntry[]>();
  for (const e of entries) {
    if (!pids.has(e.ppid) || e.ppid === e.pid) continue;
    const list = children.get(e.ppid) ?? [];
    list.push(e);
    children.set(e.ppid, list);
  }
  const kids = (pid: number) => children.get(pid) ?? [];
  const roles = new Map<number, ProcessRole>();

  const assign = (e: ProcessEntry, structural: ProcessRole) => {
    roles.set(e.pid, roleFromTitle(e.command) ?? structural);
  };
  const assignManagerChildren = (manager: ProcessEntry) => {
    const list = kids(manager.pid);
    const titled = list.some((c) => {
      const role = roleFromTitle(c.command);
      return role === 'worker' || role === 'task_worker';
    });
    for (const c of list) {
      assign(c, titled ? 'custom' : 'worker_or_task');
      for (const grandchild of kids(c.pid)) assign(grandchild, 'unknown');
    }
  };

  for (const root of entries.filter((e) => !pids.has(e.ppid) || e.ppid === e.pid)) {
    const rootKids = kids(root.pid);
    const titled = roleFromTitle(root.command);
    if (rootKids.length === 0) {
      assign(root, 'single');
    } else if (titled === 'master' || (titled === null && rootKids.some((c) => kids(c.pid).length > 0))) {
      roles.set(root.pid, 'master');
      for (const c of rootKids) {
        if (kids(c.pid).length > 0 || roleFromTitle(c.command) === 'manager') {
          assign(c, 'manager');
          assignManagerChildren(c);
        } else {
          assign(c, 'unknown');
        }
      }
    } else {
      // SWOOLE_BASE: the first process is the manager.
      assign(root, 'manager');
      assignManagerChildren(root);
    }
  }
  return entries.map((e) => ({ pid: e.pid, ppid: e.ppid, role: roles.get(e.pid) ?? 'unknown', command: e.command }));
}
