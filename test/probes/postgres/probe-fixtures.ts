import pg from 'pg';
import type { PostgresConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/logger.js';
import { createPostgresProbe, type PostgresProbe, type PostgresProbeOptions } from '../../../src/probes/postgres/postgres-probe.js';
import type { TestPostgres } from '../../helpers/postgres-server.js';

export function probeConfig(
  server: Pick<TestPostgres, 'host' | 'port' | 'database'>,
  overrides: Partial<PostgresConfig> = {},
): PostgresConfig {
  return {
    host: server.host,
    port: server.port,
    user: 'postgres',
    password: 'dbpool-test-secret',
    database: server.database,
    connectionString: undefined,
    connectTimeoutMs: 5_000,
    statementTimeoutMs: 5_000,
    ...overrides,
  };
}

/** A started probe whose monitoring connection is open. */
export async function connectedProbe(
  config: PostgresConfig,
  options: Partial<PostgresProbeOptions> = {},
): Promise<PostgresProbe> {
  const probe = createPostgresProbe(config, { logger: silentLogger(), ...options });
  probe.start();
  await waitFor(() => probe.isConnected(), 10_000, 'the monitoring connection');
  return probe;
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Clients a test opened, closed together in afterAll/afterEach whatever happened. */
export class ClientSet {
  private readonly clients: pg.Client[] = [];

  async open(connectionString: string, applicationName?: string): Promise<pg.Client> {
    const client = new pg.Client({ connectionString, application_name: applicationName });
    client.on('error', () => undefined); // the server may be stopped under it
    await client.connect();
    this.clients.push(client);
    return client;
  }

  /** Opens clients until the server refuses one; returns the opened ones and the refusal. */
  async fill(connectionString: string, applicationName: string, max = 200): Promise<{ opened: pg.Client[]; refusal: unknown }> {
    const opened: pg.Client[] = [];
    for (let i = 0; i < max; i++) {
      try {
        opened.push(await this.open(connectionString, applicationName));
      } catch (refusal) {
        return { opened, refusal };
      }
    }
    throw new Error(`the server accepted ${max} connections`);
  }

  async closeAll(): Promise<void> {
    const all = this.clients.splice(0);
    await Promise.all(all.map((c) => c.end().catch(() => undefined)));
  }
}
