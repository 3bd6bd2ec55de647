/**
 * The Docker engine stopped, answering errors, hanging, and started again under a running dbpool:
 * the instance part of the report says why it is missing, the PostgreSQL part still shows, nothing
 * throws, and the instances come back with the engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCommand } from '../../src/commands/command-table.js';
import { parseCommandLine } from '../../src/commands/parse-command-line.js';
import { loadConfig } from '../../src/config.js';
import type { Report } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { createServices, type Services } from '../../src/services.js';
import { dockerSkipReason, startEngineProxy, type EngineFault, type EngineProxy } from '../helpers/docker-engine.js';
import { TestContainers, type StartedContainer } from '../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { startConnectionDroppingEngine, startRestartableEngine, type RestartableEngine } from '../helpers/reliability-engine.js';

const skip = await dockerSkipReason();

/** The instance source's error, for an assertion's message. */
const why = (r: Report) => JSON.stringify(r.facts.instances[0]?.error ?? null);

async function status(services: Services): Promise<Report> {
  const result = await prepareCommand(parseCommandLine(['status'])).run(services.context);
  if (result.kind !== 'report') throw new Error(`expected a report, got ${result.kind}`);
  return result.report;
}

describe.skipIf(skip !== null)('the Docker engine goes away and comes back (real engine behind a proxy)', () => {
  const containers = new TestContainers();
  let server: TestPostgres;
  let app: StartedContainer;
  let stateDir: string;
  const opened: Services[] = [];
  const engines: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 30 });
    app = await containers.startCommand({ name: 'php_swoole_app', cmd: ['sleep', '3600'] });
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-engine-fault-'));
  });
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.close()));
    await Promise.all(engines.map((e) => e.close()));
    await containers.removeAll();
    await server?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  /** A generous probe timeout unless a hang is the point: a busy engine (other Docker tests) may be slow to list. */
  async function servicesAt(address: string, probeTimeoutMs = 10_000): Promise<Services> {
    const config = loadConfig({
      DATABASE_URL: server.url(),
      DBPOOL_INSTANCE_SOURCE: 'docker',
      DBPOOL_DOCKER_HOSTS: address,
      APP_CONTAINER_PATTERN: containers.pattern(),
      DBPOOL_PROBE_TIMEOUT_MS: String(probeTimeoutMs),
      DBPOOL_CONNECT_TIMEOUT_MS: '2000',
      DBPOOL_STATE_DIR: stateDir,
      DBPOOL_LOG_LEVEL: 'silent',
    });
    const services = await createServices(config, silentLogger(), { stateFile: ':memory:' });
    opened.push(services);
    return services;
  }

  function expectPostgresShown(report: Report): void {
    expect(report.facts.postgres.ok).toBe(true);
    if (report.facts.postgres.ok) expect(report.facts.postgres.facts.maxConnections).toBe(30);
    expect(report.math.server).not.toBeNull();
  }

  it('engine stopped (socket gone) then started again: unreachable, then the instance again; PostgreSQL shown throughout', async () => {
    const engine: RestartableEngine = await startRestartableEngine();
    engines.push(engine);
    const services = await servicesAt(engine.address);

    const up = await status(services);
    expectPostgresShown(up);
    expect(up.facts.instances).toHaveLength(1);
    expect(up.facts.instances[0], why(up)).toMatchObject({ ok: true, instances: [{ name: app.name, state: 'running' }] });

    await engine.down();
    const down = await status(services);
    expectPostgresShown(down);
    expect(down.facts.instances[0]).toMatchObject({ ok: false, instances: [], error: { kind: 'unreachable', source: `docker ${engine.address}` } });
    expect(down.verdict).not.toBe('OK');
    expect(down.findings.map((f) => f.code)).toContain('instance_source_failed');

    await engine.up();
    // The very next check sees it again: no connection from before the restart is reused.
    const back = await status(services);
    expectPostgresShown(back);
    expect(back.facts.instances[0], why(back)).toMatchObject({ ok: true, instances: [{ name: app.name, state: 'running' }] });
  });

  it('pooled connections the engine dropped (a restart the bot did not see): the next check reconnects and reports', async () => {
    const engine = await startConnectionDroppingEngine();
    engines.push(engine);
    const services = await servicesAt(engine.address);
    expect((await status(services)).facts.instances[0], 'before').toMatchObject({ ok: true });

    engine.dropOpenConnections();
    const after = await status(services);
    expect(engine.dropped).toBeGreaterThan(0); // a pooled connection was reused and died
    expectPostgresShown(after);
    expect(after.facts.instances[0], why(after)).toMatchObject({ ok: true, instances: [{ name: app.name, state: 'running' }] });
  });

  it('engine answering errors, then hanging, then passing again: a clear error each time, never a throw', async () => {
    let fault: EngineFault = { status: 500, message: 'engine is shutting down' };
    const proxy: EngineProxy = await startEngineProxy(() => fault);
    engines.push(proxy);
    const services = await servicesAt(proxy.address);

    const failing = await status(services);
    expectPostgresShown(failing);
    expect(failing.facts.instances[0]).toMatchObject({
      ok: false,
      instances: [],
      error: { kind: 'other', message: expect.stringContaining('engine is shutting down') },
    });

    fault = 'hang';
    const hung = await status(await servicesAt(proxy.address, 1_000));
    expectPostgresShown(hung);
    expect(hung.facts.instances[0]).toMatchObject({ ok: false, instances: [], error: { kind: 'unreachable' } });

    fault = 'pass';
    const back = await status(services);
    expectPostgresShown(back);
    expect(back.facts.instances[0], why(back)).toMatchObject({ ok: true, instances: [{ name: app.name, state: 'running' }] });
  });
});
