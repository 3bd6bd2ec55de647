/**
 * A /proc of the seed incident's processes, as the Docker probe reads the host's: command lines,
 * parents, the container id in each cgroup, and each worker's sockets (fd links to socket inodes,
 * found in its network namespace's tcp table). Written into a directory of the build's own.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import type { SeedContainer } from './seed-incident.js';

export function writeMadeUpProc(root: string, containers: SeedContainer[], databasePort: number): void {
  containers.forEach((c, n) => {
    const table = tcpTable(c.processes.flatMap((p) => p.ports), databasePort);
    for (const p of c.processes) {
      const dir = `${root}/${p.pid}`;
      mkdirSync(`${dir}/fd`, { recursive: true });
      mkdirSync(`${dir}/ns`);
      mkdirSync(`${dir}/net`);
      writeFileSync(`${dir}/cmdline`, 'php\0server.php\0');
      writeFileSync(`${dir}/stat`, `${p.pid} (php) S ${p.ppid} ${p.pid} ${p.pid} 0 -1 4194560`);
      writeFileSync(`${dir}/cgroup`, `0::/system.slice/docker-${c.id}.scope\n`);
      symlinkSync(`net:[${4026532000 + n}]`, `${dir}/ns/net`);
      symlinkSync('/dev/null', `${dir}/fd/0`);
      p.ports.forEach((port, i) => symlinkSync(`socket:[${port}]`, `${dir}/fd/${i + 3}`));
      writeFileSync(`${dir}/net/tcp`, table);
      writeFileSync(`${dir}/net/tcp6`, tcpTable([], databasePort));
      writeFileSync(`${dir}/net/sockstat6`, 'TCP6: inuse 0\nUDP6: inuse 0\n');
    }
  });
}

/** /proc/net/tcp: 127.0.0.1:<port> -> 127.0.0.1:<databasePort>, established, the inode being the port. */
function tcpTable(ports: number[], databasePort: number): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  const head = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  return (
    head +
    ports.map((port, i) => `  ${String(i).padStart(2)}: 0100007F:${hex(port)} 0100007F:${hex(databasePort)} 01 00000000:00000000 00:00000000 00000000   33        0 ${port} 1 0000000000000000 20 4 30 10 -1\n`).join('')
  );
}
