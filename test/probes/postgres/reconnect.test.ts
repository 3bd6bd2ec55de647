import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresProbe } from '../../../src/probes/postgres/postgres-probe.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { connectedProbe, probeConfig, waitFor } from './probe-fixtures.js';

let server: TestPostgres | undefined;
let probe: PostgresProbe | undefined;
let port: number;

beforeAll(async () => {
  server = await startPostgres();
  port = server.port;
  probe = await connectedProbe(probeConfig(server, { connectTimeoutMs: 1_000, statementTimeoutMs: 1_000 }), {
    backoff: { initialMs: 100, maxMs: 1_000 },
  });
});

afterAll(async () => {
  await probe?.close();
  await server?.stop();
});

describe('the monitoring connection across a server outage', () => {
  it('reports a stopped server as unreachable, and comes back by itself when it returns', async () => {
    const p = probe!;
    expect((await p.observe({ idleMinutes: 10 })).ok).toBe(true);
    const pidBefore = p.pid();

    await server!.stop();
    const down = await p.observe({ idleMinutes: 10 });
    expect(down).toMatchObject({ ok: false, database: 'madras', error: { kind: 'unreachable', source: `postgres 127.0.0.1:${port}/madras` } });
    expect(p.isConnected()).toBe(false);
    expect(p.pid()).toBeNull();

    // A new cluster on the same port, same credentials: the probe finds it without being asked.
    server = await startPostgres({ port });
    await waitFor(() => p.isConnected(), 15_000, 'the monitoring connection to come back');
    const up = await p.observe({ idleMinutes: 10 });
    expect(up.ok).toBe(true);
    expect(p.pid()).not.toBe(pidBefore);
  });

  it('survives a restart of the server', async () => {
    const p = probe!;
    const pidBefore = p.pid();
    await server!.restart!();
    await waitFor(() => p.isConnected() && p.pid() !== pidBefore, 15_000, 'the monitoring connection after a restart');
    expect((await p.observe({ idleMinutes: 10 })).ok).toBe(true);
  });

  it('comes back after its backend is terminated', async () => {
    const p = probe!;
    const pidBefore = p.pid();
    const admin = await server!.admin();
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [pidBefore]);
    } finally {
      await admin.end();
    }
    await waitFor(() => p.isConnected() && p.pid() !== pidBefore, 15_000, 'a new monitoring connection');
    expect((await p.observe({ idleMinutes: 10 })).ok).toBe(true);
  });
});
