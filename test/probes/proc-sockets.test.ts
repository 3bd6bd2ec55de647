/**
 * Reading each process's connections to the database from a /proc laid out as the kernel does:
 * descriptors as socket:[inode] links, tables per network namespace, IPv4 and IPv6 (v4-mapped too).
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocketReader, parseTcpTable } from '../../src/probes/proc-sockets.js';

const HEADER4 = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const HEADER6 = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
// 127.0.0.1:40001 -> 127.0.0.1:5432 established (inode 501); one in TIME_WAIT; one to another port; the server's own end.
const TCP = HEADER4 + [
  '   0: 0100007F:9C41 0100007F:1538 01 00000000:00000000 00:00000000 00000000     0        0 501 1 0000000000000000 20 4 30 10 -1',
  '   1: 0100007F:9C42 0100007F:1538 06 00000000:00000000 03:00000AF5 00000000     0        0 0 3 0000000000000000',
  '   2: 0100007F:9C43 0100007F:18EB 01 00000000:00000000 00:00000000 00000000     0        0 503 1 0000000000000000 20 4 30 10 -1',
  '  12: 0100007F:1538 0100007F:9C41 01 00000000:00000000 00:00000000 00000000   103        0 504 1 0000000000000000 20 4 30 10 -1',
  '1234: 020012AC:A411 010012AC:1538 01 00000000:00000000 00:00000000 00000000 65534        0 505 1 0000000000000000 20 4 30 10 -1',
].join('\n') + '\n';
// ::ffff:10.0.0.5:40010 -> ::ffff:10.0.0.9:5432 (inode 601), and 2001:db8::5:40011 -> 2001:db8::9:5432 (inode 602).
const TCP6 = HEADER6 + [
  '   0: 0000000000000000FFFF00000500000A:9C4A 0000000000000000FFFF00000900000A:1538 01 00000000:00000000 00:00000000 00000000     0        0 601 1 0000000000000000 20 4 30 10 -1',
  '   1: B80D0120000000000000000005000000:9C4B B80D0120000000000000000009000000:1538 01 00000000:00000000 00:00000000 00000000     0        0 602 1 0000000000000000 20 4 30 10 -1',
].join('\n') + '\n';

describe('/proc socket tables', () => {
  it('keeps established connections to the wanted port, both ends spelled as PostgreSQL spells them', () => {
    const table = parseTcpTable(TCP + TCP6.slice(HEADER6.length), new Set([5432]));
    expect([...table.values()]).toEqual([
      { localAddress: '127.0.0.1', localPort: 40001, remoteAddress: '127.0.0.1', remotePort: 5432, inode: 501 },
      { localAddress: '172.18.0.2', localPort: 42001, remoteAddress: '172.18.0.1', remotePort: 5432, inode: 505 },
      { localAddress: '10.0.0.5', localPort: 40010, remoteAddress: '10.0.0.9', remotePort: 5432, inode: 601 },
      { localAddress: '2001:db8:0:0:0:0:0:5', localPort: 40011, remoteAddress: '2001:db8:0:0:0:0:0:9', remotePort: 5432, inode: 602 },
    ]);
  });

  describe('per process, in its own namespace', () => {
    let root: string;
    const proc = async (pid: number, ns: string, fds: Record<string, string>, tables?: { tcp: string; tcp6: string; sockstat6?: string }) => {
      const dir = path.join(root, String(pid));
      await mkdir(path.join(dir, 'fd'), { recursive: true });
      await mkdir(path.join(dir, 'ns'), { recursive: true });
      await symlink(ns, path.join(dir, 'ns', 'net'));
      for (const [fd, target] of Object.entries(fds)) await symlink(target, path.join(dir, 'fd', fd));
      if (tables) {
        await mkdir(path.join(dir, 'net'));
        await writeFile(path.join(dir, 'net', 'tcp'), tables.tcp);
        await writeFile(path.join(dir, 'net', 'tcp6'), tables.tcp6);
        if (tables.sockstat6 !== undefined) await writeFile(path.join(dir, 'net', 'sockstat6'), tables.sockstat6);
      }
    };
    beforeAll(async () => {
      root = await mkdtemp(path.join(os.tmpdir(), 'dbpool-fake-proc-'));
      await proc(10, 'net:[4026531840]', { 0: '/dev/null', 5: 'socket:[501]', 6: 'pipe:[77]', 7: 'socket:[999]' }, { tcp: TCP, tcp6: HEADER6 });
      // Same namespace, no tables of its own to read: the namespace's are shared.
      await proc(11, 'net:[4026531840]', { 5: 'socket:[503]', 8: 'socket:[601]' });
      // Another namespace (a container on a bridge): its own tables.
      await proc(20, 'net:[4026532999]', { 3: 'socket:[601]', 4: 'socket:[602]' }, { tcp: HEADER4, tcp6: TCP6 });
      // Namespaces whose sockstat6 counts IPv6 TCP sockets, or none. (With none in use the kernel's
      // tcp6 is empty: this one is not, to show it is not read.)
      await proc(30, 'net:[4026533000]', { 3: 'socket:[601]' }, { tcp: HEADER4, tcp6: TCP6, sockstat6: 'TCP6: inuse 0\nUDP6: inuse 0\n' });
      await proc(40, 'net:[4026533001]', { 3: 'socket:[601]' }, { tcp: HEADER4, tcp6: TCP6, sockstat6: 'TCP6: inuse 2\nUDP6: inuse 0\n' });
    });
    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('each socket descriptor looked up in the table of its namespace; a process not there is left out', async () => {
      const reader = createSocketReader(new Set([5432]), root);
      const held = await reader.connectionsOf([10, 11, 20, 404]);
      expect([...held.keys()]).toEqual([10, 11, 20]);
      expect(held.get(10)?.map((c) => c.inode)).toEqual([501]);
      // 503 goes to another port; 601 is not in the host namespace's table.
      expect(held.get(11)).toEqual([]);
      expect(held.get(20)?.map((c) => [c.localAddress, c.localPort])).toEqual([
        ['10.0.0.5', 40010],
        ['2001:db8:0:0:0:0:0:5', 40011],
      ]);
    });

    it('reads tcp6 only where sockstat6 counts IPv6 TCP sockets: no second 5 ms walk of the kernel for an empty table', async () => {
      const held = await createSocketReader(new Set([5432]), root).connectionsOf([30, 40]);
      expect(held.get(30)).toEqual([]);
      expect(held.get(40)?.map((c) => c.inode)).toEqual([601]);
    });

    it('no port, nothing read', async () => {
      expect((await createSocketReader(new Set(), root).connectionsOf([10])).size).toBe(0);
    });
  });
});
