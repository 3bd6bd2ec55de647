import type { ProcessEntry } from '../classify-process-roles.js';

/** The engine's `top` answer: column titles and one row of strings per process. */
export interface TopBody {
  Titles?: string[] | null;
  Processes?: string[][] | null;
}

/** Rows of `docker top` (any ps columns, as long as PID is among them). */
export function entriesFromTop(body: TopBody): ProcessEntry[] {
  const titles = (body.Titles ?? []).map((t) => t.trim().toUpperCase());
  const pidAt = titles.indexOf('PID');
  if (pidAt === -1) throw new Error(`docker top gave no PID column (columns: ${titles.join(' ') || 'none'})`);
  const ppidAt = titles.indexOf('PPID');
  const commandAt = ['CMD', 'COMMAND', 'ARGS'].map((t) => titles.indexOf(t)).find((i) => i !== -1) ?? titles.length - 1;
  return (body.Processes ?? []).flatMap((row) => {
    const pid = Number(row[pidAt]);
    if (!Number.isInteger(pid)) return [];
    const ppid = ppidAt === -1 ? 0 : Number(row[ppidAt]);
    return [{ pid, ppid: Number.isInteger(ppid) ? ppid : 0, command: (row[commandAt] ?? '').trim() }];
  });
}

/** Output of `ps -o pid,ppid,args` (procps or busybox) inside the container. */
export function entriesFromPs(text: string): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*\S)\s*$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3] ?? '' });
  }
  return out;
}

/**
 * Titles Swoole frameworks give their processes, which no longer contain "php ... server.php":
 * Hyperf `<app>.Master|Manager|Worker.N|TaskWorker.N`, Octane `swoole_http_server: <role> process for <app>`.
 */
const SWOOLE_TITLE = /^\S+\.(?:Master|Manager|Worker\.\d+|TaskWorker\.\d+)$|^swoole\w*: (?:master|manager|worker|task worker) process\b/;

/**
 * Wrappers whose command line contains the app's (`sh -c php server.php`, `docker-init -- php server.php`):
 * they match the pattern but hold no pool, and taken as the master they would shift every role by one.
 */
const WRAPPER = /^(?:\S*\/)?(?:sh|bash|dash|ash|zsh|tini|tini-static|docker-init|dumb-init|catatonit)(?:\s|$)/;

/** The app's processes: those matching the configured pattern (wrappers aside), and those bearing a Swoole title. */
export function selectAppProcesses(entries: ProcessEntry[], pattern: RegExp): ProcessEntry[] {
  return entries.filter((e) => {
    const command = e.command.trim();
    return SWOOLE_TITLE.test(command) || (pattern.test(command) && !WRAPPER.test(command));
  });
}
