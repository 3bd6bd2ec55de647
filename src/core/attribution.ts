import type { AppInstance, ClientSession, PostgresFacts, ProcessRole } from './facts.js';
import { canonicalIp } from './ip-address.js';

/**
 * Which instance, and which of its processes, holds each connection of the target database.
 * A session's client end (client_addr, client_port) is looked up among the TCP connections the
 * app's processes hold (read from /proc where they are visible); failing that, its client_addr
 * among the containers' own IP addresses (bridge networks: the instance, not the process). What
 * neither finds, or finds twice, stays unattributed with the reason: never guessed.
 */

export interface HeldCounts {
  total: number;
  active: number;
  idle: number;
  /** idle in transaction, aborted ones included. */
  idleInTransaction: number;
  /** any other state, or hidden from dbpool's role. */
  other: number;
}

export interface ProcessHolding {
  pid: number;
  role: ProcessRole;
  held: HeldCounts;
  /** The server's pids of its connections (pg_stat_activity.pid): what pg_terminate_backend takes. */
  backendPids: number[];
  /** Longest time one of its idle-in-transaction sessions has been so, in seconds. */
  oldestIdleInTransactionSeconds: number | null;
}

export interface InstanceHolding {
  id: string;
  name: string;
  /** How its connections were found: the processes' sockets, or the container's address only. */
  method: 'sockets' | 'address';
  held: HeldCounts;
  /** Processes holding at least one connection, most first. */
  processes: ProcessHolding[];
  /** Connections of the instance not tied to one process (found by address, or a socket shared over fork). */
  withoutProcess: number;
  /** Seconds since the most recent state change among its sessions: how long it has done nothing. */
  quietSeconds: number | null;
}

export type UnattributedReason = 'unix_socket' | 'hidden' | 'ambiguous' | 'no_match';

export interface Attribution {
  /** Client backends of the target database considered (dbpool's own left out). */
  sessions: number;
  /** Instances that could be matched at all (sockets read or addresses known), holding or not. */
  instances: InstanceHolding[];
  unattributed: { total: number } & Record<UnattributedReason, number>;
}

interface SocketOwner {
  instance: number;
  pid: number;
  inode: number;
}

/** Null when there is nothing to attribute with: no session list, or no instance to match against. */
export function attributeConnections(pg: PostgresFacts, instances: AppInstance[]): Attribution | null {
  if (!pg.sessions) return null;
  const byEndpoint = new Map<string, SocketOwner[]>();
  const byAddress = new Map<string, number[]>();
  const matchable: boolean[] = instances.map(() => false);
  instances.forEach((inst, i) => {
    for (const p of inst.processes ?? []) {
      if (!p.connections) continue;
      matchable[i] = true;
      for (const c of p.connections) {
        const key = endpointKey(c.localAddress, c.localPort);
        if (key) push(byEndpoint, key, { instance: i, pid: p.pid, inode: c.inode });
      }
    }
    for (const a of inst.addresses ?? []) {
      const ip = canonicalIp(a);
      if (!ip) continue;
      matchable[i] = true;
      const list = byAddress.get(ip) ?? [];
      if (!list.includes(i)) push(byAddress, ip, i);
    }
  });
  if (!matchable.some(Boolean)) return null;

  const holdings = instances.map((inst, i) => ({
    inst,
    index: i,
    method: inst.processes?.some((p) => p.connections) ? ('sockets' as const) : ('address' as const),
    sessions: [] as ClientSession[],
    byPid: new Map<number, ClientSession[]>(),
    withoutProcess: 0,
  }));
  const unattributed = { total: 0, unix_socket: 0, hidden: 0, ambiguous: 0, no_match: 0 };
  const miss = (reason: UnattributedReason) => {
    unattributed.total++;
    unattributed[reason]++;
  };

  for (const s of pg.sessions) {
    if (s.clientPort === -1) {
      miss('unix_socket');
      continue;
    }
    if (s.clientAddr === null || s.clientPort === null) {
      miss('hidden');
      continue;
    }
    const owners = byEndpoint.get(endpointKey(s.clientAddr, s.clientPort) ?? '');
    if (owners) {
      const inodes = new Set(owners.map((o) => o.inode));
      const first = owners[0];
      // Two sockets with this client end: two namespaces with the same address. Which one PostgreSQL sees is unknown.
      if (inodes.size > 1 || !first || owners.some((o) => o.instance !== first.instance)) {
        miss('ambiguous');
        continue;
      }
      const h = holdings[first.instance];
      if (!h) continue;
      h.sessions.push(s);
      if (owners.length === 1) push(h.byPid, first.pid, s);
      else h.withoutProcess++; // one socket in several processes: inherited over fork
      continue;
    }
    const byIp = byAddress.get(canonicalIp(s.clientAddr) ?? '');
    if (byIp && byIp.length > 1) {
      miss('ambiguous');
    } else if (byIp?.[0] !== undefined) {
      const h = holdings[byIp[0]];
      h?.sessions.push(s);
      if (h) h.withoutProcess++;
    } else {
      miss('no_match');
    }
  }

  return {
    sessions: pg.sessions.length,
    instances: holdings
      .filter((h) => matchable[h.index])
      .map((h) => ({
        id: h.inst.id,
        name: h.inst.name,
        method: h.method,
        held: countStates(h.sessions),
        processes: [...h.byPid.entries()]
          .map(([pid, sessions]) => ({
            pid,
            role: h.inst.processes?.find((p) => p.pid === pid)?.role ?? 'unknown',
            held: countStates(sessions),
            backendPids: sessions.map((x) => x.pid).sort((a, b) => a - b),
            oldestIdleInTransactionSeconds: maxOrNull(sessions.filter(inTransaction).map((x) => x.stateSeconds)),
          }))
          .sort((a, b) => b.held.total - a.held.total || a.pid - b.pid),
        withoutProcess: h.withoutProcess,
        quietSeconds: minOrNull(h.sessions.map((x) => x.stateSeconds)),
      })),
    unattributed,
  };
}

export function countStates(sessions: readonly ClientSession[]): HeldCounts {
  const held: HeldCounts = { total: sessions.length, active: 0, idle: 0, idleInTransaction: 0, other: 0 };
  for (const s of sessions) {
    if (s.state === 'active') held.active++;
    else if (s.state === 'idle') held.idle++;
    else if (inTransaction(s)) held.idleInTransaction++;
    else held.other++;
  }
  return held;
}

function inTransaction(s: ClientSession): boolean {
  return s.state === 'idle in transaction' || s.state === 'idle in transaction (aborted)';
}

function endpointKey(address: string, port: number): string | null {
  const ip = canonicalIp(address);
  return ip === null ? null : `${ip} ${port}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function maxOrNull(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
}

function minOrNull(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.min(...known);
}
