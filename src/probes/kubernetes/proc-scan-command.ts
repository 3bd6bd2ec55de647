import type { ProcessEntry } from '../classify-process-roles.js';

/**
 * What `ps -o pid,ppid,args` shows, read from /proc by the container's own shell: slim PHP images
 * have no procps, but every image with a shell has /proc, `read` and `cat` (busybox or coreutils).
 * One line per process: pid, PPid (from status: stat's comm may hold spaces), then the raw cmdline,
 * whose NUL separators the parser turns into spaces (a title set by swoole_set_process_name is
 * there as ps would show it).
 */
const SCRIPT = [
  'for d in /proc/[0-9]*; do',
  '  q=',
  '  while read -r k v; do if [ "$k" = PPid: ]; then q=$v; break; fi; done 2>/dev/null <"$d/status" || continue',
  '  printf "%s %s " "${d#/proc/}" "$q"; cat "$d/cmdline" 2>/dev/null; printf "\\n"',
  'done',
].join('\n');

export const PROC_SCAN_COMMAND: readonly string[] = ['sh', '-c', SCRIPT];

/** The scan's lines as process entries; a process without a command line (a zombie, one gone meanwhile) is left out. */
export function entriesFromProcScan(text: string): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d*) (.*)$/s.exec(line);
    if (!m) continue;
    const command = (m[3] ?? '').replace(/\0+$/, '').replace(/\0/g, ' ').trim();
    if (command) out.push({ pid: Number(m[1]), ppid: m[2] ? Number(m[2]) : 0, command });
  }
  return out;
}
