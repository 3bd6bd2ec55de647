import type { ProcProcess } from './read-proc.js';

export interface ProcessGroup {
  master: ProcProcess;
  /** The master and every matched descendant. */
  members: ProcProcess[];
}

/**
 * Groups matched processes into instances: a matched process whose parent is not matched is a
 * master, and each matched process belongs to the master it descends from.
 */
export function groupInstances(all: ProcProcess[], matches: (p: ProcProcess) => boolean): ProcessGroup[] {
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const matched = all.filter(matches);
  const matchedPids = new Set(matched.map((p) => p.pid));
  const masterOf = (p: ProcProcess): ProcProcess => {
    let current = p;
    // Walk up while the parent is matched too; the chain is short (master -> manager -> worker).
    for (let guard = 0; guard < 64; guard++) {
      const parent = byPid.get(current.ppid);
      if (!parent || !matchedPids.has(parent.pid)) return current;
      current = parent;
    }
    return current;
  };
  const groups = new Map<number, ProcessGroup>();
  for (const p of matched) {
    const master = masterOf(p);
    const group = groups.get(master.pid) ?? { master, members: [] };
    group.members.push(p);
    groups.set(master.pid, group);
  }
  return [...groups.values()].sort((a, b) => a.master.pid - b.master.pid);
}
