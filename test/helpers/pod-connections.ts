/**
 * Connections to the real test PostgreSQL that come from a pod's address: the test's pods have
 * podIPs 127.0.0.x, and a client socket bound to that local address makes PostgreSQL see it as
 * client_addr, as it would see a pod's connections. pg_hba gets 127.0.0.0/8 like 127.0.0.1.
 */
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import pg from 'pg';
import type { TestPostgres } from './postgres-server.js';

/** Lets the whole loopback range in with the method 127.0.0.1 already has. */
export async function allowLoopbackRange(server: TestPostgres): Promise<void> {
  const admin = await server.admin();
  try {
    const file = (await admin.query<{ hba_file: string }>('SHOW hba_file')).rows[0]!.hba_file;
    const text = await readFile(file, 'utf8');
    const line = text.split('\n').find((l) => /^host\s+all\s+all\s+127\.0\.0\.1\/32\s+/.test(l));
    if (!line) throw new Error(`no 127.0.0.1/32 line in ${file}`);
    if (!text.includes('127.0.0.0/8')) await writeFile(file, `${line.replace('127.0.0.1/32', '127.0.0.0/8')}\n${text}`);
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
}

/** `count` idle connections whose client end is `address`, as a pod's pool would hold them. */
export async function connectFrom(server: TestPostgres, address: string, count: number): Promise<pg.Client[]> {
  const clients: pg.Client[] = [];
  for (let i = 0; i < count; i++) {
    const client = new pg.Client({
      connectionString: server.url(),
      application_name: 'php-swoole-app',
      stream: () => {
        const socket = new net.Socket();
        const connect = socket.connect.bind(socket) as (o: net.TcpSocketConnectOpts) => net.Socket;
        // node-postgres calls connect(port, host): the same, from the pod's address.
        (socket as unknown as { connect: (port: number, host: string) => net.Socket }).connect = (port, host) => connect({ port, host, localAddress: address });
        return socket;
      },
    });
    await client.connect();
    clients.push(client);
  }
  return clients;
}

export async function closeAll(clients: pg.Client[]): Promise<void> {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
}
