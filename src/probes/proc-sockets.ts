import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { TcpConnection } from '../core/facts.js';
import { canonicalIp } from '../core/ip-address.js';

/**
 * Which TCP connections to the database each process holds, from /proc: the process's socket
 * inodes (/proc/<pid>/fd -> socket:[inode]) looked up in its own network namespace's tables
 * (/proc/<pid>/net/tcp and tcp6), so that a container's connections are read in the container's
 * namespace. Only established connections whose far end is one of `ports` are kept.
 *
 * One reader serves one observation: each namespace's tables are read once, however many
 * containers share it (every container on the host's network does). Descriptors are read
 * synchronously (microseconds each); the tables through the thread pool, all at once: the kernel
 * walks its whole connection hash for each (~5 ms however few lines), time the event loop spends
 * on the other answers instead.
 */
export interface SocketReader {
  /** Each process's connections; a process whose descriptors cannot be read is left out. */
  connectionsOf(pids: readonly number[]): Promise<Map<number, TcpConnection[]>>;
}

const ESTABLISHED = '01';

export function createSocketReader(ports: ReadonlySet<number>, procRoot = '/proc'): SocketReader {
  const tables = new Map<string, Promise<Map<number, TcpConnection>>>();
  const tableOf = (pid: number): Promise<Map<number, TcpConnection>> => {
    let ns: string;
    try {
      ns = readlinkSync(`${procRoot}/${pid}/ns/net`);
    } catch {
      ns = `pid:${pid}`; // another user's namespace link is not readable: that process's tables, unshared
    }
    let table = tables.get(ns);
    if (!table) {
      table = readTables(procRoot, pid, ports);
      tables.set(ns, table);
    }
    return table;
  };
  return {
    async connectionsOf(pids) {
      const out = new Map<number, TcpConnection[]>();
      if (ports.size === 0) return out;
      const held = pids.flatMap((pid) => {
        const inodes = socketInodes(procRoot, pid);
        return inodes ? [{ pid, inodes, table: tableOf(pid) }] : [];
      });
      for (const { pid, inodes, table } of held) {
        const connections = await table;
        out.set(pid, inodes.flatMap((inode) => connections.get(inode) ?? []));
      }
      return out;
    },
  };
}

/**
 * The socket inodes among a process's descriptors, or null when they cannot be read. Synchronous
 * on purpose: a readlink in /proc costs microseconds, far less than a trip through the thread pool.
 */
function socketInodes(procRoot: string, pid: number): number[] | null {
  // Paths joined by hand: path.join's normalizing, for every descriptor, was ~1.5 ms of a run.
  const dir = `${procRoot}/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return null;
  }
  const inodes: number[] = [];
  for (const fd of fds) {
    let target: string;
    try {
      target = readlinkSync(`${dir}/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target.startsWith('socket:[')) inodes.push(Number(target.slice(8, -1)));
  }
  return inodes;
}

/**
 * Both tables of a namespace at once; a table that cannot be read (no IPv6 there, the process gone)
 * adds nothing. tcp6 only when the namespace has TCP sockets of IPv6 at all (sockstat6, a few
 * counters, costs no walk): a container's own namespace, or a host that listens on IPv4 only, has
 * none, and its tcp6 would be a second 5 ms walk for an empty table.
 */
async function readTables(procRoot: string, pid: number, ports: ReadonlySet<number>): Promise<Map<number, TcpConnection>> {
  const names = hasTcp6Sockets(procRoot, pid) ? ['tcp', 'tcp6'] : ['tcp'];
  const texts = await Promise.all(names.map((name) => readFile(`${procRoot}/${pid}/net/${name}`, 'utf8').catch(() => '')));
  const table = new Map<number, TcpConnection>();
  for (const text of texts) parseTcpTable(text, ports, table);
  return table;
}

/** False only when sockstat6 says no IPv6 TCP socket is in use (v4-mapped ones count: they are IPv6 sockets). */
function hasTcp6Sockets(procRoot: string, pid: number): boolean {
  try {
    const inUse = readFileSync(`${procRoot}/${pid}/net/sockstat6`, 'latin1').match(/^TCP6: inuse (\d+)/m)?.[1];
    return inUse === undefined || Number(inUse) > 0;
  } catch {
    return true; // not there to ask: read the table
  }
}

/**
 * Lines of /proc/net/tcp{,6}: `sl: local rem st tx:rx tr:when retrnsmt uid timeout inode …`, the
 * addresses as the kernel stores them (each 32-bit word in host byte order), ports in hex. The
 * fields up to the state have fixed widths: a line is rejected by its state and far port before
 * it is split (a host running PostgreSQL has thousands of lines, nearly all someone else's).
 */
export function parseTcpTable(text: string, ports: ReadonlySet<number>, into = new Map<number, TcpConnection>()): Map<number, TcpConnection> {
  const wanted = new Set([...ports].map((p) => p.toString(16).toUpperCase().padStart(4, '0')));
  let at = text.indexOf('\n') + 1; // the header
  while (at > 0 && at < text.length) {
    const end = text.indexOf('\n', at);
    const line = text.slice(at, end === -1 ? text.length : end);
    at = end + 1;
    const start = line.indexOf(':') + 2;
    const width = line[start + 8] === ':' ? 13 : 37; // tcp: 8 hex digits and a port; tcp6: 32 and a port
    const remote = line.slice(start + width + 1, start + 2 * width + 1);
    if (line.slice(start + 2 * width + 2, start + 2 * width + 4) !== ESTABLISHED || !wanted.has(remote.slice(-4))) continue;
    const local = endpoint(line.slice(start, start + width));
    const far = endpoint(remote);
    // After the state: tx:rx tr:when retrnsmt uid timeout inode (the last three of varying width).
    const inode = Number(line.slice(start + 2 * width + 5).trim().split(/\s+/, 6)[5]);
    if (!local || !far || !Number.isInteger(inode) || inode <= 0) continue;
    into.set(inode, { localAddress: local.address, localPort: local.port, remoteAddress: far.address, remotePort: far.port, inode });
  }
  return into;
}

function endpoint(hex: string): { address: string; port: number } | null {
  const [addr = '', port = ''] = hex.split(':');
  const address = addr.length === 8 ? cachedAddress(addr, hexIpv4) : addr.length === 32 ? cachedAddress(addr, hexIpv6) : null;
  return address ? { address, port: parseInt(port, 16) } : null;
}

/** A table holds the same few addresses many times over: each spelled once. */
const ADDRESSES = new Map<string, string | null>();

function cachedAddress(hex: string, parse: (hex: string) => string | null): string | null {
  let address = ADDRESSES.get(hex);
  if (address === undefined) {
    address = parse(hex);
    if (ADDRESSES.size > 10_000) ADDRESSES.clear();
    ADDRESSES.set(hex, address);
  }
  return address;
}

/** Little-endian on the hosts dbpool runs on (x86-64, arm64). */
function wordBytes(word: string): number[] {
  return [6, 4, 2, 0].map((i) => parseInt(word.slice(i, i + 2), 16));
}

function hexIpv4(hex: string): string | null {
  return canonicalIp(wordBytes(hex).join('.'));
}

function hexIpv6(hex: string): string | null {
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return canonicalIp(groups.join(':'));
}
