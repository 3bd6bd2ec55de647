import { readdirSync, readlinkSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { TcpConnection } from '../core/facts.js';
import { canonicalIp } from '../core/ip-address.js';

/**
 * Which TCP connections to the database each process holds, from /proc: the process's socket
 * inodes (/proc/<pid>/fd -> socket:[inode]) looked up in its own network namespace's tables
 * (/proc/<pid>/net/tcp and tcp6), so that a container's connections are read in the container's
 * namespace. Only established connections whose far end is one of `ports` are kept.
 *
 * One reader serves one observation: each namespace's tables are read once, however many
 * containers share it (every container on the host's network does).
 */
export interface SocketReader {
  /** Each process's connections; a process whose descriptors cannot be read is left out. */
  connectionsOf(pids: readonly number[]): Promise<Map<number, TcpConnection[]>>;
}

const ESTABLISHED = '01';

export function createSocketReader(ports: ReadonlySet<number>, procRoot = '/proc'): SocketReader {
  const tables = new Map<string, Promise<Map<number, TcpConnection>>>();
  const tableOf = async (pid: number): Promise<Map<number, TcpConnection>> => {
    // Another user's namespace link is not readable: read that process's tables without sharing them.
    const ns = await readlink(path.join(procRoot, String(pid), 'ns', 'net')).catch(() => `pid:${pid}`);
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
      await Promise.all(
        pids.map(async (pid) => {
          const table = await tableOf(pid).catch(() => null);
          const inodes = table ? socketInodes(procRoot, pid) : null;
          if (!table || !inodes) return;
          out.set(pid, inodes.flatMap((inode) => table.get(inode) ?? []));
        }),
      );
      return out;
    },
  };
}

/**
 * The socket inodes among a process's descriptors, or null when they cannot be read. Synchronous
 * on purpose: a few dozen readlinks per process cost microseconds each, far less than a trip
 * through the thread pool each.
 */
function socketInodes(procRoot: string, pid: number): number[] | null {
  const dir = path.join(procRoot, String(pid), 'fd');
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
      target = readlinkSync(path.join(dir, fd));
    } catch {
      continue; // closed meanwhile
    }
    if (target.startsWith('socket:[')) inodes.push(Number(target.slice(8, -1)));
  }
  return inodes;
}

async function readTables(procRoot: string, pid: number, ports: ReadonlySet<number>): Promise<Map<number, TcpConnection>> {
  const table = new Map<number, TcpConnection>();
  const texts = await Promise.all(
    ['tcp', 'tcp6'].map((name) => readFile(path.join(procRoot, String(pid), 'net', name), 'utf8').catch(() => '')),
  );
  for (const text of texts) parseTcpTable(text, ports, table);
  return table;
}

/**
 * Lines of /proc/net/tcp{,6}: `sl local rem st tx:rx tr:when retrnsmt uid timeout inode …`,
 * addresses as the kernel stores them (each 32-bit word in host byte order), ports in hex.
 */
export function parseTcpTable(text: string, ports: ReadonlySet<number>, into = new Map<number, TcpConnection>()): Map<number, TcpConnection> {
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== ESTABLISHED) continue;
    const remote = endpoint(f[2] ?? '');
    if (!remote || !ports.has(remote.port)) continue;
    const local = endpoint(f[1] ?? '');
    const inode = Number(f[9]);
    if (!local || !Number.isInteger(inode) || inode <= 0) continue;
    into.set(inode, { localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port, inode });
  }
  return into;
}

function endpoint(hex: string): { address: string; port: number } | null {
  const [addr = '', port = ''] = hex.split(':');
  const address = addr.length === 8 ? hexIpv4(addr) : addr.length === 32 ? hexIpv6(addr) : null;
  return address ? { address, port: parseInt(port, 16) } : null;
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
